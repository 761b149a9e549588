#pragma once
// What one recipe statement did on the live server: the relation locks it took and which
// relations got new storage. Built on trace's pg_locks and pg_class readers; unlike the
// conformance runner, statements run one after another inside the same transaction, so the
// locks of a statement are the ones its transaction did not hold before it.
#include <map>
#include <string>
#include <vector>

#include "trace/contention.hpp"
#include "trace/lock_observer.hpp"
#include "trace/pq_connection.hpp"

namespace pgfence::tests::recipes {

struct StatementRun {
    std::string command_status;                   // "UPDATE 0", "ALTER TABLE", ...
    std::map<unsigned, trace::LockMode> taken;    // relation oid -> strongest mode it added
    std::vector<trace::RelationState> rewritten;  // existed before it, relfilenode changed
    trace::RelationSnapshot relations;            // names as before the statement, else as after
    std::map<unsigned, unsigned> index_table;     // index oid -> oid of its table
    int unresolved = 0;  // locked relations gone by the end (transient heaps)
    std::vector<std::string> returned;  // the first column of the rows it returned, NULLs left out
};

// Runs `sql` on `session`, inside a transaction the caller has opened; `observer` is a second
// connection to the same database. A mode the transaction already held before `sql` is not
// seen again (PostgreSQL keeps one pg_locks row per relation and mode).
[[nodiscard]] trace::Result<StatementRun> run_in_transaction(trace::Connection& session, trace::Connection& observer,
                                                             const std::string& sql);

// Runs `sql` in autocommit on a connection of its own (to `session_conninfo`) while trace's
// contention sessions (on `contention_conninfo`) make it wait, visibly, at each lock it takes
// (the conformance suite's way for CONCURRENTLY).
[[nodiscard]] trace::Result<StatementRun> run_autocommit(const std::string& session_conninfo,
                                                         const std::string& contention_conninfo,
                                                         trace::Connection& observer, const std::string& sql,
                                                         const trace::Contention& contention);

}  // namespace pgfence::tests::recipes
