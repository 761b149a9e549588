#include "analyze/migrations/conventions.hpp"
#include "analyze/migrations/folder_tool.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>

#include "analyze/migrations/migration_names.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/tool_markers.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/migrations/temporal_manifest.hpp"

namespace pgfence::analyze {
namespace {

// ASCII lower case, inline: the C locale's tolower (pgfence sets no other), without a call per byte.
std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool want(Direction d, bool up) { return d == Direction::Both || (up ? d == Direction::Up : d == Direction::Down); }

// Flyway `${name}` -> `"$name"`: same length, parses as an identifier.
void mask_placeholders(std::string& text) {
    // Jumps from '$' to '$' (memchr), and looks for the '}' within the 200 bytes a name may take,
    // so a text of many unclosed "${" stays linear.
    for (std::size_t i = text.find('$'); i != std::string::npos && i + 3 < text.size(); i = text.find('$', i + 1)) {
        if (text[i + 1] != '{') continue;
        std::string_view window = std::string_view(text).substr(i + 2, 199);
        std::size_t found = window.find('}');
        if (found == std::string_view::npos) continue;
        std::size_t close = i + 2 + found;
        bool ok = close > i + 2;
        for (std::size_t k = i + 2; k < close && ok; ++k) {
            char c = text[k];
            ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-';
        }
        if (!ok) continue;
        // ${name} -> "$name"
        std::string name = text.substr(i + 2, close - i - 2);
        std::string repl = "\"$" + name + "\"";
        text.replace(i, close - i + 1, repl);
        i += repl.size() - 1;
    }
}

// drizzle-orm's readMigrationFiles (src/migrator.ts): query.split('--> statement-breakpoint'), no
// lines: the text after the marker, on its line too, starts the next statement drizzle sends
// (`--> statement-breakpoint DROP TABLE orders;` runs the DROP).
void prepare_drizzle(PreparedSource& out) {
    out.tool = MigrationTool::Drizzle;
    out.wrapped_in_transaction = true;
    constexpr std::string_view k_breakpoint = "--> statement-breakpoint";
    std::size_t region_start = 0;
    for (std::size_t at = out.text.find(k_breakpoint); at != std::string::npos; at = out.text.find(k_breakpoint, region_start)) {
        out.regions.push_back(Region{region_start, at, false});
        region_start = at + k_breakpoint.size();
    }
    out.regions.push_back(Region{region_start, out.text.size(), false});
}

// Flyway's versioned (V1_2__x.sql), undo (U1__x.sql) and repeatable (R__x.sql) file names,
// already lower-cased: a letter, a version of digits, dots and underscores, "__", a
// description. By hand: std::regex spent 40,000 instructions on each file name.
bool is_flyway_name(std::string_view name) {
    if (name.size() < 7 || (name[0] != 'v' && name[0] != 'u' && name[0] != 'r') || !name.ends_with(".sql")) {
        return false;
    }
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
        char c = name[i];
        if (c == '_' && name[i + 1] == '_') return i + 2 + 4 <= name.size();
        if (!((c >= '0' && c <= '9') || c == '.' || c == '_')) return false;
    }
    return false;
}

// A Flyway name with another ending than .sql (V2__drop.pgsql): its ending, or "" (name lower-cased).
std::string flyway_other_suffix(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || name.substr(dot) == ".sql") return {};
    if (!is_flyway_name(std::string(name.substr(0, dot)) + ".sql")) return {};
    return std::string(name.substr(dot));
}

// "<digits>_<name><suffix>": the version prefix sqlx, golang-migrate, pop and node-pg-migrate
// share (name already lower-cased).
bool versioned_name(std::string_view name, std::string_view suffix) {
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    return digits > 0 && digits < name.size() && name[digits] == '_' && name.size() > digits + 1 + suffix.size() &&
           name.ends_with(suffix);
}

// pop's file names may carry a dialect between the name and the direction
// (migrator.go: `^(\d+)_([^.]+)(\.[a-z0-9]+)?\.(up|down)\.(sql|fizz)$`): PostgreSQL's.
bool pop_dialect_name(std::string_view name) {
    PopName pop;
    return pop_name(name, pop) && !pop.autocommit && (postgres_dialect(pop.dialect) || pop.dialect == "all");
}

