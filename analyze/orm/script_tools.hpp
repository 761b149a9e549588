#pragma once
// How the migration tools of the ORM scripts pgfence reads run a migration, and how code in
// one sends SQL: the one table the code pgfence writes into scripts reads (the plan's files,
// plan.cpp; the findings' fixes, orm/fixes.cpp). Facts from each tool's own source, cited.
#include <string>
#include <string_view>

namespace pgfence::analyze::orm {

struct ScriptTool {
    std::string_view kind;      // FileReport::source_kind: "typeorm", "knex", "sequelize", "db-migrate"
    std::string_view name;      // as its users write it: "TypeORM"
    std::string_view receiver;  // up()'s usual first parameter, which the plan's files name
    std::string_view raw;       // what sends SQL as written, after the receiver: ".query"
    // Each migration runs in a transaction of the tool's: TypeORM (MigrationExecutor
    // executePendingMigrations), Knex (Migrator._waterfallBatch), db-migrate (the pg driver's
    // startMigration sends BEGIN); Sequelize's umzug runs up() as it is.
    bool wraps = false;
    // One migration can run outside that transaction (TypeORM's `transaction = false`, Knex's
    // `config.transaction`); db-migrate has only --non-transactional, for a whole run.
    bool one_can_leave = false;
};

// The row of source_kind, or nullptr for "sql" and anything else.
[[nodiscard]] const ScriptTool* script_tool(std::string_view source_kind);

// "queryRunner.query": the call that sends SQL, on `receiver` (the tool's usual one when empty).
[[nodiscard]] std::string raw_call(const ScriptTool& tool, std::string_view receiver = {});

// TypeORM's per-migration opt-out, a property of the migration class; honoured only under
// migrationsTransactionMode "each" or "none" (under "all", the default, the run fails with
// ForbiddenTransactionModeOverrideError).
inline constexpr std::string_view k_typeorm_no_transaction = "transaction = false";

// Knex's per-migration opt-out (Migrator._useTransaction reads `config.transaction` of the
// migration's exports) as a module of `form` ("cjs", "esm", "esm-default") writes it, without
// the closing `;` or `,`. (Knex calls up() on what import() or require() returns
// (MigrationsLoader.getFile), so an `export default { up }` file does not run under it at all.)
[[nodiscard]] std::string knex_no_transaction(std::string_view form);

// A JavaScript string literal holding `text` ('…' or "…", whichever needs fewer escapes); for
// one line of SQL in running text, where a template literal's backquotes would end a code span.
[[nodiscard]] std::string js_string(std::string_view text);

}  // namespace pgfence::analyze::orm
