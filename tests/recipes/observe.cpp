#include "tests/recipes/observe.hpp"

#include <cstdlib>
#include <set>
#include <utility>

namespace pgfence::tests::recipes {
namespace {

using trace::LockMode;
using LockPairs = std::set<std::pair<unsigned, LockMode>>;

constexpr unsigned k_first_user_oid = 16384;

unsigned to_unsigned(const std::string& text) { return static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 10)); }

trace::Result<unsigned> database_oid(trace::Connection& conn) {
    auto rows = conn.query("SELECT oid::int8 FROM pg_database WHERE datname = current_database()");
    if (!rows) return rows.error();
    return to_unsigned(rows->value(0, 0));
}

// Granted relation locks of backend `pid` on user relations of database `db`.
trace::Result<LockPairs> held_locks(trace::Connection& observer, int pid, unsigned db) {
    auto rows = trace::read_locks(observer, {pid});
    if (!rows) return rows.error();
    LockPairs out;
    for (const auto& r : *rows) {
        if (r.locktype != "relation" || !r.granted || r.database != db || r.relation < k_first_user_oid) continue;
        out.insert({r.relation, r.mode});
    }
    return out;
}

trace::Result<std::map<unsigned, unsigned>> index_tables(trace::Connection& conn) {
    auto rows = conn.query("SELECT indexrelid::int8, indrelid::int8 FROM pg_index WHERE indexrelid::int8 >= 16384");
    if (!rows) return rows.error();
    std::map<unsigned, unsigned> out;
    for (int r = 0; r < rows->rows(); ++r) out[to_unsigned(rows->value(r, 0))] = to_unsigned(rows->value(r, 1));
    return out;
}

// Names as the statement found them; relations it created, as it left them.
trace::RelationSnapshot merge_names(const trace::RelationSnapshot& before, const trace::RelationSnapshot& after) {
    trace::RelationSnapshot out = after;
    for (const auto& [oid, state] : before) out[oid] = state;
    return out;
}

std::vector<trace::RelationState> storage_changes(const trace::RelationSnapshot& before,
                                                  const trace::RelationSnapshot& after) {
    std::vector<trace::RelationState> out;
    for (const auto& [oid, b] : before) {
        auto a = after.find(oid);
        if (a == after.end() || b.relfilenode == 0 || a->second.relfilenode == 0) continue;
        if (a->second.relfilenode != b.relfilenode) out.push_back(b);
    }
    return out;
}

}  // namespace

trace::Result<StatementRun> run_in_transaction(trace::Connection& session, trace::Connection& observer,
                                               const std::string& sql) {
    auto db = database_oid(observer);
    if (!db) return db.error();
    auto before = trace::snapshot_relations(session);
    if (!before) return before.error();
    auto held_before = held_locks(observer, session.backend_pid(), *db);
    if (!held_before) return held_before.error();
    auto owners_before = index_tables(session);  // an index the statement drops is gone after it
    if (!owners_before) return owners_before.error();
    auto result = session.query(sql);
    if (!result) return result.error();
    auto held_after = held_locks(observer, session.backend_pid(), *db);
    if (!held_after) return held_after.error();
    auto after = trace::snapshot_relations(session);
    if (!after) return after.error();
    auto owners = index_tables(session);
    if (!owners) return owners.error();

    StatementRun run;
    run.command_status = result->command_status();
    for (int r = 0; r < result->rows() && result->columns() > 0; ++r) {
        if (!result->is_null(r, 0)) run.returned.push_back(result->value(r, 0));
    }
    run.relations = merge_names(*before, *after);
    run.index_table = std::move(*owners);
    run.index_table.insert(owners_before->begin(), owners_before->end());
    run.rewritten = storage_changes(*before, *after);
    for (const auto& [oid, mode] : *held_after) {
        if (held_before->count({oid, mode}) > 0) continue;
        if (run.relations.count(oid) == 0) {
            ++run.unresolved;
            continue;
        }
        auto [it, inserted] = run.taken.try_emplace(oid, mode);
        if (!inserted && mode > it->second) it->second = mode;
    }
    return run;
}

trace::Result<StatementRun> run_autocommit(const std::string& session_conninfo, const std::string& contention_conninfo,
                                           trace::Connection& observer, const std::string& sql,
                                           const trace::Contention& contention) {
    auto owners_before = index_tables(observer);  // an index the statement drops is gone after it
    if (!owners_before) return owners_before.error();
    auto seen = trace::observe_autocommit(session_conninfo, contention_conninfo, sql, contention, nullptr);
    if (!seen) return seen.error();
    auto after = trace::snapshot_relations(observer);
    if (!after) return after.error();
    auto owners = index_tables(observer);
    if (!owners) return owners.error();

    StatementRun run;
    run.relations = std::move(*after);
    run.index_table = std::move(*owners);
    run.index_table.insert(owners_before->begin(), owners_before->end());
    run.rewritten = seen->rewritten;
    run.unresolved = seen->unresolved;
    for (const auto& lock : seen->locks) {
        run.relations[lock.relation.oid] = lock.relation;  // the name it had when it was locked
        run.taken[lock.relation.oid] = lock.mode;
    }
    return run;
}

}  // namespace pgfence::tests::recipes