// A pop/popx file for another database (pop's dialects and their synonyms, dialects.go
// CanonicalDialect): pop and popx run a version's PostgreSQL file, or its file without a
// dialect, and never this one on PostgreSQL. Empty when the name is no such file.
std::string_view other_pop_dialect(std::string_view name) {
    PopName pop;
    if (!pop_name(name, pop)) return {};
    for (std::string_view other : {"cockroach", "cockroachdb", "crdb", "mysql", "maria", "mariadb", "sqlite", "sqlite3"}) {
        if (pop.dialect == other) return pop.dialect;
    }
    return {};
}

// node-pg-migrate's getActions (src/sqlMigration.ts) takes the FIRST up marker and the FIRST down
// marker only (content.search, node_pg_migrate_markers.cpp): the up SQL runs from the up marker's
// first byte to the down marker when that comes after it, else to the end; the down SQL likewise.
// A later marker is a comment inside them: a second "-- Down migration" after the up part's does
// not end it. Text before the first marker is neither. The marker's line is sent with its part:
// a comment to PostgreSQL up to an LF or a CR (`-- Up Migration\rDROP TABLE orders;` runs).
void prepare_node_pg_migrate(PreparedSource& out, Direction direction, std::size_t up_marker) {
    out.tool = MigrationTool::NodePgMigrate;
    out.wrapped_in_transaction = true;  // pgm.sql() in a migration that cannot call noTransaction()
    const std::size_t none = std::string_view::npos;
    const std::size_t down_marker = node_pg_migrate_marker(out.text, "down");
    auto part = [&](std::size_t from, std::size_t other, bool down) {
        if (from == none || !want(direction, !down)) return;
        std::size_t end = other != none && other > from ? other : out.text.size();
        out.regions.push_back(Region{from, end, false, down});
    };
    // In file order, as the analyzer reads regions.
    bool up_first = down_marker == none || (up_marker != none && up_marker < down_marker);
    part(up_first ? up_marker : down_marker, up_first ? down_marker : up_marker, !up_first);
    part(up_first ? down_marker : up_marker, up_first ? up_marker : down_marker, up_first);
}

// Up/down files of golang-migrate, pop and sqlx: skipped when the other direction is analysed.
bool skip_direction(PreparedSource& out, std::string_view name, Direction direction) {
    bool down = name.ends_with(".down.sql");
    if (!name.ends_with(".up.sql") && !down) return false;
    if (want(direction, !down)) return false;
    out.skipped = true;
    out.skip_reason = std::string(tool_name(out.tool)) + (down ? " down migration" : " up migration");
    return true;
}

void whole_file(PreparedSource& out, std::string_view name, Direction direction) {
    if (!skip_direction(out, name, direction)) {
        out.regions.push_back(Region{0, out.text.size(), false, name.ends_with(".down.sql")});
    }
}

// temporal-sql-tool (tools/temporal_manifest.hpp): a file its version's manifest.json lists runs
// statement by statement with no transaction (updatetask.go execStmts: db.Exec of each); one it
// does not list never runs, and is reported as such, not judged.
void prepare_temporal(PreparedSource& out, std::string_view name, std::string_view manifest) {
    // Plain SQL's execution: every statement by itself, no transaction; the notes name the tool.
    out.tool = MigrationTool::Plain;
    std::string why;
    auto listed = tools::temporal_listed(manifest, why);
    if (!listed) {
        out.skipped = true;
        out.skip_reason = "temporal-sql-tool: " + why;
        return;
    }
    auto at = std::find(listed->begin(), listed->end(), std::string(name));
    if (at == listed->end()) {
        out.skipped = true;
        out.skip_reason = "temporal-sql-tool: not run, its version's manifest.json does not list it in SchemaUpdateCqlFiles";
        return;
    }
    out.notes.push_back(std::string(tools::k_temporal_note) + "file " + std::to_string(at - listed->begin() + 1) + " of " + std::to_string(listed->size()) +
                        " its version's manifest.json lists; each statement runs by itself, outside a transaction");
    out.regions.push_back(Region{0, out.text.size(), false});
}

bool template_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

