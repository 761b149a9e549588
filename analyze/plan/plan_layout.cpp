// The migration tool's file names, markers and file text for a plan's steps (split from plan.cpp).
#include "analyze/plan/plan_composer.hpp"

namespace pgfence::analyze {

namespace plan_detail {
// ---- the migration tool's names and markers ----

Layout layout_of(const FileReport& r, bool had_begin) {
    Layout l{r.tool, r.source_kind};
    l.script_module = r.script_module;
    l.context_parameter = r.context_parameter;
    switch (r.tool) {
        case MigrationTool::Prisma:
        case MigrationTool::GolangMigrate:
        case MigrationTool::Diesel:
        case MigrationTool::Sqlx:
        case MigrationTool::Dbmate:
            l.wraps = r.tool != MigrationTool::Prisma && r.tool != MigrationTool::GolangMigrate;
            l.one_query = true;
            break;
        case MigrationTool::Goose:
        case MigrationTool::Flyway:
            l.wraps = true;
            break;
        case MigrationTool::Popx:
            // An .autocommit file runs outside a transaction, sent as one Exec.
            l.wraps = true;
            l.one_query = true;
            break;
        case MigrationTool::Drizzle:
        case MigrationTool::Pop:
        case MigrationTool::Synapse:
        case MigrationTool::NodePgMigrate:
            l.wraps = true;
            l.no_transaction = false;
            break;
        case MigrationTool::Plain:
            l.explicit_begin = had_begin;
            break;
    }
    if (r.source_kind == "knex" || r.source_kind == "typeorm") {
        l.wraps = true;
        l.one_query = false;
        l.no_transaction = true;
    } else if (r.source_kind == "sequelize") {
        l.wraps = false;
        l.one_query = false;
        l.no_transaction = true;
        l.explicit_begin = true;
    } else if (r.source_kind == "node-pg-migrate") {
        // A script migration sends each pgm.sql() in node-pg-migrate's transaction, unless it
        // calls pgm.noTransaction() (dist/migration.js _apply), which a plan's step may.
        l.wraps = true;
        l.one_query = false;
        l.no_transaction = true;
    } else if (r.source_kind == "db-migrate") {
        // db-migrate (its pg driver's startMigration) runs each migration between BEGIN and
        // COMMIT; only the whole run's --non-transactional turns that off, so a step that must
        // run outside a transaction is out of band.
        l.wraps = true;
        l.one_query = false;
        l.no_transaction = false;
    }
    return l;
}

// A name "<version><rest>" with `version` (from plan_versions) in place of its own and "_<k>"
// before `suffix`. Without `versioned` (a plain SQL folder, run in name order) or a version the
// number is kept: the new files sort right after the original, before the next migration.
std::string numbered(std::string_view name, std::string_view suffix, int k, int total, bool versioned,
                     const std::string* version) {
    std::string_view stem = name.substr(0, name.size() - suffix.size());
    if (k == 1) return std::string(name);
    std::string number = std::to_string(k);
    // _02 .. _10 sort in order by name.
    number.insert(0, std::to_string(total).size() - number.size(), '0');
    if (!versioned || version == nullptr) return std::string(stem) + "_" + number + std::string(suffix);
    return with_version(stem, false, *version) + "_" + number + std::string(suffix);
}

std::string join_path(std::string_view folder, std::string_view name) {
    return folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
}

std::string ends_with_one_of(std::string_view name, std::initializer_list<std::string_view> suffixes) {
    for (auto s : suffixes) {
        if (name.size() > s.size() && name.ends_with(s)) return std::string(s);
    }
    std::size_t dot = name.rfind('.');
    return dot == std::string_view::npos ? std::string() : std::string(name.substr(dot));
}

// popx's name for a file that runs `outside` a transaction or not: pop's parts, with or
// without ".autocommit" before the direction.
std::string popx_suffix(std::string suffix, bool outside) {
    if (std::size_t at = suffix.find(".autocommit."); at != std::string::npos) suffix.erase(at, 11);
    if (!outside) return suffix;
    std::size_t direction = suffix.rfind(".up.sql");
    if (direction == std::string::npos) direction = suffix.rfind(".down.sql");
    if (direction != std::string::npos) suffix.insert(direction, ".autocommit");
    return suffix;
}

// Where migration k (1-based) of the plan goes; k = 1 replaces the original file. `versions`:
// plan_versions' for migrations 2 and later; `outside`: it runs outside a transaction.
std::string migration_path(const FileReport& r, int k, int total, const std::vector<std::string>& versions, bool outside) {
    std::string_view path = r.path;
    std::string_view folder = path_folder(path);
    std::string_view name = path_name(path);
    const std::string* version = k >= 2 && static_cast<std::size_t>(k - 2) < versions.size() ? &versions[static_cast<std::size_t>(k - 2)] : nullptr;
    switch (r.tool) {
        case MigrationTool::Prisma:
        case MigrationTool::Diesel: {
            // <folder>/<version>_<name>/migration.sql (up.sql)
            std::string_view parent = path_folder(folder);
            std::string_view dir = path_name(folder);
            return join_path(join_path(parent, numbered(dir, "", k, total, true, version)), name);
        }
        case MigrationTool::Flyway: {
            if (k == 1) return std::string(path);
            std::size_t sep = name.find("__");
            if (sep == std::string_view::npos || sep < 2 || version == nullptr) break;
            std::string_view rest = name.substr(sep + 2);
            std::string suffix = ends_with_one_of(rest, {".sql"});
            std::string desc(rest.substr(0, rest.size() - suffix.size()));
            return join_path(folder, std::string(1, name[0]) + *version + "__" + desc + "_" + std::to_string(k) + suffix);
        }
        case MigrationTool::Pop:
        case MigrationTool::Popx: {
            // <version>_<name>[.<dialect>][.autocommit].up.sql: the number goes before the first '.'.
            std::size_t dot = name.find('.');
            if (dot == std::string_view::npos) break;
            std::string suffix(name.substr(dot));
            if (r.tool == MigrationTool::Popx) suffix = popx_suffix(suffix, outside);
            std::string renamed = std::string(name.substr(0, dot)) + suffix;
            return join_path(folder, numbered(renamed, suffix, k, total, true, version));
        }
        default: break;
    }
    std::string suffix = ends_with_one_of(name, {".up.sql", ".sql.postgres", ".sql", ".ts", ".js", ".cjs", ".mjs"});
    bool versioned = (r.tool != MigrationTool::Plain && r.tool != MigrationTool::Synapse) || r.source_kind == "typeorm" ||
                     r.source_kind == "node-pg-migrate";
    return join_path(folder, numbered(name, suffix, k, total, versioned, version));
}

// The file an out-of-band step is kept in: not in the migrations folder, where a tool would run it.
// Named after the migration it follows, so a listing shows where it belongs.
std::string out_of_band_path(const FileReport& r, int k, int after) {
    std::string_view name = path_name(r.path);
    std::size_t dot = name.find('.');
    std::string stem(dot == std::string_view::npos ? name : name.substr(0, dot));
    if (r.tool == MigrationTool::Prisma || r.tool == MigrationTool::Diesel) stem = std::string(path_name(path_folder(r.path)));
    return "out-of-band/" + stem + "-" + std::to_string(k) +
           (after > 0 ? "-after-migration-" + std::to_string(after) : std::string("-before-the-migrations")) + ".sql";
}

// A JavaScript template literal holding `sql`.
std::string template_literal(std::string_view sql) {
    std::string out = "`";
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '`' || c == '\\') out += '\\';
        if (c == '$' && i + 1 < sql.size() && sql[i + 1] == '{') out += '\\';
        out += c;
    }
    return out + "`";
}

