#include <map>
#include <set>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/renamed_aside.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// A migration tool's own record of the migrations it applied, by the default table name each tool
// gives it. Dropping one loses the tool's history, not application rows. From each tool's source:
//   diesel-rs/diesel diesel_migrations/src/migration_harness.rs: table! { __diesel_schema_migrations }
//   amacneil/dbmate pkg/dbmate/db.go (MigrationsTableName "schema_migrations"), also golang-migrate's
//     database/postgres/postgres.go DefaultMigrationsTable and Rails' ActiveRecord::SchemaMigration
//   pressly/goose provider_options.go: DefaultTablename = "goose_db_version"
//   flyway/flyway ClassicConfiguration: table "flyway_schema_history"
//   prisma/prisma-engines sql-schema-connector: "_prisma_migrations"
//   knex/knex lib/migrations/migrate/configuration-merger.js: tableName 'knex_migrations'
//   sequelize/cli src/core/migrator.js: SequelizeMeta (umzug's SequelizeStorage default)
//   typeorm/typeorm src/migration/MigrationExecutor.ts: migrationsTableName || "migrations"
//   salsita/node-pg-migrate src/runner.ts: migrationsTable, 'pgmigrations' by default (bin/node-pg-migrate)
//   launchbadge/sqlx sqlx-postgres/src/migrate.rs: _sqlx_migrations
//   knex/knex lib/migrations/migrate/table-resolver.js getLockTableName: `${tableName}_lock`
//   drizzle-team/drizzle-orm drizzle-orm/src/pg-core/dialect.ts migrate(): '__drizzle_migrations'
//     (in schema 'drizzle')
//   liquibase/liquibase liquibase/configuration/GlobalConfiguration.java: DATABASECHANGELOG and
//     DATABASECHANGELOGLOCK, unquoted, so databasechangelog and databasechangeloglock on PostgreSQL
struct Bookkeeping {
    std::string_view table;
    std::string_view tool;
    bool typeorm_only;  // "migrations" is an ordinary name: only a TypeORM script's is the tool's
    bool lock = false;  // the row the tool locks while it migrates, not its history
};
constexpr Bookkeeping k_bookkeeping[] = {
    {"__diesel_schema_migrations", "diesel", false}, {"schema_migrations", "dbmate, golang-migrate or Rails", false},
    {"goose_db_version", "goose", false},            {"flyway_schema_history", "Flyway", false},
    {"_prisma_migrations", "Prisma", false},         {"knex_migrations", "Knex", false},
    {"SequelizeMeta", "Sequelize", false},           {"typeorm_migrations", "TypeORM", false},
    {"migrations", "TypeORM", true},                 {"pgmigrations", "node-pg-migrate", false},
    {"_sqlx_migrations", "sqlx", false},             {"knex_migrations_lock", "Knex", false, true},
    {"__drizzle_migrations", "drizzle", false},      {"databasechangelog", "Liquibase", false},
    {"databasechangeloglock", "Liquibase", false, true},
};