// Where the text is a template rather than SQL: a Go text/template action (`{{ .Schema }}`,
// `{{- if ... }}`, `{{ $x }}`, `{{ index .Options "Namespace" }}`) or a `$%NAME%$` placeholder;
// npos when it has none. A `{{` that opens a PostgreSQL array literal ('{{1,2},{3,4}}') is no
// action: an action starts with a '.', a '$', a comment, a string after a space or '-', one of
// text/template's keywords, or a function applied to a field or variable.
std::size_t template_marker(std::string_view text) {
    for (std::size_t i = text.find("{{"); i != std::string_view::npos; i = text.find("{{", i + 2)) {
        std::size_t k = i + 2;
        if (k < text.size() && text[k] == '-') ++k;
        while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
        if (k >= text.size()) break;
        if (text[k] == '.' || text[k] == '$' || text[k] == '/') return i;
        // `{{ "text" }}` prints its string; `{{"a","b"}}` with nothing between opens an array literal.
        if ((text[k] == '"' || text[k] == '`') && k > i + 2) return i;
        std::size_t w = k;
        while (w < text.size() && std::isalpha(static_cast<unsigned char>(text[w]))) ++w;
        std::string_view word = text.substr(k, w - k);
        for (std::string_view keyword : {"if", "else", "end", "range", "with", "template", "define", "block"}) {
            if (word == keyword && w < text.size() && !template_name_char(text[w])) return i;
        }
        // A function applied to a field or variable: `{{ index .Options "Namespace" }}` (pop).
        std::size_t arg = w;
        while (arg < text.size() && text[arg] == ' ') ++arg;
        if (!word.empty() && arg > w && arg < text.size() && (text[arg] == '.' || text[arg] == '$')) return i;
    }
    for (std::size_t i = text.find("$%"); i != std::string_view::npos; i = text.find("$%", i + 2)) {
        std::size_t k = i + 2;
        while (k < text.size() && k - i < 66 && template_name_char(text[k])) ++k;
        if (k > i + 2 && text.substr(k).starts_with("%$")) return i;
    }
    return std::string_view::npos;
}

// A Synapse schema file (synapse/storage/schema/<database>/delta/<version>/ or full_schemas/):
// the .sql ones every engine runs, which Synapse runs as it runs its .sql.postgres ones.
bool synapse_schema_sql(std::string_view lowered_path, std::string_view name) {
    if (!name.ends_with(".sql")) return false;
    std::size_t at = lowered_path.find("synapse/storage/schema/");
    if (at == std::string_view::npos || (at > 0 && lowered_path[at - 1] != '/')) return false;
    // .../delta/<digits>/<name> or .../full_schemas/<digits>/<name>, the version a number.
    std::string_view rest = lowered_path.substr(at);
    for (std::string_view folder : {"/delta/", "/full_schemas/"}) {
        std::size_t f = rest.rfind(folder);
        if (f == std::string_view::npos) continue;
        std::string_view version = rest.substr(f + folder.size());
        std::size_t slash = version.find('/');
        if (slash == 0 || slash == std::string_view::npos || version.find('/', slash + 1) != std::string_view::npos) continue;
        if (std::all_of(version.begin(), version.begin() + static_cast<std::ptrdiff_t>(slash), [](char c) { return c >= '0' && c <= '9'; })) {
            return true;
        }
    }
    return false;
}

bool sqlx_name(std::string_view name) { return versioned_name(lower(name), ".sql"); }

bool flyway_name(std::string_view name) { return is_flyway_name(lower(name)); }

bool flyway_name_with_suffix(std::string_view name) { return !flyway_other_suffix(lower(name)).empty(); }

// A Flyway name with another ending that the settings make a migration's
// (flyway.sqlMigrationSuffixes=.sql,.pgsql; ResourceNameParser.stripSuffix compares without case).
bool flyway_suffix_configured(std::string_view name, std::string_view sibling_metadata) {
    const std::string suffix = flyway_other_suffix(name);
    if (suffix.empty() || sibling_metadata.empty()) return false;
    const auto settings = tools::unpack_flyway_files(sibling_metadata);
    if (!settings) return false;
    const auto& suffixes = settings->migration_suffixes;
    return std::find(suffixes.begin(), suffixes.end(), suffix) != suffixes.end() ||
           std::find(suffixes.begin(), suffixes.end(), "*") != suffixes.end();
}