// A class name for TypeORM: the letters of the file name, "Step", the step's number, then the
// file's leading timestamp (plan_versions gave each step one after the file's): TypeORM orders
// migrations by parseInt of the class name's last 13 characters (typeorm
// src/migration/MigrationExecutor.ts getMigrations), so nothing may follow the timestamp.
std::string class_name(std::string_view file) {
    std::string_view stem = file.substr(0, file.find('.'));
    std::size_t lead = 0;
    while (lead < stem.size() && std::isdigit(static_cast<unsigned char>(stem[lead]))) ++lead;
    // numbered()'s "_<k>" at the end says the step; the original (step 1) has none.
    std::string_view rest = stem.substr(lead);
    std::string step = "1";
    if (std::size_t u = rest.rfind('_'); u != std::string_view::npos && u + 1 < rest.size() &&
        std::all_of(rest.begin() + static_cast<std::ptrdiff_t>(u) + 1, rest.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        std::string_view k = rest.substr(u + 1);
        step = std::string(k.substr(std::min(k.find_first_not_of('0'), k.size() - 1)));  // _02 is step 2
        rest = rest.substr(0, u);
    }
    std::string letters;
    bool upper = true;
    for (char c : rest) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            continue;
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            letters += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        } else {
            upper = true;
        }
    }
    if (letters.empty()) letters = "Migration";
    return letters + "Step" + step + std::string(stem.substr(0, lead));
}

