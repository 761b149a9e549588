#pragma once
// Plain data that flows from the analyzer to every renderer:
// files -> statements (with exact spans) -> facts per statement.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"
#include "analyze/base/few.hpp"
#include "analyze/model/findings.hpp"
#include "analyze/model/lock_mode.hpp"

namespace pgfence::analyze {

// Where a statement sits in its file. Starts at the statement's first token (not at the
// comments before it); ends after its last character (the ';' is not part of it).
struct Span {
    std::size_t begin = 0;  // byte offsets into the file's original text
    std::size_t end = 0;
    Position start;
    Position stop;  // position of the last character of the statement
};

// Where a part of a statement is in the file: its first and last character.
struct PartSpan {
    Position start;
    Position stop;
};

// One table-level lock the statement takes, in its strongest mode for that relation.
// The note the model puts on a DROP INDEX of several indexes when one of them is unique, or
// of a kind the history does not show; the drop-index rule then offers no one-by-one form.
inline constexpr std::string_view k_several_unique_indexes =
    "DROP INDEX of several indexes, one of them unique or of a kind not known: dropped one at a time, a table "
    "would accept rows that another index of the statement still refuses";

struct LockFact {
    std::string relation;  // as written (schema-qualified when the SQL qualifies it)
    LockMode mode = LockMode::AccessShare;
    // When `conditional`: the mode taken whatever the data, weaker than `mode` (0: none).
    LockMode sure{};
    std::string kind;          // "table", "index", "view", "materialized view", "sequence", "relation"
    bool is_new = false;       // created earlier in this migration or by this statement
    bool cascades = false;     // the same lock is taken on every partition / inheritance child
    // `mode` is taken only when rows are written (a foreign key's check or action, a partition's
    // bound), the object named with IF EXISTS exists, or a block that catches errors keeps it.
    bool conditional = false;
    // An existing table proven empty earlier in this transaction, which still holds the ACCESS
    // EXCLUSIVE lock taken then (analyze/model/empty_tables.hpp): reading, scanning or rewriting
    // it is instant. The lock still blocks other sessions as its mode says.
    bool empty = false;
    std::string reason;        // which part of the statement takes it
    // Where the fact that decided it came from, when not from this migration: a --history or
    // --schema file, "the stats snapshot" (RelationInfo::source).
    std::string source;
};

// Storage replaced (relfilenode changes) or a full scan under the lock.
struct TableEffect {
    std::string relation;
    std::string reason;
    bool certain = true;  // false when it depends on something the SQL does not show
    bool per_row = false;  // scans: a PL/pgSQL FOR loop over this table runs the statement once per row
    // scans: every row is read, but the WHERE keeps only some (no index of the table serves it),
    // so the statement writes or copies fewer rows than it reads.
    bool filtered = false;
    // scans: the statement fails at the first row it reads (an ADD COLUMN ... NOT NULL without a
    // default), so its work on this table is never long: instant on an empty table, else an error.
    bool fails_on_any_row = false;
    // scans: the rows are read by a subquery of the statement (an UPDATE's SET or WHERE), once
    // each time it runs, which for a correlated one is once per row the statement visits.
    bool subquery = false;
    // scans: why the WHERE of an UPDATE or DELETE likely keeps every row, short of a proof: a
    // column an earlier migration filled with the value it tests, which rows written since may
    // not hold (analyze/model/column_fills.hpp); "" when nothing says so.
    std::string likely_every_row{};
};

enum class StatementStatus {
    Analyzed,     // facts are complete
    Unparsable,   // the parser rejected it; see parse_error
    Unknown,      // parsed, but the lock model has no entry for it: never read as safe
};

enum class Transaction : std::uint8_t {
    None,       // autocommit: each statement is its own transaction
    Explicit,   // inside BEGIN ... COMMIT written in the file
    Implicit,   // the migration tool wraps the file in one transaction
};

struct Settings {
    std::optional<std::string> lock_timeout;
    std::optional<std::string> statement_timeout;
    std::optional<std::string> idle_in_transaction_session_timeout;
    std::optional<std::string> application_name;
    // Settings that change what a statement does, not only how long it may wait.
    std::optional<std::string> timezone;         // TimeZone: UTC lets timestamp <-> timestamptz skip the rewrite
    std::optional<std::string> search_path;      // as SHOW search_path shows it: "billing, public"
    std::optional<std::string> session_replication_role;  // replica: triggers and foreign keys do not fire
    // SET ROLE and SET SESSION AUTHORIZATION: current_user, which "$user" in search_path names (session_role.hpp).
    std::optional<std::string> role;
    std::optional<std::string> session_authorization;

