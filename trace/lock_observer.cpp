#include "trace/lock_observer.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "trace/contention.hpp"

namespace pgfence::trace {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* k_relations_sql =
    "SELECT c.oid::int8, n.nspname, c.relname, c.relkind, c.relfilenode::int8 "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid::int8 >= 16384";

unsigned to_unsigned(const std::string& text) { return static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 10)); }

struct Seen {
    LockMode mode = LockMode::AccessShare;
    bool granted = false;
};

using SeenLocks = std::map<unsigned, Seen>;

// Keeps, per user relation of database `db`, the strongest mode `pid` holds or waits for.
void record(const std::vector<LockRow>& rows, int pid, unsigned db, SeenLocks& seen) {
    for (const auto& r : rows) {
        if (r.pid != pid || r.locktype != "relation" || r.database != db || r.relation < 16384) continue;
        auto [it, inserted] = seen.try_emplace(r.relation, Seen{r.mode, r.granted});
        if (inserted) continue;
        if (r.mode > it->second.mode) it->second = Seen{r.mode, r.granted};
        else if (r.mode == it->second.mode && r.granted) it->second.granted = true;
    }
}

Result<unsigned> database_oid(Connection& conn) {
    auto r = conn.query("SELECT oid::int8 FROM pg_database WHERE datname = current_database()");
    if (!r) return r.error();
    return to_unsigned(r->value(0, 0));
}

Observation build(const SeenLocks& seen, const RelationSnapshot& before, const RelationSnapshot& after) {
    Observation out;
    for (const auto& [oid, s] : seen) {
        const RelationState* state = nullptr;
        bool is_new = false;
        if (auto b = before.find(oid); b != before.end()) state = &b->second;
        else if (auto a = after.find(oid); a != after.end()) state = &a->second, is_new = true;
        if (state == nullptr) {
            ++out.unresolved;
            continue;
        }
        out.locks.push_back(ObservedLock{*state, s.mode, s.granted, is_new});
    }
    // By oid: storage swapped under the same relation. By name: a rebuilt copy took over
    // the name (REINDEX CONCURRENTLY swaps the new index in and drops the old one).
    std::map<std::pair<std::string, std::string>, const RelationState*> after_by_name;
    for (const auto& [oid, a] : after) after_by_name[{a.schema, a.name}] = &a;
    for (const auto& [oid, b] : before) {
        if (b.relfilenode == 0) continue;
        const RelationState* a = nullptr;
        if (auto same = after.find(oid); same != after.end()) a = &same->second;
        else if (auto named = after_by_name.find({b.schema, b.name}); named != after_by_name.end()) a = named->second;
        if (a == nullptr || a->relfilenode == 0) continue;
        if (a->relfilenode != b.relfilenode) out.rewritten.push_back(b);
    }
    return out;
}

}  // namespace

Result<RelationSnapshot> snapshot_relations(Connection& conn) {
    auto rows = conn.query(k_relations_sql);
    if (!rows) return rows.error();
    RelationSnapshot out;
    for (int r = 0; r < rows->rows(); ++r) {
        unsigned oid = to_unsigned(rows->value(r, 0));
        std::string kind = rows->value(r, 3);
        out[oid] = RelationState{oid, rows->value(r, 1), rows->value(r, 2), kind.empty() ? '?' : kind[0],
                                 to_unsigned(rows->value(r, 4))};
    }
    return out;
}

Result<Observation> observe_in_transaction(Connection& session, Connection& observer, std::string_view sql) {
    auto before = snapshot_relations(session);
    if (!before) return before.error();
    auto db = database_oid(observer);
    if (!db) return db.error();
    if (Status ran = session.execute(sql); !ran) return ran.error();
    auto rows = read_locks(observer, {session.backend_pid()});
    if (!rows) return rows.error();
    SeenLocks seen;
    record(*rows, session.backend_pid(), *db, seen);
    // Names come from the session: only it sees the relations it created or dropped.
    auto after = snapshot_relations(session);
    if (!after) return after.error();
    return build(seen, *before, *after);
}

Result<Observation> observe_autocommit(const std::string& conninfo, std::string_view sql,
                                       const Contention& contention) {
    return observe_autocommit(conninfo, conninfo, sql, contention, nullptr);
}

Result<Observation> observe_autocommit(const std::string& session_conninfo, const std::string& conninfo,
                                       std::string_view sql, const Contention& contention, std::string* sqlstate,
                                       const std::string& pin_conninfo) {
    auto session = Connection::open(session_conninfo);
    if (!session) return session.error();
    auto observer = Connection::open(conninfo);
    if (!observer) return observer.error();
    auto before = snapshot_relations(*observer);
    if (!before) return before.error();
    auto db = database_oid(*observer);
    if (!db) return db.error();
    auto contender = Contender::start(conninfo, *observer, contention, pin_conninfo);
    if (!contender) return contender.error();

    const int pid = session->backend_pid();
    if (Status s = session->send(sql, Connection::Rows::discard); !s) return s.error();
    SeenLocks seen;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    for (bool done = false; !done;) {
        done = !session->busy();  // read first: the last poll then sees everything before the end
        std::vector<int> watched = {pid};
        for (int p : (*contender)->pids()) watched.push_back(p);
        auto rows = read_locks(*observer, watched);
        if (!rows) return rows.error();
        record(*rows, pid, *db, seen);
        if (done) break;
        if (Status s = (*contender)->react(pid, *rows); !s) return Error{"contention: " + s.error().message, "", std::nullopt};
        if (Clock::now() > deadline) return Error{"statement still running after 60 s", "", std::nullopt};
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    auto result = session->finish();
    (*contender)->release_all();
    if (!result) {
        if (sqlstate != nullptr) *sqlstate = session->last_sqlstate();
        return result.error();
    }
    auto after = snapshot_relations(*observer);
    if (!after) return after.error();
    return build(seen, *before, *after);
}

}  // namespace pgfence::trace
