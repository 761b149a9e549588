#pragma once
// Watching what a statement really does on a live server: the relation locks its backend
// holds or waits for (read from pg_locks by a second connection) and which relations get
// new storage (pg_class.relfilenode before and after).
#include <map>
#include <string>
#include <vector>

#include "analyze/model/lock_mode.hpp"
#include "trace/contention.hpp"
#include "trace/pq_connection.hpp"

namespace pgfence::trace {

using analyze::LockMode;

// One row of pg_class as the observing session sees it.
struct RelationState {
    unsigned oid = 0;
    std::string schema;
    std::string name;
    char relkind = '?';       // pg_class.relkind: r, p, i, I, S, t, v, m, f, c
    unsigned relfilenode = 0;  // 0 for relations without storage
};

// Every relation created by users (oid >= 16384), keyed by oid.
using RelationSnapshot = std::map<unsigned, RelationState>;

struct ObservedLock {
    RelationState relation;  // as it was before the statement (new relations: as after it)
    LockMode mode = LockMode::AccessShare;  // strongest mode held or requested
    bool granted = true;                    // false when the strongest mode was only waited for
    bool is_new = false;                    // created by the statement (not there before it)
};

struct Observation {
    std::vector<ObservedLock> locks;          // one per relation, strongest mode
    std::vector<RelationState> rewritten;     // existed before and after, relfilenode changed
    int unresolved = 0;  // locked relations gone by the end (transient heaps of a rewrite)
};

// Reads pg_class through `conn` (inside its transaction, so its own new relations show).
[[nodiscard]] Result<RelationSnapshot> snapshot_relations(Connection& conn);

// Runs `sql` on `session`, which must be inside a transaction that has taken no relation
// locks yet (so every lock it holds afterwards is the statement's). `observer` is another
// connection to the same database. The transaction stays open: the caller rolls it back.
[[nodiscard]] Result<Observation> observe_in_transaction(Connection& session, Connection& observer,
                                                         std::string_view sql);

// Runs `sql` in autocommit on a new connection to `conninfo` while an observer polls
// pg_locks for its backend and `contention` makes it wait at each step; returns every
// (relation, mode) seen, granted or waiting.
[[nodiscard]] Result<Observation> observe_autocommit(const std::string& conninfo, std::string_view sql,
                                                     const Contention& contention);
// The same with the statement's session on `session_conninfo` (the role repository SQL runs
// as) and the observer and contending sessions on `observer_conninfo` (the superuser). When
// the statement fails, `sqlstate` (if given) receives its SQLSTATE.
// Pins (a catalog row lock, which a plain role may not take) go on `pin_conninfo` when given.
[[nodiscard]] Result<Observation> observe_autocommit(const std::string& session_conninfo,
                                                     const std::string& observer_conninfo, std::string_view sql,
                                                     const Contention& contention, std::string* sqlstate,
                                                     const std::string& pin_conninfo = "");

}  // namespace pgfence::trace