    bool operator==(const Settings&) const = default;
};

// The settings a statement runs with, shared by every statement between two changes (a file of
// a million statements holds one copy, not a million: Settings is nine strings). Read only.
class SharedSettings {
public:
    SharedSettings() = default;
    explicit SharedSettings(const Settings& value) : m_value(std::make_shared<const Settings>(value)) {}
    [[nodiscard]] const Settings& operator*() const { return m_value ? *m_value : k_unset; }
    [[nodiscard]] const Settings* operator->() const { return &**this; }

private:
    static inline const Settings k_unset{};
    std::shared_ptr<const Settings> m_value;  // null: nothing set
};

// A foreign key the statement adds whose referencing columns lead no index of their table, as
// far as the migration shows (only reported for tables whose indexes it knows): deleting or
// updating a referenced key then scans the referencing table.
struct UnindexedForeignKey {
    std::string table;       // the referencing table, as the catalog shows it
    std::string relname;     // unqualified
    std::string constraint;
    std::vector<std::string> columns;
    std::string referenced;  // the referenced table
    bool table_is_new = false;
    // DROP INDEX of the only index the key had (as written), "" for a key the statement adds.
    std::string dropped_index = {};
};

// A view that uses a column the statement drops (PostgreSQL records a dependency on each column
// a view's query uses): DROP COLUMN ... CASCADE drops the view, without CASCADE the statement fails.
struct DependentView {
    std::string view;    // as the catalog shows it
    std::string kind;    // "view", "materialized view"
    std::string column;  // the dropped column, unquoted
    std::string table;   // the column's table, as written
    bool dropped = false;  // CASCADE: dropped with the column; else the DROP COLUMN is refused
};

// Whether a TimeZone value names a zone that is UTC at every instant (the server then converts
// timestamp <-> timestamptz without changing any value). Names are matched as PostgreSQL
// matches zone names: without regard to case.
[[nodiscard]] bool is_utc_time_zone(std::string_view value);
// The schemas of a search_path value, in order, unquoted; "$user" is kept as written.
[[nodiscard]] std::vector<std::string> search_path_schemas(std::string_view value);

// Kept for every statement of a file until its rules have run: fields most statements leave
// empty are Few (one pointer) or Boxed, the small ones sit together, and kind is a view of static
// text (224 bytes, was 368).
struct StatementFacts {
    int index = 0;        // 0-based position in the file
    StatementStatus status = StatementStatus::Analyzed;
    Span span;
    std::string sql;      // the statement's own text
    std::string_view kind;  // parse node, e.g. "AlterTableStmt" (pg::kind_name's static text); empty when unparsable
    std::string tag;      // command tag, e.g. "ALTER TABLE"
    Boxed<Error> parse_error;   // for Unparsable: message and position in the file
    Boxed<Error> unanalysable;  // Unknown ORM call whose SQL cannot be known statically: why, where

    Few<LockFact> locks;
    Few<TableEffect> rewrites;
    Few<TableEffect> scans;
    bool no_transaction_block = false;  // fails inside BEGIN ... COMMIT (CONCURRENTLY, VACUUM, ...)
    bool runs_user_code = false;        // DO, CALL, functions: locks inside are not seen

    // Transaction state in force when the statement runs (after it, for BEGIN/COMMIT).
    // One byte each beside the flags above: a file of 400,000 statements holds this struct once a
    // statement (tests/hostile/test_parser_limits.py bounds its memory).
    Transaction transaction = Transaction::None;
    Risk risk = Risk::None;          // highest risk of its findings (after suppressions)
    int savepoint_depth = 0;
    SharedSettings settings;  // SET/RESET in force when the statement runs
    Few<std::string> notes;  // extra facts worth showing ("new table", "PG < 11: ...")
    Few<UnindexedForeignKey> unindexed_foreign_keys;
    Few<DependentView> dependent_views;  // of the columns it drops
    // An ALTER TABLE with several subcommands: where each one is (analyze/alter_clauses.hpp),
    // by Finding::subcommand; empty for any other statement, or when its text could not be cut.
    Few<PartSpan> subcommands;

