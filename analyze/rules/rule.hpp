#pragma once
// What a rule is: a stable id, a default risk, a summary, and a check over one statement
// or over the whole file. The explanation of each rule lives in docs/rules/<id>.md.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/parse/pg_tree.hpp"

#include "analyze/base/civil_date.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/model/findings.hpp"

namespace pgfence::analyze::rules {

// Settings the rules read; the config file and CLI flags fill it.
struct Options {
    int pg_version = 15;
    std::set<std::string, std::less<>> disabled;  // rule ids turned off
    std::set<std::string, std::less<>> enabled;   // opt-in rules turned on
    bool strict = false;  // the strict profile: the style and idempotency rules (Rule::strict) on too
    int max_lock_timeout_ms = 10000;  // lock-timeout-too-long above this
    int max_statement_timeout_ms = 600000;  // statement-timeout-too-long above this (10 minutes)
    std::map<std::string, Risk> risk;  // per-rule risk instead of the default
    // The day a suppression's until= is compared with; none: the real date in UTC. The CLI sets
    // it from PGFENCE_TODAY, for tests.
    std::optional<CivilDate> today;
};

struct ColumnType;  // registry_type.hpp
struct FileMemo;

struct StatementContext {
    const FileReport& file;
    const StatementFacts& statement;
    const Options& options;
    // The statement as PostgreSQL's parser built it (an AlterTableStmt node, ...; pg_tree.hpp),
    // null for an unparsable one; and every statement's, parallel to file.statements.
    const pg::Node* stmt = nullptr;
    const std::vector<const pg::Node*>* stmts = nullptr;
    // The statement as a T, or nullptr when it is another kind.
    template <class T>
    [[nodiscard]] const T* as() const { return pg::as<T>(stmt); }
    // pg::display_name(rv) of one of the statement's relations, built once for all the rules
    // that ask (an ALTER TABLE is asked about by a dozen).
    [[nodiscard]] const std::string& display_name(const RangeVar* rv) const;

    mutable std::deque<std::pair<const RangeVar*, std::string>> names = {};  // a deque: references stay valid
    // column_types(*this), decoded by the first rule that asks (registry_type.cpp).
    mutable std::shared_ptr<const std::vector<ColumnType>> columns = {};
    // The ALTER TABLE subcommand a rule is looking at (schema::each_alter_cmd sets it), or -1:
    // a finding reported meanwhile is about that subcommand (Finding::subcommand).
    mutable int subcommand = -1;
    // What the file's statement checks derive alike, kept between statements (apply_rules owns it).
    FileMemo* memo = nullptr;
};

// A statement of a function's body that a file's statement runs by calling the function
// (analyze/function_calls.hpp): the statement rules check it as if it stood at the call, and
// what they find is reported there, "inside f(): ...". A statement of a DO block likewise,
// "inside DO block: ...", at its own line.
struct CalledStatement {
    int caller = 0;          // index in FileReport::statements
    std::string function;    // the calls that reach it: "f()", "f() -> g()"
    StatementFacts facts;    // its own facts, with the caller's index, span, transaction and settings
    const pg::Node* stmt = nullptr;  // its tree, owned by the file's parse arena
    int line = 0;  // a DO block's statement: its line in the file, where its findings are reported
    // Run apart from the migration: the body of a function the migration creates or replaces, at
    // the existing objects that call it (a trigger, a default, another function), later, in the
    // application's own transactions. Rules about the migration's transaction (its held locks,
    // its COMMIT, its timeouts: migration_transaction_rule) do not apply to it.
    bool apart = false;
    bool branch = false;  // a DO block's statement in a branch of an IF or CASE: it runs when the condition holds
};

// What several file rules derive alike, computed once per file (apply_rules owns it).
struct FileMemo {
    // split_after_exclusive_locks, by transaction scope (first, last statement).
    std::map<std::pair<int, int>, std::optional<Recipe>> splits;
    // columns_added_null (transaction_work.cpp) by table: the statements folded so far and the
    // columns they leave NULL in every row.
    std::map<std::string, std::pair<int, std::set<std::string>>> null_columns;
    // pinned_only_by_added_columns (added_columns.cpp) by table: the statements read so far and the
    // columns added since the last index built on the table (read once per file, not per statement).
    std::map<std::string, std::pair<int, std::set<std::string>>> added_columns;
    // The first statement that fills each table from a query (transaction_work.cpp), by its display name.
    std::optional<std::map<std::string, int>> filled_at;
};

struct FileContext {
    const FileReport& file;
    const Options& options;
    const std::vector<const pg::Node*>& stmts;  // parallel to file.statements, null for unparsable ones
    FileMemo* memo = nullptr;                   // none: nothing is kept between calls
    std::string_view text = {};                 // the file's text (for an edit outside a statement)
};

// Where a rule reports; fills in its id and default risk.
class Sink {
public:
    Sink(std::string_view rule, Risk default_risk, std::vector<Finding>& out, const int* subcommand = nullptr)
        : m_rule(rule), m_risk(default_risk), m_out(out), m_subcommand(subcommand) {}

    // A finding on a statement, pointing at the whole statement (at the subcommand being checked,
    // once the engine has run, when the statement has several).
    Finding& add(const StatementFacts& statement, std::string message);
    // A finding at a position of its own (a comment line, the end of the file).
    Finding& add_at(Position start, Position stop, std::string message);
    [[nodiscard]] Risk default_risk() const { return m_risk; }

private:
    std::string_view m_rule;
    Risk m_risk;
    std::vector<Finding>& m_out;
    const int* m_subcommand;  // StatementContext::subcommand of the statement checked, if any
};

using StatementCheck = void (*)(const StatementContext&, Sink&);
using FileCheck = void (*)(const FileContext&, Sink&);

// What a finding's cost grows with, for size-aware risk (stats/): the work done on the table
// while the lock is held. `none`: a timeout, naming or data-loss finding, whatever the size.
enum class SizeWork { none, rewrite, index_build, scan };

struct Rule {
    std::string_view id;
    Risk default_risk;
    std::string_view summary;      // one line, no instance text
    StatementCheck check = nullptr;
    FileCheck file_check = nullptr;
    bool default_enabled = true;   // opt-in rules are off unless enabled
    std::string_view category = "locking";  // "locking", "data-loss", "types", "policy", "transactions", "idempotency", "meta"
    SizeWork size_work = SizeWork::none;
    // The config file's [policies] switch of this name turns the rule on or off: the session
    // setting it requires ("lock_timeout"), or "suppression_owner". Empty for other rules.
    std::string_view policy_setting = {};
    // A style or idempotency rule: off by default, on in the strict profile (`profile = "strict"`
    // under [rules], `--profile strict`). The default report is what can hurt production.
    bool strict = false;
};

// Every rule, ordered by id.
[[nodiscard]] const std::vector<Rule>& all_rules();
[[nodiscard]] const Rule* find_rule(std::string_view id);

// Defines the rule of a file under analyze/rules/, at the start of a line:
//   PGFENCE_RULE(drop_table) { return Rule{"drop-table", ...}; }
// The build lists every such line (cmake/rule_list.cmake) for all_rules(), so a new rule file
// needs no hand-kept list, and the static library cannot leave a rule out of a program.
#define PGFENCE_RULE(name) Rule rule_##name()

}  // namespace pgfence::analyze::rules