PreparedSource prepare_source(std::string_view path, std::string_view text, Direction direction,
                              std::string_view sibling_metadata) {
    PreparedSource out;
    out.text = std::string(text);
    // A down half beside its up half (tools::k_down_pair): the name may be a direction.
    const bool down_pair = sibling_metadata.starts_with(tools::k_down_pair);
    if (down_pair) sibling_metadata.remove_prefix(tools::k_down_pair.size());
    // golang-migrate runs 2_x.up.pgsql as it runs 2_x.up.sql (migration_names.hpp): read as that name.
    const std::string as_sql = golang_migrate_as_sql(path_name(path));
    std::string name = lower(as_sql.empty() ? path_name(path) : std::string_view(as_sql));
    std::string lowered_path = lower(path);

    // sqlx reads the marker at the file's first bytes only (source.rs: sql.starts_with(...)).
    bool sqlx_no_transaction = (versioned_name(name, ".sql")) && text.starts_with("-- no-transaction");
    // (Not the tool the project's files name for the folder, whose text may say "sqlx" in a path.)
    bool sqlx_crate = versioned_name(name, ".sql") && !sibling_metadata.starts_with(tools::k_folder_tool) &&
                      ((sibling_metadata.find("sqlx") != std::string_view::npos && lowered_path.find("migrations/") != std::string::npos) ||
                       sibling_metadata == k_sqlx_folder || sibling_metadata.starts_with(tools::k_sqlx_crate));
    // A name only a tool that sends the whole file gives (Flyway's V2__x.sql, golang-migrate's
    // 2_x.up.sql, diesel's up.sql, Prisma's migration.sql, a file of a sqlx crate's folder): another tool's up/down markers in it
    // are comments to the tool that runs it, which sends the down part too (red team G1: a
    // `-- +goose Down` in a Flyway file hid a DROP TABLE that Flyway ran). goose and dbmate need a
    // version of digits first in the name (goose's migration.go NumericComponent, dbmate's
    // migrationFileRegexp), so a Flyway name is no file of theirs; a 2_x.up.sql could be dbmate's,
    // and is read as golang-migrate's, which reads more of it, with the assumption printed.
    // The tool the project's own files say runs the folder (tools/folder_tool.hpp): only its
    // markers mark; the supabase CLI's, which has none, runs the whole file (red team G1
    // SUPAGOOSE, NPMSQLGOOSE: a `-- +goose Down` hid the DROP TABLE the project's tool ran).
    // Several tools said: the reading that analyses more, the whole file.
    std::string_view folder_why;
    const std::string_view folder_tool = tools::unpack_folder_tool(sibling_metadata, &folder_why);
    const bool folder_said = sibling_metadata.starts_with(tools::k_folder_tool);
    const bool folder_whole = folder_said && (folder_tool.empty() || folder_tool == "supabase");
    // golang-migrate's, pop's and sqlx's 2_x.up.sql / 2_x.down.sql: a name only those tools read as a
    // direction. Where the project's files say another tool runs the folder (or several, one of
    // which may be such a tool), the name is only a name:
    // node-pg-migrate runs 2_x.down.sql as an up migration (runner.js: every file of the folder, an
    // unmarked .sql file whole as its up part) and the supabase CLI any <digits>_<name>.sql whole
    // (pkg/migration/list.go), so skipping it as a down migration hid a DROP TABLE they ran (red team
    // R78a B1).
    const bool other_tool_said = !folder_tool.empty() || folder_why.starts_with(tools::k_several_tools);
    // And a down name is a direction only where its up half lies beside it or sqlx is said: a lone
    // 2_x.down.sql is run as an up migration by node-pg-migrate, which a workflow, a Procfile or
    // node-config may name where folder_tool does not look (red team R78b B5; node-pg-migrate
    // runner.js reads every file of the folder).
    const bool down_said = down_pair || sqlx_crate || sibling_metadata == k_sqlx_folder || sibling_metadata.starts_with(tools::k_sqlx_crate);
    const bool versioned_up_down =
        (versioned_name(name, ".up.sql") || (versioned_name(name, ".down.sql") && down_said)) && !other_tool_said;
    // A 2_x.down.sql is no such name: goose, dbmate and node-pg-migrate run any versioned .sql file
    // by its markers, so there the marked up part runs, where golang-migrate runs nothing (red team
    // G1 GOOSEDOWNNAME: `-- +goose Up` then DROP TABLE in 00002_cleanup.down.sql).
    const bool whole_file_name = sqlx_crate || versioned_name(name, ".up.sql") || name == "up.sql" || name == "down.sql" || name == "migration.sql" ||
                                 is_flyway_name(name) || flyway_suffix_configured(name, sibling_metadata) || folder_whole;

    // Each tool's markers as the tool reads them (tool_markers.hpp): a line the tool does not take
    // for a marker marks nothing here either.
    const bool goose_marked = goose_file(out.text);
    const bool dbmate_marked = !goose_marked && dbmate_file(out.text);
    const bool has_goose = goose_marked && !whole_file_name && (!folder_said || folder_tool == "goose");
    // dbmate_file is asked only without goose's markers: under another tool's folder ask again.
    const bool dbmate_in_folder = folder_tool == "dbmate" && (dbmate_marked || (goose_marked && dbmate_file(out.text)));
    const bool has_dbmate = folder_said ? dbmate_in_folder && !whole_file_name : dbmate_marked && !whole_file_name;
    bool has_drizzle = out.text.find("--> statement-breakpoint") != std::string::npos;

    // Its up marker: without one, node-pg-migrate runs the whole file as the up migration
    // (getActions: the up SQL is all of the content), so a "-- Down migration is not needed"
    // comment marks nothing.
    const std::size_t node_pg_migrate_up =
        out.text.find("igration") == std::string::npos ? std::string::npos : node_pg_migrate_marker(out.text, "up");
    const bool npm_marked = node_pg_migrate_up != std::string::npos;
    const bool has_node_pg_migrate = npm_marked && !whole_file_name && (!folder_said || folder_tool == "node-pg-migrate");
    if (folder_said && !folder_whole && ((goose_marked && !has_goose) || (dbmate_marked && !has_dbmate) || (npm_marked && !has_node_pg_migrate))) {
        out.notes.push_back(std::string(goose_marked && !has_goose ? "goose" : dbmate_marked && !has_dbmate ? "dbmate" : "node-pg-migrate") +
                            " markers in a file where " + std::string(folder_why) + ": they are comments to " + std::string(folder_tool) +
                            ", read as its file (set `tool` in the configuration if another tool runs it)");
    } else if (folder_whole && (goose_marked || dbmate_marked || npm_marked)) {
        out.notes.push_back(std::string(goose_marked ? "goose" : dbmate_marked ? "dbmate" : "node-pg-migrate") + " markers in a file where " +
                            std::string(folder_why) + ": read whole, the part after the down marker included");
    } else if (whole_file_name && (goose_marked || dbmate_marked || npm_marked)) {
        out.notes.push_back(std::string(goose_marked ? "goose" : dbmate_marked ? "dbmate" : "node-pg-migrate") +
                            " markers in a file whose name only a tool that runs the whole file gives: read as that tool's, "
                            "the part after the down marker included (set `tool` in the configuration if another tool runs it)");
    }

    if (sibling_metadata.starts_with(tools::k_temporal_manifest)) {
        prepare_temporal(out, path_name(path), sibling_metadata.substr(tools::k_temporal_manifest.size()));
    } else if (has_goose) {
        prepare_goose(out, direction);
    } else if (has_dbmate) {
        prepare_dbmate(out, direction);
    } else if (has_drizzle || lowered_path.find("/drizzle/") != std::string::npos ||
               lowered_path.starts_with("drizzle/")) {
        prepare_drizzle(out);
    } else if (has_node_pg_migrate) {
        prepare_node_pg_migrate(out, direction, node_pg_migrate_up);
    } else if (name.ends_with(".sql.postgres") || synapse_schema_sql(lowered_path, name)) {
        // Synapse's delta files (storage/engines/postgres.py executescript): the file runs as
        // "COMMIT; BEGIN TRANSACTION; <file>", in a transaction the upgrade commits later. Its
        // plain .sql deltas (every engine's) run the same way as its .sql.postgres ones
        // (prepare_database.py _upgrade_existing_database).
        out.tool = MigrationTool::Synapse;
        out.wrapped_in_transaction = true;
        out.regions.push_back(Region{0, out.text.size(), false});
    } else if (sqlx_no_transaction || sqlx_crate) {
        // sqlx-postgres migrate.rs: a transaction around the file unless no_tx; with no_tx the
        // file is still one query (conn.execute), so PostgreSQL's implicit transaction applies.
        out.tool = MigrationTool::Sqlx;
        out.wrapped_in_transaction = true;
        // What the crate says (tools/sqlx_crate.hpp): said once per file, an assumption above all.
        if (sibling_metadata.starts_with(tools::k_sqlx_crate)) {
            out.notes.push_back("sqlx: " + std::string(sibling_metadata.substr(tools::k_sqlx_crate.size())));
        }
        if (sqlx_no_transaction) {
            out.one_query = true;
            out.notes.push_back("sqlx: -- no-transaction, the file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction");
        }
        whole_file(out, name, direction);
    } else if (std::string_view other = other_pop_dialect(name); !other.empty()) {
        out.tool = popx_autocommit_name(name) ? MigrationTool::Popx : MigrationTool::Pop;
        out.skipped = true;
        out.skip_reason = std::string(tool_name(out.tool)) + ": a " + std::string(other) +
                          " migration (on PostgreSQL the version's .postgres. file runs, or its file without a dialect)";
    } else if (popx_autocommit_name(name)) {
        // popx (ory/x migrator.go, shouldNotUseTransaction): an autocommit file runs outside a
        // transaction, sent as one Exec: one query, PostgreSQL's implicit transaction.
        out.tool = MigrationTool::Popx;
        out.one_query = true;
        out.notes.push_back("popx: .autocommit, the file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction");
        whole_file(out, name, direction);
    } else if (versioned_up_down && pop_dialect_name(name)) {
        out.tool = MigrationTool::Pop;  // migrator.go: c.Transaction(...) around each migration
        out.wrapped_in_transaction = true;
        whole_file(out, name, direction);
    } else if (versioned_up_down) {
        // golang-migrate's postgres driver (Run): the whole file in one ExecContext.
        out.tool = MigrationTool::GolangMigrate;
        out.wrapped_in_transaction = true;
        out.one_query = true;
        out.notes.push_back("golang-migrate: the file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction");
        whole_file(out, name, direction);
    } else if (name == "up.sql" || name == "down.sql") {
        out.tool = MigrationTool::Diesel;
        bool down = name == "down.sql";
        static const std::regex k_no_transaction(R"(run_in_transaction\s*=\s*false)");
        // diesel runs a migration with batch_execute: the whole file is one query, in diesel's
        // transaction, or with run_in_transaction = false in PostgreSQL's implicit one when the
        // file holds several statements (a single statement runs alone).
        out.wrapped_in_transaction = true;
        if (std::regex_search(std::string(sibling_metadata), k_no_transaction)) {
            out.one_query = true;
            out.notes.push_back("diesel: run_in_transaction = false");
            out.notes.push_back("diesel: the file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction");
        }
        if (!want(direction, !down)) {
            out.skipped = true;
            out.skip_reason = down ? "diesel down migration" : "diesel up migration";
        } else {
            out.regions.push_back(Region{0, out.text.size(), false, down});
        }
    } else if (name == "migration.sql") {
        out.tool = MigrationTool::Prisma;
        out.wrapped_in_transaction = true;
        out.one_query = true;
        out.notes.push_back("prisma: the file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction");
        out.regions.push_back(Region{0, out.text.size(), false});
    } else if (is_flyway_name(name) || flyway_suffix_configured(name, sibling_metadata)) {
        out.tool = MigrationTool::Flyway;
        out.wrapped_in_transaction = true;
        bool undo = name[0] == 'u';
        if (!want(direction, !undo)) {
            out.skipped = true;
            out.skip_reason = "flyway undo migration";
        } else {
            out.regions.push_back(Region{0, out.text.size(), false, undo});
        }
    } else if (name.ends_with(".down.sql") && !other_tool_said && down_said) {
        // A down half by its name whatever the tool (authelia's V0006.Name.down.sql beside its
        // .up.sql, a runner of the project's own): no tool runs it on the way up, and read as
        // a migration it would undo its up half for the files after it (a DBA's review of
        // authelia: its up files' DROP TABLEs were judged against tables the down files had
        // dropped). Not where the project's files name the folder's tool: node-pg-migrate and
        // the supabase CLI run it (red team R78a B1).
        if (!want(direction, false)) {
            out.skipped = true;
            out.skip_reason = "down migration (.down.sql)";
        } else {
            out.regions.push_back(Region{0, out.text.size(), false, true});
        }
    } else if (folder_tool == "node-pg-migrate" && !npm_marked) {
        // node-pg-migrate runs a file without its up marker whole, as the up part, in its
        // transaction (getActions; a SQL migration cannot call noTransaction()).
        out.tool = MigrationTool::NodePgMigrate;
        out.wrapped_in_transaction = true;
        out.regions.push_back(Region{0, out.text.size(), false});
    } else {
        out.regions.push_back(Region{0, out.text.size(), false});
    }
    // A template (Go text/template, `$%NAME%$`) is SQL only once rendered: the statements it breaks
    // are set aside by the analyzer (templated_statements), never the file: a placeholder in a
    // comment must not hide the statements around it.
    if (out.tool == MigrationTool::Flyway && !out.skipped) {
        // Flyway replaces its placeholders as text before it parses the file, in literals and
        // comments too: the values its settings give are put in, so that what is analysed is
        // what runs; one without a known value is a stand-in identifier, and its statement
        // unknown (analyzer.cpp).
        tools::FlywaySettings settings = tools::unpack_flyway_files(sibling_metadata).value_or(tools::FlywaySettings{});
        out.settings_files = settings.files;
        // Settings that change which files Flyway runs or how it decodes them: what pgfence reads
        // of this file is not known to be what runs.
        if (!settings.encoding.empty()) {
            out.refusals.push_back(ToolRefusal{0, "Flyway decodes this file as " + settings.encoding.substr(0, 40) +
                                                      " (flyway.encoding), pgfence reads UTF-8: what it runs is not known"});
        }
        if (!settings.naming.empty()) {
            out.refusals.push_back(ToolRefusal{0, "Flyway's settings change its migrations' names (" + settings.naming +
                                                      "): whether Flyway runs this file, and which others it runs, is not known"});
        }
        // The script's own .conf (tools/flyway_script_config.hpp): executeInTransaction=false runs
        // each statement on its own (Flyway's DefaultSqlScriptExecutor without a transaction);
        // placeholderReplacement=false sends the file as written (Parser.replacePlaceholders).
        if (settings.script) {
            const tools::ScriptConfig& conf = *settings.script;
            if (conf.transaction == false) {
                out.wrapped_in_transaction = false;
                out.notes.push_back("flyway: executeInTransaction=false (" + std::string(path_name(conf.file)).substr(0, 80) +
                                    "), each statement runs in its own transaction");
            }
            if (!conf.replacement) {
                settings.replacement = false;
                out.notes.push_back("flyway: placeholderReplacement=false (" + std::string(path_name(conf.file)).substr(0, 80) +
                                    "), the file is sent as written");
            }
            for (const auto& [line, why] : conf.unknown) out.refusals.push_back(ToolRefusal{0, why});
        }
        out.replaced = tools::replace_flyway_placeholders(text, settings, path_name(path));
        out.text = std::move(out.replaced.text);
        out.replaced.text.clear();
        for (Region& region : out.regions) {
            region.begin = 0;
            region.end = out.text.size();
        }
    } else {
        mask_placeholders(out.text);
        // Flyway's settings around this file rename its migrations (flyway.sqlMigrationPrefix=M):
        // this file may be one of them, run with its placeholders replaced, which pgfence cannot
        // tell without mirroring every naming rule (red team: M2__x.sql holding '${x}').
        if (!sibling_metadata.empty() && out.tool != MigrationTool::Flyway && !out.skipped) {
            if (auto settings = tools::unpack_flyway_files(sibling_metadata); settings && !settings->naming.empty()) {
                out.settings_files = settings->files;
                out.refusals.push_back(ToolRefusal{0, "Flyway's settings change its migrations' names (" + settings->naming +
                                                          "): whether Flyway runs this file, and with which placeholders, is not known"});
            }
        }
    }
    std::stable_sort(out.refusals.begin(), out.refusals.end(),
                     [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
    return out;
}

std::string restore_placeholder(std::string_view identifier) {
    if (identifier.size() >= 2 && identifier.front() == '$') {
        return "${" + std::string(identifier.substr(1)) + "}";
    }
    return std::string(identifier);
}

}  // namespace pgfence::analyze