bool has_dollar_quote(std::string_view sql) {
    std::size_t at = sql.find('$');
    while (at != std::string_view::npos) {
        std::size_t end = sql.find('$', at + 1);
        if (end == std::string_view::npos) return false;
        std::string_view tag = sql.substr(at + 1, end - at - 1);
        if (std::all_of(tag.begin(), tag.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }) &&
            (tag.empty() || !std::isdigit(static_cast<unsigned char>(tag.front())))) {
            return true;
        }
        at = sql.find('$', end + 1);
    }
    return false;
}

// Who runs the migrations, for notes: the ORM of a script, else the tool ("sql" for plain files).
std::string runner_name(const Layout& l) {
    return l.source_kind != "sql" ? l.source_kind : std::string(tool_name(l.tool));
}

// The note on the plan's migrations written apart from the folder, with when to add them: under
// later-release/ (`later`) once the new release is out, else under after-out-of-band/ once the
// out-of-band step before them has finished. In the folder the tool would run them in this deploy.
std::string written_apart_note(const std::vector<int>& migrations, bool later, const Layout& l) {
    std::string which;
    for (std::size_t k = 0; k < migrations.size(); ++k) {
        which += (k == 0 ? "" : k + 1 == migrations.size() ? " and " : ", ") + std::to_string(migrations[k]);
    }
    const bool one = migrations.size() == 1;
    const std::string them = one ? "it" : "them";
    const std::string runner = l.tool == MigrationTool::Plain && l.source_kind == "sql" ? "a tool that runs the folder" : runner_name(l);
    return "migration" + std::string(one ? " " : "s ") + which + (one ? " is" : " are") + " written under " +
           (later ? "later-release/" : "after-out-of-band/") + ": add " + them + " to the migration folder only once " +
           (later ? "the new release is deployed and no instance of the old code runs (" + runner + " would run " + them +
                        " with the others in this deploy)"
                  : "the out-of-band step before " + them + " has finished (" + runner + " would run " + them +
                        " in this deploy, before it)") +
           ", and renumber if a newer migration has come in since";
}

// Whether file_text reads a step's pieces (a call or a marker around each), not only its SQL.
bool file_reads_units(const Layout& l) {
    return l.source_kind == "knex" || l.source_kind == "typeorm" || l.source_kind == "sequelize" || l.source_kind == "db-migrate" ||
           l.source_kind == "node-pg-migrate" ||
           l.tool == MigrationTool::Goose || l.tool == MigrationTool::Drizzle;
}

