#pragma once
// The plan oracle (docs/plans.md): a plan is run differentially against the file it replaces.
// Copies of one seeded database run (a) the plan step by step and (b) the original file
// atomically at each position k up to the plan's deploy position, with the same scripted
// application traffic between the steps in every copy. The plan is proven when some k gives the
// same end state (schema and every row) and no write that the original let through failed.
// Writes the original refused but the plan let through (rescued) are left out of a second run
// of the plan; the plan is proven with them when that run matches.
#include <functional>
#include <map>
#include <tuple>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyze/model/findings.hpp"
#include "trace/pq_connection.hpp"

namespace pgfence::trace {

// One statement of SQL to run, with its parse node kind (a plan step's "TransactionStmt" is
// skipped: the step says how it runs; a migration file's runs as it is).
struct OracleStatement {
    std::string sql;
    std::string kind;
};

// What the oracle needs from the server: copies of a template database and connections to them.
struct OracleServer {
    std::function<Status(const std::string& db)> copy;  // CREATE DATABASE db TEMPLATE <the seeded base>
    std::function<void(const std::string& db)> drop;
    std::function<std::string(const std::string& db)> conninfo;  // as repository SQL connects
    // How the end state is read: the catalog first on the search path whatever the repository's
    // SQL set for its role (it could otherwise shadow pg_get_indexdef and fake a proof). Unset: conninfo.
    std::function<std::string(const std::string& db)> observer_conninfo;
    std::chrono::milliseconds statement_limit{300000};
    // What identifies database `db` and what its sessions start with (its pg_database row, its
    // and every role's ALTER ... SET), or "" when it is gone; read as the administrator. The
    // oracle's databases are compared with what they were when made, and the template `base`
    // with what it was when the run began: repository SQL that altered or dropped one (finding
    // its name in pg_database) leaves the verdict unchecked. Unset: not checked.
    std::function<std::string(const std::string& db)> identity;
    std::string base;
};

// OracleServer::identity read on an administrator's connection.
[[nodiscard]] std::string database_identity(Connection& admin, const std::string& db);

struct OracleInput {
    std::vector<OracleStatement> original;  // the file as trace runs it
    std::vector<analyze::PlanStep> steps;   // the plan
    std::vector<std::string> tables;        // the existing tables the file touches (traffic goes there)
    std::vector<std::vector<OracleStatement>> later;  // the repository's migrations after the file
    // Whether the file's tool runs it inside one transaction (FileReport::wrapped_in_transaction or
    // one_query), and each later file's: the oracle runs every file as its tool does.
    bool original_in_transaction = false;
    std::vector<bool> later_in_transaction;
    std::string prefix = "pgfence_oracle";  // database names
};

struct OracleVerdict {
    // "proven", "differs", "unchecked" (the original itself cannot run, or no database), "declined"
    std::string verdict;
    std::string reason;                // one line: the original's error, the plan's decline, ...
    std::vector<std::string> details;  // for "differs": first difference, failed writes, failed steps
    int deploy = 0;                    // d: the new release deploys after this many steps
    int position = -1;                 // the k the plan matched (proven) or was compared with (differs)
    int statements = 0;                // traffic statements per run
    int rescued = 0;                   // writes the original refused and the plan let through (proven)
};

// A migration file on `c` as its tool runs it (in one transaction or not): "" or the error.
[[nodiscard]] std::string run_file(Connection& c, const std::vector<OracleStatement>& statements, bool in_transaction);

// Runs the oracle. Every database it makes is dropped before it returns.
[[nodiscard]] OracleVerdict run_plan_oracle(const OracleServer& server, const OracleInput& input);

// --- pieces, in oracle_traffic.cpp and oracle_state.cpp ---

// A value of each column for the row numbered by the SQL variable g, from the catalog:
// deterministic (no random()), several types, NULL in every fifth row of nullable non-key
// columns (with `nulls`, and not in the columns `never_null` names, quoted), foreign-key columns
// pointing at an existing parent row.
// `text` with each {g} replaced by `g`: a traffic or seeding template for one row.
[[nodiscard]] std::string with_counter(std::string text, const std::string& g);
[[nodiscard]] std::string with_counter(std::string text, long g);

struct ColumnExpression {
    std::string name;        // quoted identifier
    std::string expression;  // SQL over g
    bool has_default = false;
    bool key = false;  // in a primary key, unique or foreign key constraint
    bool parent_row = false;  // the expression picks a row of a foreign key's parent
    bool volatile_default = false;  // its default reads the clock or a random source
    bool unique = false;  // in a unique index (a constraint's or one made by CREATE UNIQUE INDEX)
};
[[nodiscard]] Result<std::vector<ColumnExpression>> column_expressions(Connection& c, const std::string& table, bool nulls = true,
                                                                     const std::set<std::string>& never_null = {});

// The columns of `table` as the old release writes them (column_expressions over `before`), a
// column that the file makes a foreign key (`after`: a copy the original ran on; null: not
// known) taking a row of its parent, as the end state demands.
[[nodiscard]] Result<std::vector<ColumnExpression>> old_release_columns(Connection& before, Connection* after, const std::string& table,
                                                                      bool nulls = true, const std::set<std::string>& never_null = {});
// The old release's INSERT of one new row of `table`, numbered by the text {g} (to be replaced
// by a number): the columns without a default, with no NULL, valued as the seeded rows are (a
// unique key gets a value of its own per number; a column a CHECK reads copied from one existing
// row, a column the file makes an enum a label of it), ON CONFLICT DO NOTHING (a plain INSERT
// where a unique index is checked at commit); "" when its columns cannot be read.
[[nodiscard]] std::string application_insert(Connection& before, Connection* after, const std::string& table);

// Deterministic rows in `table`, its parents first (foreign keys), until it has `rows` rows;
// one line per table saying what was done. No NULL in the columns `never_null` names as
// "<table oid>.<quoted column name>".
[[nodiscard]] std::vector<std::string> seed_deterministic(Connection& c, const std::string& table, int rows, bool nulls = true,
                                                          const std::set<std::string>& never_null = {});

// The application's traffic: per position, the old release's statements, and the new release's
// (which use what the file adds) derived from `after` (a copy the original ran on).
struct TrafficScript {
    std::vector<std::string> old_release;  // the statement templates; "{g}" is the counter
    std::vector<std::string> new_release;
};
// The old release writes no NULL into a column the file makes NOT NULL (or puts under a new
// CHECK) unless the file's UPDATEs set a column of that name (`filled`; nullopt: the file may
// fill any, so NULLs everywhere): a file that does not fill the column presumes the application
// writes none there, and with one the original itself fails at every later position (the
// seeded rows keep the same rule).
[[nodiscard]] TrafficScript derive_traffic(Connection& before, Connection& after, const std::vector<std::string>& tables,
                                           const std::optional<std::set<std::string>>& filled = std::set<std::string>{});

// The end state of a database: schema lines ("column t.c" -> "boolean DEFAULT true NOT NULL")
// and every user table's rows (each value as text, sorted).
struct TableRows {
    std::vector<std::string> columns;                    // by name
    std::vector<std::vector<std::string>> rows;          // "V<text>" or "N" per column, sorted
};
struct EndState {
    std::vector<std::pair<std::string, std::string>> schema;  // sorted by key
    std::vector<std::pair<std::string, TableRows>> tables;    // sorted by name
};
// SQL that is true when column `a` (a pg_attribute row) has a default reading the clock or a
// random source: each copy gets its own value for the same write.
inline constexpr const char* k_unstable_default =
    "EXISTS (SELECT 1 FROM pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum"
    " AND pg_get_expr(d.adbin, d.adrelid) ~* '(now\\(|current_timestamp|current_date|current_time|localtime|clock_timestamp"
    "|statement_timestamp|transaction_timestamp|timeofday|random\\(|gen_random_uuid|uuid_generate|uuidv[47])')";
[[nodiscard]] Result<EndState> dump_end_state(Connection& c);
// The values that differ between two runs of the original on copies of one database with the
// same traffic: those the file or the traffic's writes take from the clock or a random source (an
// UPDATE setting gen_random_uuid(), a row's now() default, a trigger copying it), which no plan can
// reproduce. Per table, the columns where some value differs; per row (named by its values in the
// other columns), which of them differ. Only those cells are compared by NULL-ness: a plan that
// rewrites such a column in rows where both runs agree (the seeded rows) is still caught.
struct UnstableValues {
    std::map<std::string, std::set<std::string>> columns;             // table -> columns
    std::set<std::tuple<std::string, std::string, std::string>> cells;  // table, column, row key
    // The rows those two runs had (table, row key). A row neither had (written at another
    // position of the original, or by the plan) has no run to show its values stable: its values
    // in the differing columns are compared by NULL-ness too.
    std::set<std::pair<std::string, std::string>> seen;
};
[[nodiscard]] UnstableValues unstable_columns(const EndState& a, const EndState& b);
// Those cells compared by whether they are NULL only.
void mask_columns(EndState& state, const UnstableValues& unstable);
// "" when equal, else the first difference, in a line (raw: renderers escape it).
[[nodiscard]] std::string first_difference(const EndState& original, const EndState& plan);

}  // namespace pgfence::trace