    // Strongest lock on a relation that existed before the migration (else on a new one).
    [[nodiscard]] const LockFact* strongest_lock() const;
    // What the statement's locks block for other sessions; new relations block nobody.
    [[nodiscard]] Blocks blocks() const;
};

// The note on an ALTER COLUMN c SET NOT NULL that checks no row (c is already NOT NULL, or a
// validated CHECK proves it): "SET NOT NULL on c checks no row: <why>", `column` quoted. A scan
// fact on the same statement is then another column's.
[[nodiscard]] std::string set_not_null_without_scan(std::string_view column, std::string_view why);
[[nodiscard]] bool has_set_not_null_without_scan(const StatementFacts& statement, std::string_view column);

// The note on a statement whose scans or rewrites of `relation` were left out because an earlier
// statement of its transaction proved the table empty (analyze/model/empty_tables.hpp):
// "<relation> is empty here: <proof>...". Its work is instant only in that transaction.
[[nodiscard]] std::string empty_table_note(std::string_view relation, std::string_view proof);
// The note on an ALTER TABLE ... ADD UNIQUE / PRIMARY KEY / EXCLUDE without a name whose usual
// index name `wanted` is taken: PostgreSQL (ChooseRelationName) adds a number to the label, and
// `chosen` is the name it gives the constraint and its index. chosen_index_name reads it back:
// `wanted` when the statement has no such note.
[[nodiscard]] std::string taken_index_name_note(std::string_view wanted, std::string_view chosen);
[[nodiscard]] std::string chosen_index_name(const StatementFacts& statement, const std::string& wanted);
// The (wanted, chosen) of such a note, or nothing for another note.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> read_taken_index_name_note(std::string_view note);
[[nodiscard]] bool has_empty_table_note(const StatementFacts& statement, std::string_view relation);
// The note on an ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY (`clause`) of a table the
// migrations show with policies, or with that clause already in force
// (analyze/model/row_security.cpp): "<clause> on <relation>, as the migrations show it: <why>".
// Row security then does not start denying every row there (row-security-without-policy).
[[nodiscard]] std::string row_security_known_note(std::string_view clause, std::string_view relation,
                                                  std::string_view why);
[[nodiscard]] bool has_row_security_known_note(const StatementFacts& statement, std::string_view clause,
                                               std::string_view relation);
// The note on a CREATE OR REPLACE FUNCTION that gives another body to a function earlier
// migrations made, which objects made before the migration call (function_attach.hpp
// guarding_uses): "the new body of <function> runs in <uses>, as the migrations show them";
// replaced_function_uses reads <uses> back (replaced-function-in-use).
[[nodiscard]] std::string replaced_function_note(std::string_view function, std::string_view uses);
[[nodiscard]] std::optional<std::string> replaced_function_uses(const StatementFacts& statement);
// The note on a CREATE OR REPLACE VIEW of a view whose old query the migrations show
// (analyze/model/create.cpp, analyze/view_rows.hpp): "<view>'s old query, as the migrations show
// it: <why>", <why> "" when the new query keeps every row it returned. view_query_why reads <why>
// back, or nothing when the statement has no such note (the old query is not known).
[[nodiscard]] std::string view_query_note(std::string_view view, std::string_view why);
[[nodiscard]] std::optional<std::string> view_query_why(const StatementFacts& statement, std::string_view view);
// The note on a CREATE TRIGGER ... BEFORE ... FOR EACH ROW whose function the catalog knows
// (analyze/model/misc.cpp): "trigger function <name>(), as the migrations show it: <why>"; and
// its <why>, or nothing, for the create-trigger rule.
[[nodiscard]] std::string trigger_function_note(std::string_view function, std::string_view why);
[[nodiscard]] std::optional<std::string> trigger_function_why(const StatementFacts& statement, std::string_view function);
// The <why> of such a note (DISABLE, NO FORCE, DROP POLICY <name> have them too), or nothing.
[[nodiscard]] std::optional<std::string> row_security_known_why(const StatementFacts& statement, std::string_view clause,
                                                               std::string_view relation);
// The note on a statement taking ACCESS EXCLUSIVE on a table a DELETE without WHERE emptied
// earlier in its transaction while nothing kept other sessions from adding rows:
// "<relation> was emptied by the DELETE at line N ...". deleted_at reads N back (0: no such note).
[[nodiscard]] std::string deleted_all_note(std::string_view relation, int line);
[[nodiscard]] int deleted_at(const StatementFacts& statement, std::string_view relation);
// The note on an ALTER COLUMN c TYPE t (`where`) that keeps the table's rows but rebuilds the
// indexes on c because their operator class changes (text to citext) or their collation does:
// "<where>: rebuilds the indexes on c (<why>): <indexes>". rebuilt_indexes reads "<why>: <indexes>"
// back for column c (quoted as in the note), or nothing when the statement has no such note.
[[nodiscard]] std::string index_rebuild_note(std::string_view where, std::string_view column, std::string_view why,
                                             std::string_view indexes);
[[nodiscard]] std::optional<std::string> rebuilt_indexes(const StatementFacts& statement, std::string_view column);
// The note on an ALTER COLUMN c TYPE t (`where`) that gives c another collation, or names one
// (COLLATE) where c's current one is not known (analyze/model/collations.hpp): "<where>: the
// collation of c changes (<from> to <to>): <names>", <from> and <to> each "deterministic",
// "nondeterministic" or "not known". collation_change reads it back for column c.
struct CollationChange {
    std::optional<bool> from_deterministic;  // nothing: not known
    std::optional<bool> to_deterministic;
    std::string names;  // "from \"C\" to ci_any", as shown
};
[[nodiscard]] std::string collation_change_note(std::string_view where, std::string_view column, const CollationChange& change);
[[nodiscard]] std::optional<CollationChange> collation_change(const StatementFacts& statement, std::string_view column);
// The note on a DROP TABLE of an existing table that a later statement of the file makes again
// (analyzer.cpp: recreated_tables): "<relation> is made again at line N, empty: <how the old
// release's writes fit it>"; `fits` says whether they all do.
// `copy`: the table put in its place is another the file made and renames into the name (a copy
// and swap): "<relation> is made again at line N, from <copy>: ...".
[[nodiscard]] std::string recreated_note(std::string_view relation, int line, bool fits, std::string_view how,
                                         std::string_view copy = {});
struct Recreated {
    int line = 0;
    bool fits = false;
    std::string how;
    std::string copy;  // the table renamed into the name; empty when made again by CREATE TABLE
};
[[nodiscard]] std::optional<Recreated> read_recreated_note(const StatementFacts& statement, std::string_view relation);

// Popx: ory/x's popx, pop's file names plus `.autocommit` for a file run outside a transaction.
enum class MigrationTool { Plain, Goose, Dbmate, Drizzle, Flyway, Diesel, Prisma, Sqlx, GolangMigrate, Pop, NodePgMigrate, Synapse, Popx };
[[nodiscard]] std::string_view tool_name(MigrationTool tool);

// How much of a file pgfence could read. For SQL files every statement is found; for ORM
// scripts some calls build their SQL at run time and cannot be known statically.
struct Coverage {
    int found = 0;        // statements found (including the unknown ones)
    int analysed = 0;     // parsed and modelled from known SQL
    int unknown = 0;      // ORM calls whose SQL cannot be known statically
    int unparsable = 0;
    int calls = 0;           // ORM calls that send SQL (raw or built)
    int literal_calls = 0;   // raw-SQL calls holding a string/template literal
    int literal_parsed = 0;  // of those, every statement extracted and parsed
};

// A migration path that is not a regular file: a symbolic link or a git submodule. Its target is
// never read (it is not the pull request's to choose); the migration-not-a-file rule reports it.
struct NotAFile {
    enum class Kind { link, submodule };
    Kind kind = Kind::link;
    std::string target;  // the link's text, or the submodule's commit id; untrusted bytes
};

// The ORM call that sends a statement of a script (orm/extract.hpp), for the fixes that say
// where in the script to act and with what (orm/fixes.hpp).
struct ScriptCall {
    std::string name;   // as written: "queryRunner.query", "queryInterface.addIndex", "knex.schema.alterTable"
    int line = 0;       // the call's first line
    int index = -1;     // which call of the script it is (a call may send several statements)
    bool raw = false;   // it sends SQL as written (a raw query), not SQL a builder makes
    bool down = false;  // in the down() function
    // The script's own lines that hold the statement (from the start of its first line, at most
    // k_script_source_bytes), which the compact format shows under a finding as it shows a SQL
    // file's; the SQL the call sends may be built from other text.
    std::string source;
};
inline constexpr std::size_t k_script_source_bytes = 4096;

// One setting of a migration tool that a pull request added, changed or removed.
struct SettingChange {
    int line = 1;          // in the head version (1 when it was removed)
    std::string what;      // "flyway.locations = filesystem:sql,filesystem:extra (was filesystem:sql)", printable
};

struct FileReport {
    std::string path;
    std::string source_kind = "sql";  // "sql", "typeorm", "knex", "sequelize", "db-migrate"
    // An ORM script's form, which its plan's files copy (orm/extract.hpp ScriptForm): "cjs",
    // "esm" or "esm-default"; and whether up() takes umzug's { context }.
    std::string script_module = "cjs";
    bool context_parameter = false;
    std::string script_unsupported;  // non-empty: why the plan's files cannot copy how up() is called
    // Sequelize: the name the script's calls pass their managed transaction by (orm::Extraction::
    // transaction_name), for fixes that send a query in it; "?" for one not read as such; "" when
    // it makes none.
    std::string script_transaction;
    std::vector<ScriptCall> script_calls;  // an ORM script's: parallel to statements; empty for SQL files
    Coverage coverage;
    MigrationTool tool = MigrationTool::Plain;
    bool wrapped_in_transaction = false;  // the tool runs the file inside one transaction
    // The tool sends the file as one multi-statement query (Prisma, golang-migrate, sqlx's
    // -- no-transaction, diesel's run_in_transaction = false, a dbmate section with
    // transaction:false): PostgreSQL's implicit transaction, which a BEGIN in it outlives.
    bool one_query = false;
    // Who runs every file of the deployment inside one transaction ("--single-transaction",
    // "pgmi"), or empty: then a lock taken in one file is held until the last file ends.
    std::string deployment_transaction;
    bool skipped = false;                 // nothing to analyse (a down migration, say)
    std::string skip_reason;
    std::optional<Error> error;           // the file could not be read at all
    std::optional<NotAFile> not_a_file;   // a link or submodule: no statements, one finding
    // The files besides this one that decided what it runs (a Flyway migration's flyway.conf /
    // flyway.toml: its placeholders' values; an ORM script's imported helpers that were
    // followed), named as the file is: an approval of the file binds to them too (pr adds them
    // to the report it uploads).
    std::vector<std::string> settings_files;
    // A settings file a pull request changed (pr): the settings that changed, each at its line
    // (the migration-tool-settings-changed rule reports them). No statements.
    std::vector<SettingChange> setting_changes;
    std::vector<StatementFacts> statements;
    std::vector<Finding> findings;    // ordered by position, suppressed ones removed
    std::vector<Finding> suppressed;  // matched by a pgfence-ignore comment
    Risk risk = Risk::None;           // highest risk of its findings
    // The file rewritten as safe migrations (analyze/plan.hpp), when a finding has a safe
    // rewrite; it replaces the findings' recipes as the thing to paste.
    std::optional<Plan> plan;
};

// What was replayed to know the schema before the analysed files (README "Migration history"):
// --history files and the files before each analysed one in its migration set.
struct HistoryCounts {
    std::size_t files = 0;               // replayed
    std::size_t skipped_files = 0;       // unreadable, a down/undo migration, or nothing to replay
    std::size_t statements = 0;          // replayed into the catalog
    std::size_t skipped_statements = 0;  // unparsable or unknown to the lock model: left out

    HistoryCounts& operator+=(const HistoryCounts& other);
};

struct Report {
    int pg_version = 15;
    std::vector<FileReport> files;
    std::optional<HistoryCounts> history;  // when anything was replayed
    std::optional<HistoryCounts> schema;    // --schema files, when given
    std::optional<HistoryCounts> snapshot;  // the stats snapshot's schema_sql, when it has one
};

}  // namespace pgfence::analyze
