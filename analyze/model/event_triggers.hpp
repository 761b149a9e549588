#pragma once
// Event triggers (CREATE EVENT TRIGGER): PostgreSQL runs their function around every DDL
// statement, with the body the function has at that moment. They are kept in the catalog (from
// the history as from the migration), and each DDL statement of a migration fires those its
// event and TAG filter match: a pull request that replaces the function of an event trigger
// from history with one that deletes rows runs that body on its own next DDL statement.
#include <string>
#include <vector>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

// CREATE, ALTER (ENABLE / DISABLE), ALTER ... RENAME and DROP EVENT TRIGGER, into the catalog.
void record_event_trigger(const pg::Node* stmt, Catalog& catalog);

// Whether PostgreSQL 15 fires event triggers for `stmt` (src/backend/tcop/utility.c: the
// statements ProcessUtilitySlow runs; those standard_ProcessUtility runs itself, such as
// transaction control, SET, DO, CALL, TRUNCATE, COPY, VACUUM, REINDEX, LOCK and the commands on
// databases, roles, tablespaces and event triggers, fire none; nor do queries and DML).
[[nodiscard]] bool fires_event_triggers(const pg::Node* stmt);

// The enabled event triggers `stmt` (of command tag `tag`, "" when not known) fires, each with
// how it is reached ("event trigger log_ddl (ddl_command_end), which every DDL statement fires").
struct FiredEventTrigger {
    std::string function;
    std::string schema;
    std::string via;
};
[[nodiscard]] std::vector<FiredEventTrigger> event_triggers_fired(const pg::Node* stmt, const std::string& tag,
                                                                  const Catalog& catalog);

}  // namespace pgfence::analyze