// The text of the file for migration `step`, with the tool's markers; `units` its pieces.
std::string file_text(const Layout& l, const PlanStep& step, const std::vector<std::string>& units,
                      std::string_view path, const std::vector<std::string>& down, bool apart) {
    bool outside = step.run == PlanRun::no_transaction;
    // down()'s body: each statement by the runner's raw call, as up()'s.
    auto undo = [&](std::string_view call, std::string_view indent) {
        std::string text;
        for (const auto& u : down) text += std::string(indent) + "await " + std::string(call) + template_literal(u) + ");\n";
        return text;
    };
    if (l.source_kind == "node-pg-migrate") {
        // pgm.sql(text) sends text as written (no `{name}` replaced without a second argument:
        // dist/operations/sql.js, dist/utils/createTransformer.js); pgm.noTransaction() leaves
        // the migration outside node-pg-migrate's BEGIN/COMMIT.
        std::string calls = outside ? "  pgm.noTransaction();\n" : "";
        for (const auto& u : units) calls += "  pgm.sql(" + template_literal(u) + ");\n";
        const std::string run = "(" + std::string(plan_run_name(step.run)) + ")";
        const std::string head = "// " + step.title + (step.title.find(run) == std::string::npos ? " " + run : "") + ", from pgfence's plan.\n";
        const bool typescript = path.ends_with(".ts") || path.ends_with(".mts") || path.ends_with(".cts");
        std::string undoes = down.empty() || !outside ? std::string() : "  pgm.noTransaction();\n";
        for (const auto& u : down) undoes += "  pgm.sql(" + template_literal(u) + ");\n";
        const std::string pgm = down.empty() ? "" : "pgm";
        if (typescript) {
            return head + "import type { MigrationBuilder } from \"node-pg-migrate\";\n\nexport async function up(pgm: MigrationBuilder): Promise<void> {\n" +
                   calls + "}\n\nexport async function down(" + (down.empty() ? "" : "pgm: MigrationBuilder") + "): Promise<void> {" +
                   (down.empty() ? "" : "\n" + undoes) + "}\n";
        }
        if (l.script_module == "esm" || l.script_module == "esm-default") {
            return head + "export async function up(pgm) {\n" + calls + "}\n\nexport async function down(" + pgm + ") {" +
                   (down.empty() ? "" : "\n" + undoes) + "}\n";
        }
        return head + "exports.up = async function (pgm) {\n" + calls + "};\n\nexports.down = async function (" + pgm + ") {" +
               (down.empty() ? "" : "\n" + undoes) + "};\n";
    }
    if (l.source_kind == "knex" || l.source_kind == "typeorm" || l.source_kind == "sequelize" ||
        l.source_kind == "db-migrate") {
        std::string calls;
        std::string indent = l.source_kind == "typeorm" ? "        " : "    ";
        // One of the four: script_tool has a row for each.
        const std::string call = orm::raw_call(*orm::script_tool(l.source_kind)) + "(";
        for (const auto& u : units) calls += indent + "await " + call + template_literal(u) + ");\n";
        std::string run = "(" + std::string(plan_run_name(step.run)) + ")";
        std::string head = "// " + step.title + (step.title.find(run) == std::string::npos ? " " + run : "") + ", from pgfence's plan.\n";
        if (l.source_kind == "knex") {
            // `apart`: knex's migrate:latest runs every pending migration in one transaction
            // unless one opts out (knex 3.1.0 lib/migrations/migrate/Migrator.js:80-97, latest:
            // `transactionForAll` unless some migration's `_useTransaction` is false, :478-484);
            // then each one that does not opt out gets its own (:503-515). This one opts out and
            // opens its own, so its SET LOCAL holds for its statements and it does not run under
            // the locks the plan's earlier migrations took.
            const bool own = apart && !outside;
            std::string why = own ? "// Out of knex's batch transaction (migrate:latest runs every pending migration in one unless one\n"
                                    "// opts out): this migration commits on its own, in the transaction it opens.\n"
                                  : "// Run outside Knex's transaction (CONCURRENTLY cannot run inside one).\n";
            std::string config = outside || own ? "\n" + why + orm::knex_no_transaction(l.script_module) + ";\n" : "";
            if (own) {
                std::string in_own;
                const std::string trx_call = orm::raw_call(*orm::script_tool(l.source_kind), "trx") + "(";
                for (const auto& u : units) in_own += indent + "    await " + trx_call + template_literal(u) + ");\n";
                calls = indent + "await knex.transaction(async (trx) => {\n" + in_own + indent + "});\n";
            }
            const std::string param = down.empty() ? "" : "knex";
            const std::string undoes = down.empty() ? "" : "\n" + undo(call, indent);
            if (l.script_module == "esm") {
                return head + "export async function up(knex) {\n" + calls + "}\n\nexport async function down(" + param + ") {" + undoes + "}\n" + config;
            }
            if (l.script_module == "esm-default") {
                return head + "export default {\n  async up(knex) {\n" + calls + "  },\n  async down(" + param + ") {" +
                       (down.empty() ? "" : "\n" + undo(call, "    ") + "  ") + "},\n" +
                       (outside || own ? "  " + why.substr(0, why.find('\n') + 1) + (own ? "  " + why.substr(why.find('\n') + 1) : "") + "  " +
                                      orm::knex_no_transaction(l.script_module) + ",\n"
                                : "") +
                       "};\n";
            }
            return head + "exports.up = async function (knex) {\n" + calls + "};\n\nexports.down = async function (" + param + ") {" + undoes + "};\n" + config;
        }
        if (l.source_kind == "typeorm") {
            std::string name = class_name(path_name(path));
            return head + "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\nexport class " + name +
                   " implements MigrationInterface {\n" +
                   (outside ? "    // Outside TypeORM's transaction (migrationsTransactionMode \"each\"): CONCURRENTLY cannot run inside one.\n"
                              "    " + std::string(orm::k_typeorm_no_transaction) + " as const;\n\n"
                            : std::string()) +
                   "    public async up(queryRunner: QueryRunner): Promise<void> {\n" + calls +
                   "    }\n\n    public async down(" + (down.empty() ? std::string() : "queryRunner: QueryRunner") + "): Promise<void> {" +
                   (down.empty() ? std::string() : "\n" + undo(call, indent) + "    ") + "}\n}\n";
        }
        if (l.source_kind == "sequelize") {
            // Sequelize runs a migration's queries outside any transaction, each on whichever
            // pooled connection is free: a step that runs in one is a managed transaction, every
            // query passing it, so they share its connection (and its SET lock_timeout).
            if (!outside) {
                calls.clear();
                for (const auto& u : units) calls += "      await " + call + template_literal(u) + ", { transaction });\n";
                calls = "    await queryInterface.sequelize.transaction(async (transaction) => {\n" + calls + "    });\n";
            } else if (units.size() > 1) {
                calls = "    // Each query may run on another pooled connection: the SET holds where it ran (a pool of one\n"
                        "    // connection, as the migration CLI's usually is, keeps it for the next).\n" + calls;
            }
            std::string param = l.context_parameter ? "{ context: queryInterface }" : "queryInterface";
            const std::string down_param = down.empty() ? "" : param;
            if (l.script_module == "esm") {
                return head + "export async function up(" + param + ") {\n" + calls + "}\n\nexport async function down(" + down_param + ") {" +
                       (down.empty() ? "" : "\n" + undo(call, "  ")) + "}\n";
            }
            return head + (l.script_module == "esm-default" ? "export default {\n" : "module.exports = {\n") + "  async up(" + param +
                   ") {\n" + calls + "  },\n  async down(" + down_param + ") {" + (down.empty() ? "" : "\n" + undo(call, "    ") + "  ") + "},\n};\n";
        }
        return head + "exports.up = async function (db) {\n" + calls + "};\n\nexports.down = async function (" + (down.empty() ? "" : "db") + ") {" +
               (down.empty() ? "" : "\n" + undo(call, indent)) + "};\n";
    }
    std::string body;
    body.reserve(step.sql.size() + 1);  // the newline below must not double it
    body = step.sql;
    if (!body.empty() && body.back() != '\n') body += '\n';
    switch (l.tool) {
        case MigrationTool::Goose: {
            std::string text = "-- +goose Up\n";
            if (outside) text += "-- +goose NO TRANSACTION\n";
            for (const auto& u : units) {
                bool block = has_dollar_quote(u);
                text += block ? "-- +goose StatementBegin\n" + u + "\n-- +goose StatementEnd\n" : u + "\n";
            }
            return text;
        }
        case MigrationTool::Dbmate:
            return std::string("-- migrate:up") + (outside ? " transaction:false" : "") + "\n" + body + "\n-- migrate:down\n";
        case MigrationTool::Sqlx:
            return (outside ? "-- no-transaction\n" : "") + body;
        case MigrationTool::Drizzle: {
            std::string text;
            for (std::size_t i = 0; i < units.size(); ++i) text += (i ? "\n--> statement-breakpoint\n" : "") + units[i];
            return text + "\n";
        }
        case MigrationTool::NodePgMigrate:
            return "-- Up Migration\n" + body;
        default: return body;
    }
}

// ---- composing ----

// ALTER TABLE t DROP CONSTRAINT c where c is a foreign key: the statement locks another table.
bool drops_foreign_key(const StatementFacts& s, const AlterTableStmt* alter) {
    const auto* cmd = pg::as<AlterTableCmd>(pg::nth(alter->cmds, 0));
    if (cmd == nullptr || cmd->subtype != AT_DropConstraint || alter->relation == nullptr) return false;
    std::string table = pg::display_name(alter->relation);
    return std::any_of(s.locks.begin(), s.locks.end(), [&](const LockFact& l) { return l.relation != table && !l.is_new; });
}

}  // namespace plan_detail

}  // namespace pgfence::analyze
