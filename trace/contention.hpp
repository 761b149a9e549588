#pragma once
// Making a statement show its locks: other sessions hold locks and catalog rows it needs,
// so it waits, visibly, at each step while it holds what it has taken so far. Used for
// statements that run outside a transaction block (CONCURRENTLY, VACUUM), whose short
// locks a poller would otherwise miss.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyze/model/lock_mode.hpp"
#include "trace/pq_connection.hpp"

namespace pgfence::trace {

using analyze::LockMode;

struct Contention {
    // Tables, partitioned tables and views (anything LOCK TABLE takes). Each is held in
    // ACCESS EXCLUSIVE; when the statement waits for one, a second session queues the
    // strongest mode compatible with what the statement asks for, and the first lets go:
    // the statement gets its lock and any stronger request it makes later waits again.
    std::vector<std::string> tables;
    // Indexes whose catalog rows are locked FOR KEY SHARE: renaming or dropping one waits
    // while the statement holds its locks on it. Two pins each, in sessions of their own:
    // the pg_class row (a rename or swap updates it) and the first pg_attribute row (only a
    // drop deletes it), so the swap of REINDEX CONCURRENTLY, which must pass the first pin,
    // cannot let the old index's drop (its instant ACCESS EXCLUSIVE) go unseen before the
    // first pin is back. Each is re-pinned after it lets the statement go.
    std::vector<std::string> pins;
    // Names of relations the statement creates ("schema.name"): an uncommitted relation
    // of that name makes it wait, holding its lock on the new relation, until released.
    std::vector<std::string> squats;
};

// One row of pg_locks.
struct LockRow {
    int pid = 0;
    std::string locktype;
    unsigned database = 0;
    unsigned relation = 0;
    LockMode mode = LockMode::AccessShare;
    bool granted = false;
    std::string tag;  // identifies the locked object: equal tags, same object
};

// pg_locks rows of the given backends (relation modes other than the eight table-lock
// modes, such as SIReadLock, are left out).
[[nodiscard]] Result<std::vector<LockRow>> read_locks(Connection& observer, const std::vector<int>& pids);

// The strongest mode another session can hold beside all of `held`, or none.
[[nodiscard]] std::optional<LockMode> strongest_compatible(const std::vector<LockMode>& held);

class Contender {
public:
    // Opens the sessions and takes the initial locks; call before sending the statement.
    // Pins are taken on `pin_conninfo` (the superuser: a plain role may not lock catalog rows)
    // when given, the other sessions on `conninfo`.
    [[nodiscard]] static Result<std::unique_ptr<Contender>> start(const std::string& conninfo, Connection& observer,
                                                                  const Contention& contention,
                                                                  const std::string& pin_conninfo = "");
    ~Contender();

    // The blocking sessions' backends, for read_locks.
    [[nodiscard]] std::vector<int> pids() const;
    // Lets the statement (backend `statement_pid`) take its next step if it waits for one
    // of our sessions; `rows` is a fresh read_locks of it and of pids().
    [[nodiscard]] Status react(int statement_pid, const std::vector<LockRow>& rows);
    // Ends every blocking transaction.
    void release_all();

private:
    enum class Role { Idle, Holder, Successor, Pin, Squat };
    struct Session {
        Connection conn;
        int pid = 0;
        Role role = Role::Idle;
        unsigned relation = 0;  // what it holds or pins
        bool in_flight = false; // an asynchronous command has not returned yet
        bool pins = false;      // on the pin connection
        bool attribute = false; // a pin of the relation's first pg_attribute row, not its pg_class row
    };

    Contender(std::string conninfo, std::string pin_conninfo)
        : m_conninfo(std::move(conninfo)), m_pin_conninfo(std::move(pin_conninfo)) {}
    [[nodiscard]] Result<Session*> idle_session(bool pins = false);
    [[nodiscard]] Status begin(Session& s, Role role, unsigned relation, const std::string& sql);
    void end(Session& s);
    [[nodiscard]] Status hold(unsigned relation, LockMode mode);
    [[nodiscard]] Status pin(unsigned relation, bool attribute, Session** made = nullptr);
    [[nodiscard]] Status settle(Session& s);  // waits for the session's command to finish
    [[nodiscard]] Status on_relation_wait(int statement_pid, const LockRow& wait, const std::vector<LockRow>& rows);
    [[nodiscard]] Status on_other_wait(int statement_pid, const LockRow& wait, const std::vector<LockRow>& rows);

    std::string m_conninfo;
    std::string m_pin_conninfo;
    std::vector<std::unique_ptr<Session>> m_sessions;
    std::map<unsigned, std::string> m_names;          // relation oid -> SQL name for LOCK TABLE
    std::map<unsigned, Session*> m_holder;            // relation -> session holding it
    std::map<unsigned, Session*> m_successor;         // relation -> session queued behind the statement
};

}  // namespace pgfence::trace