const Bookkeeping* bookkeeping_table(const FileReport& file, std::string_view qualified) {
    std::size_t dot = qualified.rfind('.');
    std::string_view name = dot == std::string_view::npos ? qualified : qualified.substr(dot + 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    for (const Bookkeeping& b : k_bookkeeping) {
        if (name != b.table) continue;
        if (b.typeorm_only && file.source_kind != "typeorm") return nullptr;
        return &b;
    }
    return nullptr;
}

void check(const StatementContext& ctx, Sink& sink) {
    std::optional<Drop> drop = drop_of(ctx, OBJECT_TABLE);
    if (!drop) return;
    std::set<std::string> dropped;
    std::map<std::string, schema::QualifiedName> names;
    for (const List* o : pg::each<List>(drop->objects)) {
        dropped.insert(pg::qualified_name(o));
        names.emplace(pg::qualified_name(o), schema::name_of_list(o));
    }
    const auto at = static_cast<std::size_t>(ctx.statement.index);
    const bool in_file = ctx.stmts != nullptr && at < ctx.stmts->size() && (*ctx.stmts)[at] == ctx.stmt;
    for (const auto& table : dropped) {
        if (table.empty() || existing(ctx.statement, table) == nullptr) continue;  // created in this migration
        // The old table a copy-and-swap of this file renamed aside and copied into the new one
        // (renamed_aside.hpp): its rows live on there, and no running code names the aside name.
        // Not with CASCADE: that also drops the other tables' foreign keys and the views that still
        // point at the aside table (red team R69 C1).
        if (in_file && !drop->cascade && renamed_aside_to(*ctx.stmts, ctx.file.statements, at, names.at(table))) continue;
        if (const Bookkeeping* b = bookkeeping_table(ctx.file, table)) {
            Finding& f = sink.add(ctx.statement, "DROP TABLE " + table + " drops " + std::string(b->tool) +
                                                     (b->lock ? "'s lock table (the row it locks while it migrates), "
                                                                "not application data: its next run makes it again"
                                                              : "'s record of the migrations it applied, not application data: "
                                                                "the tool's history is lost, and its next run may apply every "
                                                                "migration again"));
            f.relation = table;
            f.risk = Risk::Low;
            const std::string arg = table.find('"') == std::string::npos ? table : "'" + table + "'";  // for the shell
            f.fix = "drop it only when retiring " + std::string(b->tool) + ", after copying it (pg_dump --table=" + arg +
                    "); otherwise leave the tool's table alone";
            continue;
        }
        std::string others;
        for (const auto& l : ctx.statement.locks) {
            if (l.is_new || dropped.count(l.relation) > 0 || !blocks_reads_or_writes(l)) continue;
            others += (others.empty() ? "; it also takes " : ", ") + a_lock(l);
        }
        // Made again later in the file (a reset): what matters is whether the running release
        // fits the new table, and the rows.
        if (auto again = read_recreated_note(ctx.statement, table)) {
            const std::string line = std::to_string(again->line);
            // A copy renamed into the name holds what the file copied into it (copy-and-swap-loses-writes
            // says what it misses): what is left to say is whether the running release fits it.
            const std::string made = again->copy.empty() ? " makes it again, empty" : " renames " + again->copy + " into its place";
            const std::string rows = again->copy.empty() ? "the rows it held are gone" : "only the rows the file copied are kept";
            Finding& f = sink.add(ctx.statement,
                                  "DROP TABLE " + table + " deletes every row of " + table + ", and line " + line + made +
                                      (again->fits ? ": the old release's reads and writes fit the new table (" + again->how +
                                                         "), but " + rows
                                                   : ", where the old release's statements fail from the moment it commits (" +
                                                         again->how + "), and " + rows) +
                                      others);
            f.relation = table;
            // MEDIUM only when the rows survive (a copy renamed into the name); made again empty,
            // in one transaction or not, every row is gone (red team h2 DROPRECREATETX): HIGH.
            if (again->fits && !again->copy.empty()) f.risk = Risk::Medium;
            f.fix = again->fits && !again->copy.empty()
                        ? "change " + table + " in place (ALTER TABLE ... ADD COLUMN) instead of swapping in a copy, or keep "
                          "writes to it from going to the old table between the copy and the swap"
                    : again->fits
                        ? "if the rows matter, change " + table + " in place (ALTER TABLE ... ADD COLUMN) instead of making it "
                          "again, or copy them into the new table in this migration"
                        : "change " + table + " in place, in steps the running release survives (new columns nullable or "
                          "with a default), or release code that fits the new table first";
            continue;
        }
        Finding& f = sink.add(ctx.statement, "DROP TABLE " + table + " deletes " + table +
                                                 " and every row in it: running code that still reads or writes " +
                                                 table + " fails from the moment it commits" + others);
        f.relation = table;
        f.fix = "deploy code that no longer uses " + table + " first, then drop it in a later migration";
        Recipe recipe;
        recipe.summary = "Release code that no longer uses the table first; drop it in a later migration, once unused";
        recipe.steps.push_back(release_first_step(
            table,
            "SELECT seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relid = " +
                quote_literal(table) + "::regclass;",
            "pg_dump --table=" + table + " --format=custom <database>"));
        // The statement as written when it drops this table alone: a comment inside it is a tool's
        // to substitute (River's `DROP TABLE /* TEMPLATE: schema */river_client_queue`, which
        // rivermigrate replaces with the schema it migrates: river_migrate.go), and a DROP built
        // again from the name would drop another schema's table (review 89). Several tables: each
        // is built again, the plan declines it where that loses a comment (plan_comments.hpp).
        // No IF EXISTS the original lacked: nothing earlier in the plan drops the table, and a
        // DROP that finds nothing (the wrong schema) must fail, not pass.
        const std::string drop_sql = in_file && dropped.size() == 1 && pg::length(drop->objects) == 1
                                         ? ctx.statement.sql
                                         : "DROP TABLE " + std::string(drop->stmt->missing_ok ? "IF EXISTS " : "") + table +
                                               (drop->cascade ? " CASCADE" : "");
        recipe.steps.push_back({"Migration (a later release)",
                                "-- pgfence-ignore: drop-table -- no code has used " + table + " since the previous release\n" +
                                    drop_sql + ";",
                                true});
        f.recipe = std::move(recipe);
    }
}

}  // namespace

PGFENCE_RULE(drop_table) {
    return Rule{"drop-table", Risk::High, "DROP TABLE deletes the table's data and breaks code that still uses it",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
