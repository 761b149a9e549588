#include "analyze/plan.hpp"
#include "analyze/plan_temporal.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "analyze/analyzer.hpp"
#include "analyze/catalog.hpp"
#include "analyze/migration_names.hpp"
#include "analyze/migration_order.hpp"
#include "analyze/orm/script_tools.hpp"
#include "analyze/path_parts.hpp"
#include "analyze/plan_concurrent.hpp"
#include "analyze/plan_fills.hpp"
#include "analyze/plan_objects.hpp"
#include "analyze/plan_releases.hpp"
#include "analyze/plan_runner.hpp"
#include "analyze/plan_survey.hpp"
#include "analyze/pg_walk.hpp"
#include "analyze/plan_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rename_chains.hpp"
#include "analyze/splitter.hpp"
#include "analyze/tokens.hpp"

namespace pgfence::analyze {

std::string_view plan_run_name(PlanRun run) {
    switch (run) {
        case PlanRun::in_transaction: return "in transaction";
        case PlanRun::no_transaction: return "no transaction";
        case PlanRun::out_of_band: return "out of band";
    }
    return "in transaction";
}

namespace {

using plan_survey::batching_rule;
using plan_survey::subcommand_texts;
using plan_survey::touches;
using plan_survey::UpdateWay;

// ---- what a finding's recipe means to the plan ----

enum class Role {
    replace,     // its recipe is the safe form of the statement (or of one subcommand)
    add,         // its recipe adds statements after the statement (an index for a foreign key)
    structural,  // its recipe re-groups the file's statements: the plan's grouping does that
};

Role role_of(std::string_view rule) {
    static const std::set<std::string_view> structural = {
        "statement-after-access-exclusive", "multiple-access-exclusive-in-transaction",
        "not-valid-validate-same-transaction", "work-under-held-lock", "transaction-left-open",
        "concurrently-in-transaction", "lock-upgrade-in-transaction", "enum-add-value-in-transaction",
        "copy-and-swap-loses-writes"};
    if (rule == "foreign-key-without-index") return Role::add;
    return structural.count(rule) > 0 ? Role::structural : Role::replace;
}

// When a recipe step runs, relative to the rest of the file.
enum class Stage {
    before,    // an application release before any migration
    now,       // in the statement's place
    backfill,  // out of band, after every statement's quick part
    settle,    // what must follow a backfill and precede a validation (a CHECK ... NOT VALID)
    validate,  // VALIDATE CONSTRAINT, after the backfills
    finish,    // what must follow a backfill or a validation (SET NOT NULL, the swap)
    later,     // a later release, once no deployed code uses the old form
    skip,      // an alternative ("Or, ...")
};

// ASCII case folding: the words compared are SQL keywords, and no locale call per character.
char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (fold(text[i]) != fold(prefix[i])) return false;
    }
    return true;
}

bool contains_ci(std::string_view text, std::string_view needle) {
    if (needle.empty()) return true;
    if (needle.size() > text.size()) return false;
    const char first = fold(needle.front());
    for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
        if (fold(text[i]) == first && starts_with_ci(text.substr(i), needle)) return true;
    }
    return false;
}

// The lines of `sql` that are comments (`comments`), or those that are not, in order; comment
// lines come without their indentation.
std::string lines_of_kind(std::string_view sql, bool comments) {
    std::string out;
    std::size_t at = 0;
    while (at < sql.size()) {
        std::size_t nl = sql.find('\n', at);
        std::string_view line = sql.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        std::size_t first = line.find_first_not_of(" \t");
        if (first != std::string_view::npos && line.substr(first).starts_with("--") == comments) {
            out += comments ? line.substr(first) : line;
            out += '\n';
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return out;
}

// The step's statements with comment lines left out.
std::string without_comments(std::string_view sql) { return lines_of_kind(sql, false); }

// Every statement of the step is a VALIDATE CONSTRAINT.
bool only_validates(std::string_view sql) {
    std::string body = without_comments(sql);
    bool any = false;
    std::size_t at = 0;
    while (at < body.size()) {
        std::size_t semi = body.find(';', at);
        std::string_view part = std::string_view(body).substr(at, semi == std::string::npos ? std::string::npos : semi - at);
        if (part.find_first_not_of(" \t\n") != std::string_view::npos) {
            if (!contains_ci(part, "VALIDATE CONSTRAINT")) return false;
            any = true;
        }
        if (semi == std::string::npos) break;
        at = semi + 1;
    }
    return any;
}

// The comment lines of `sql`, in order.
std::string sql_comments(std::string_view sql) { return lines_of_kind(sql, true); }

bool executable(std::string_view sql) { return without_comments(sql).find_first_not_of(" \t\n") != std::string::npos; }

// A recipe step cut in two where its leading VALIDATE CONSTRAINT statements end (with the
// comments before them): VALIDATE belongs to the validation stage, what follows it (SET NOT
// NULL, dropping the helper CHECK) after it. `rest` is empty when nothing follows; both are
// empty when the step does not start with a VALIDATE or holds a dollar-quoted body.
struct ValidateCut {
    std::string validate;
    std::string rest;
};
ValidateCut cut_validate_prefix(std::string_view sql);

// A recipe's steps as the plan takes them: a step that starts with VALIDATE and goes on with
// other statements is two.
std::vector<RecipeStep> plan_steps(const Recipe& recipe) {
    std::vector<RecipeStep> out;
    for (const auto& step : recipe.steps) {
        ValidateCut cut = cut_validate_prefix(step.sql);
        if (cut.validate.empty() || cut.rest.empty()) {
            out.push_back(step);
            continue;
        }
        out.push_back(RecipeStep{step.title, cut.validate, step.in_transaction});
        out.push_back(RecipeStep{step.title, cut.rest, step.in_transaction});
    }
    return out;
}

// Stages of the steps, in order; empty when they do not fit the plan's order (the recipe is
// then kept whole, in place).
std::vector<Stage> stages_of(const std::vector<RecipeStep>& steps) {
    std::vector<Stage> out;
    bool tail = false;
    for (const auto& step : steps) {
        Stage s;
        if (starts_with_ci(step.title, "Or,") || starts_with_ci(step.title, "Or ")) {
            s = Stage::skip;
        } else if (starts_with_ci(step.title, "Before")) {
            s = Stage::before;
        } else if (contains_ci(step.title, "later release") || contains_ci(step.sql, "Once no deployed code")) {
            s = Stage::later;
        } else if (starts_with_ci(step.title, "Out of band")) {
            s = Stage::backfill;
        } else if (only_validates(step.sql)) {
            s = Stage::validate;
        } else {
            s = tail ? Stage::finish : Stage::now;
        }
        if (s == Stage::backfill || s == Stage::validate || s == Stage::later) tail = true;
        out.push_back(s);
    }
    // Work between a backfill and a validation settles before every validation.
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] != Stage::finish) continue;
        bool validation_after = std::find(out.begin() + static_cast<long>(i) + 1, out.end(), Stage::validate) != out.end();
        if (validation_after) out[i] = Stage::settle;
    }
    Stage highest = Stage::now;
    for (Stage s : out) {
        if (s == Stage::skip || s == Stage::before) continue;
        if (s < highest) return {};
        highest = s;
    }
    return out;
}

ValidateCut cut_validate_prefix(std::string_view sql) {
    ValidateCut cut;
    if (sql.find('$') != std::string_view::npos || !contains_ci(sql, "VALIDATE CONSTRAINT")) return cut;
    std::string pending;
    std::size_t at = 0;
    bool in_prefix = true;
    while (at < sql.size()) {
        std::size_t nl = sql.find('\n', at);
        std::string_view line = sql.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        std::string text = std::string(line) + "\n";
        at = nl == std::string_view::npos ? sql.size() : nl + 1;
        std::size_t first = line.find_first_not_of(" \t");
        bool comment = first == std::string_view::npos || line.substr(first).starts_with("--");
        if (!in_prefix) {
            cut.rest += text;
        } else if (comment) {
            pending += text;
        } else if (contains_ci(line, "VALIDATE CONSTRAINT") && line.find(';') == line.find_last_not_of(" \t")) {
            cut.validate += pending + text;
            pending.clear();
        } else {
            in_prefix = false;
            cut.rest += pending + text;
            pending.clear();
        }
    }
    cut.rest += pending;
    if (cut.validate.empty() || !executable(cut.rest)) return ValidateCut{};
    while (!cut.validate.empty() && cut.validate.back() == '\n') cut.validate.pop_back();
    while (!cut.rest.empty() && cut.rest.back() == '\n') cut.rest.pop_back();
    return cut;
}

// A statement's text as compared for repeats: comments out, blanks collapsed, ASCII folded.
std::string statement_key(std::string_view sql) {
    std::string out;
    for (char c : without_comments(sql)) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space) {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        out += fold(c);
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
    return out;
}

// `sql` without the statements whose key is in `seen` (with the comment lines before each),
// adding the keys of the others to `seen`: two recipes of one file that produce the same step
// (the NOT VALID CHECK of a column that is both made NOT NULL and a primary key) run it once.
std::string without_repeats(const std::string& sql, std::set<std::string>& seen) {
    std::vector<RawStatement> parts = split_statements(sql, Region{0, sql.size(), false, false});
    std::string out;
    std::size_t from = 0;  // the start of the text not yet given out
    for (const RawStatement& part : parts) {
        std::size_t end = part.end;
        if (end < sql.size() && sql[end] == ';') ++end;
        std::size_t nl = sql.find('\n', end);
        // A comment on the statement's own line goes with it.
        std::size_t chunk_end = nl == std::string::npos ? sql.size() : nl + 1;
        std::string key = statement_key(std::string_view(sql).substr(part.begin, part.end - part.begin));
        if (!key.empty() && !seen.insert(key).second) {
            from = chunk_end;
            continue;
        }
        out += sql.substr(from, chunk_end - from);
        from = chunk_end;
    }
    out += sql.substr(std::min(from, sql.size()));
    while (!out.empty() && out.back() == '\n') out.pop_back();
    out.shrink_to_fit();  // built by appending: kept in no more room than it needs until its step is written
    return out;
}

// A table's name as PostgreSQL stores it, for comparing two spellings of it: the last part
// of the (maybe schema-qualified) name, unquoted, or folded when written without quotes.
std::string table_key(std::string_view name);

// The same table as far as the file can tell: the same name, in the same schema where both
// name one.
bool same_relation(const RangeVar* a, const RangeVar* b) {
    if (a == nullptr || b == nullptr || pg::relname(a) != pg::relname(b)) return false;
    std::string_view sa = a->schemaname != nullptr ? a->schemaname : "", sb = b->schemaname != nullptr ? b->schemaname : "";
    return sa.empty() || sb.empty() || sa == sb;
}

std::string table_key(std::string_view name) {
    std::string part;
    bool quoted = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '"') {
            if (quoted && i + 1 < name.size() && name[i + 1] == '"') {
                part += '"';
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == '.' && !quoted) {
            part.clear();
        } else {
            part += quoted ? c : fold(c);
        }
    }
    return part;
}

// The table a statement gives a unique key (CREATE UNIQUE INDEX, ADD PRIMARY KEY / UNIQUE /
// EXCLUDE, a column added PRIMARY KEY or UNIQUE), "" for another statement.
std::string makes_unique(const pg::Node* node) {
    if (const auto* index = pg::as<IndexStmt>(node)) return index->unique ? pg::display_name(index->relation) : std::string();
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr || alter->relation == nullptr) return {};
    auto unique = [](const Constraint* con) {
        return con != nullptr && (con->contype == CONSTR_PRIMARY || con->contype == CONSTR_UNIQUE || con->contype == CONSTR_EXCLUSION);
    };
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_AddConstraint && unique(pg::as<Constraint>(cmd->def))) return pg::display_name(alter->relation);
        if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr) {
            for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
                if (unique(con)) return pg::display_name(alter->relation);
            }
        }
    }
    return {};
}

// ---- the pieces a plan is made of ----

struct Unit {
    std::string sql;        // one or more statements, each ending in ';', with comments
    bool transaction = true;  // may run in a transaction block
    std::string table;      // the existing table it locks strongly, "" if none
    bool alone = false;     // starts a migration of its own (a recipe's own step boundary)
    bool ends = false;      // nothing may follow it in its transaction (ALTER TYPE ... ADD VALUE)
    bool exclusive = false;  // takes ACCESS EXCLUSIVE on an existing table: only a folded ALTER may follow
    bool lockless = false;   // locks nothing that existed before it (CREATE TYPE, a new table)
    // Runs in the migration before it, which must hold ACCESS EXCLUSIVE on `join_table` already
    // (what the original did at once); when it cannot, the plan is declined with `join_decline`.
    bool joins = false;
    std::string join_table{};
    std::string join_decline{};
    // Changes what the old release's writes do (changes_writes): runs in the migration of the
    // unit before it that does too, whatever tables they lock. `line`: its statement's.
    bool writes = false;
    int line = 0;
    // Sets the session's lock_timeout (a recipe's guard outside a transaction): its migration
    // puts it back at the end.
    bool session_timeout = false;
    // An UPDATE kept as written (a migration of its own). Kept UPDATEs that follow one another
    // share that migration: they read rows the old release writes, and apart each would read
    // them at another moment, which no single moment of the original does (openmeter's two
    // backfills of the subscription period, one per table: an old-release write between them
    // reached one table's copy and not the other's).
    bool kept_update = false;
    // Adds a constraint NOT VALID to an existing table: from then on it refuses the old
    // release's writes that break it. Such adds that follow one another share a migration: the
    // original adds them at once, and one a migration would refuse a write to one table while
    // another still takes it, which no single moment of the original does (lemmy's
    // mod-reason-mandatory made reason NOT NULL on 13 tables).
    bool refuses = false;
};

struct Staged {
    Stage stage;
    Unit unit;
};

// A plan of a hundred thousand statements has as many units: a long list grows by a quarter
// when it is full, not by doubling (which holds the old and the new list at once).
void push_unit(std::vector<Unit>& units, Unit&& u) {
    if (units.size() >= 1024 && units.size() == units.capacity()) units.reserve(units.size() + units.size() / 4);
    units.push_back(std::move(u));
}

// `sql` ending in ';' when its last statement lacks one (a trailing comment stays last).
// `sql` with every ';' in the comments between its statements made ','.
std::string no_semicolons_in_comments(std::string sql) {
    std::size_t from = 0;
    auto gap = [&](std::size_t to) {
        for (std::size_t at = from; at < to && at < sql.size(); ++at) {
            if (sql.compare(at, 2, "--") == 0) {
                for (; at < to && sql[at] != '\n'; ++at) sql[at] = sql[at] == ';' ? ',' : sql[at];
            } else if (sql.compare(at, 2, "/*") == 0) {
                std::size_t end = sql.find("*/", at + 2);
                for (; at < to && at < end; ++at) sql[at] = sql[at] == ';' ? ',' : sql[at];
            }
        }
    };
    for (const RawStatement& r : split_statements(sql, Region{0, sql.size()})) {
        gap(r.begin);
        from = r.end;
    }
    gap(sql.size());
    return sql;
}

// A statement after which what an earlier statement named may be gone or other: a DROP, a
// RENAME, a move to another schema, or an ALTER TABLE that drops a column or constraint or
// changes a column's type.
bool removes_or_renames(const pg::Node* node) {
    if (pg::is<DropStmt>(node) || pg::is<RenameStmt>(node) || pg::is<AlterObjectSchemaStmt>(node)) return true;
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr) return false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_DropColumn || cmd->subtype == AT_AlterColumnType || cmd->subtype == AT_DropConstraint) return true;
    }
    return false;
}

// What a statement makes that only its own session sees: a temporary table, view or sequence,
// or a function in pg_temp ("" when none). It is gone when the session ends: a migration run
// apart (another session) does not find it.
struct SessionObject {
    std::string what;  // "the temporary table tmp_map", ...; "" when none
    std::string name;  // what later statements name it by; "" when not known (a DO block's)
};

// Does `text` hold `word` as a whole word, case aside?
bool has_word(std::string_view text, std::string_view word) {
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (std::size_t at = 0; at + upper.size() <= text.size(); ++at) {
        if (rules::keyword_at(text, at, upper)) return true;
    }
    return false;
}

SessionObject makes_temporary(const pg::Node* node, std::string_view sql) {
    const RangeVar* rv = nullptr;
    if (const auto* c = pg::as<CreateStmt>(node)) rv = c->relation;
    if (const auto* c = pg::as<CreateTableAsStmt>(node); c != nullptr && c->into != nullptr) rv = c->into->rel;
    if (const auto* c = pg::as<SelectStmt>(node); c != nullptr && c->intoClause != nullptr) rv = c->intoClause->rel;
    if (const auto* c = pg::as<ViewStmt>(node)) rv = c->view;
    if (const auto* c = pg::as<CreateSeqStmt>(node)) rv = c->sequence;
    if (rv != nullptr && (rv->relpersistence == 't' || (rv->schemaname != nullptr && std::string_view(rv->schemaname) == "pg_temp"))) {
        return {"the temporary " + std::string(pg::is<ViewStmt>(node) ? "view " : pg::is<CreateSeqStmt>(node) ? "sequence " : "table ") +
                    pg::display_name(rv),
                std::string(pg::relname(rv))};
    }
    if (const auto* f = pg::as<CreateFunctionStmt>(node); f != nullptr && pg::length(f->funcname) > 1 &&
                                                         pg::text(pg::nth(f->funcname, 0)) == "pg_temp") {
        return {"the function " + pg::qualified_name(f->funcname), std::string(pg::last_name(f->funcname))};
    }
    if (const auto* p = pg::as<PrepareStmt>(node)) return {"the prepared statement " + std::string(pg::text(p->name)), ""};
    // What the statement's text shows, where the tree does not (a DO block's body, a type or
    // anything else made in pg_temp, a setting set_config keeps for the session or transaction).
    std::string body = without_comments(sql);
    if (has_word(body, "pg_temp")) {
        return {"an object in pg_temp", ""};
    }
    if (pg::is<DoStmt>(node) && (has_word(body, "TEMP") || has_word(body, "TEMPORARY"))) {
        return {"a temporary table in its DO block", ""};
    }
    if (has_word(body, "set_config")) return {"a setting with set_config", ""};
    return {};
}

std::string with_semicolon(std::string sql) {
    std::size_t end = sql.find_last_not_of(" \t\n");
    if (end == std::string::npos) return sql;
    sql.resize(end + 1);
    std::string body = without_comments(sql);
    std::size_t last = body.find_last_not_of(" \t\n");
    if (last == std::string::npos || body[last] == ';') return sql;
    if (without_comments(sql) == sql + "\n" || sql.find("--") == std::string::npos) return sql + ";";
    // Put the ';' after the last statement line, before the comments that follow it.
    std::size_t line_end = sql.size();
    for (;;) {
        std::size_t start = sql.rfind('\n', line_end == 0 ? 0 : line_end - 1);
        start = start == std::string::npos ? 0 : start + 1;
        std::string_view line = std::string_view(sql).substr(start, line_end - start);
        std::size_t first = line.find_first_not_of(" \t");
        if (first != std::string_view::npos && !line.substr(first).starts_with("--")) {
            sql.insert(line_end, ";");
            return sql;
        }
        if (start == 0) return sql + ";";
        line_end = start - 1;
    }
}

// The recipe text without the note that the other subcommands are not repeated: the plan
// keeps them.
std::string drop_others_note(std::string sql) {
    const std::string note = "-- Only this subcommand is shown";
    std::size_t at = sql.find(note);
    if (at == std::string::npos) return sql;
    std::size_t nl = sql.find('\n', at);
    sql.erase(at, nl == std::string::npos ? std::string::npos : nl + 1 - at);
    return sql;
}

int count_statements(std::string_view sql) {
    std::string body = without_comments(sql);
    int n = 0;
    bool text = false;
    for (char c : body) {
        if (c == ';') {
            n += text ? 1 : 0;
            text = false;
        } else if (!std::isspace(static_cast<unsigned char>(c))) {
            text = true;
        }
    }
    return n + (text ? 1 : 0);
}

// A DROP of an object a table can depend on without being dropped with it: a type or domain
// its columns use, a function its defaults, checks or triggers call, a sequence, collation,
// schema or extension.
bool depends_on_later_drop(const pg::Node* node) {
    const auto* drop = pg::as<DropStmt>(node);
    if (drop == nullptr) return false;
    switch (drop->removeType) {
        case OBJECT_TYPE: case OBJECT_DOMAIN: case OBJECT_FUNCTION: case OBJECT_SEQUENCE: case OBJECT_COLLATION:
        case OBJECT_SCHEMA: case OBJECT_EXTENSION: case OBJECT_OPERATOR: case OBJECT_OPCLASS: case OBJECT_OPFAMILY:
        case OBJECT_TSCONFIGURATION: case OBJECT_TSDICTIONARY: case OBJECT_AGGREGATE: case OBJECT_ROUTINE:
            return true;
        default: return false;
    }
}

// The existing table a statement locks in a mode that blocks writes, "" if none.
std::string strong_table(const StatementFacts& s) {
    const LockFact* best = nullptr;
    for (const auto& l : s.locks) {
        if (l.is_new || l.mode < LockMode::Share) continue;
        if (best == nullptr || l.mode > best->mode) best = &l;
    }
    return best != nullptr ? best->relation : std::string();
}

// An ALTER TABLE subcommand that enables or disables triggers.
bool changes_writes_subcommand(AlterTableType type) {
    switch (type) {
        case AT_EnableTrig: case AT_EnableAlwaysTrig: case AT_EnableReplicaTrig: case AT_DisableTrig:
        case AT_EnableTrigAll: case AT_DisableTrigAll: case AT_EnableTrigUser: case AT_DisableTrigUser:
            return true;
        default: return false;
    }
}

// A change to what the old release's writes store or whether they succeed, on a table that
// exists: a default set or dropped, a trigger created, dropped, enabled or disabled, a column
// dropped (the old release's writes that name it fail from then on: Dokploy's 0026 dropped
// customGitSSHKey of application and of compose in one transaction; split, the writes to one
// table failed while those to the other went through, which no position of the original has). The original
// makes all of its changes at once; two of them in different migrations leave a position with
// one and not the other (the old release's inserts into one table meet the new default, into
// another the old one), which no position of the original has.
bool changes_writes(const pg::Node* node, const StatementFacts& s) {
    bool existing = std::any_of(s.locks.begin(), s.locks.end(), [](const LockFact& l) { return l.kind == "table" && !l.is_new; });
    if (!existing) return false;
    if (pg::is<CreateTrigStmt>(node)) return true;
    if (const auto* drop = pg::as<DropStmt>(node)) return drop->removeType == OBJECT_TRIGGER;
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr) return false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_ColumnDefault || cmd->subtype == AT_DropColumn || changes_writes_subcommand(cmd->subtype)) return true;
    }
    return false;
}

// ---- the migration tool's names and markers ----

struct Layout {
    MigrationTool tool;
    std::string source_kind;      // "sql", "knex", "typeorm", ...
    bool wraps = false;           // the tool runs a migration in a transaction of its own
    bool one_query = false;       // it sends a migration as one query: one statement outside a transaction
    bool no_transaction = true;   // it can run a migration outside a transaction at all
    bool explicit_begin = false;  // the plan writes BEGIN ... COMMIT itself (plain SQL that did)
    std::string script_module = "cjs";  // an ORM script's: "cjs", "esm", "esm-default"
    bool context_parameter = false;     // up({ context }) (umzug)
};

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
    bool versioned = r.tool != MigrationTool::Plain && r.tool != MigrationTool::Synapse;
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

// A class name for TypeORM: letters of the file name, then the timestamp.
std::string class_name(std::string_view file, int k) {
    std::string digits, letters;
    bool upper = true;
    for (char c : file.substr(0, file.find('.'))) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            digits += c;
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            letters += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        } else {
            upper = true;
        }
    }
    if (letters.empty()) letters = "Migration";
    return letters + "Step" + std::to_string(k) + digits;
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
           l.tool == MigrationTool::Goose || l.tool == MigrationTool::Drizzle;
}

// The text of the file for migration `step`, with the tool's markers; `units` its pieces.
std::string file_text(const Layout& l, const PlanStep& step, const std::vector<std::string>& units,
                      std::string_view path) {
    bool outside = step.run == PlanRun::no_transaction;
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
            std::string config = outside ? "\n// Run outside Knex's transaction (CONCURRENTLY cannot run inside one).\n" +
                                               orm::knex_no_transaction(l.script_module) + ";\n"
                                         : "";
            if (l.script_module == "esm") {
                return head + "export async function up(knex) {\n" + calls + "}\n\nexport async function down() {}\n" + config;
            }
            if (l.script_module == "esm-default") {
                return head + "export default {\n  async up(knex) {\n" + calls + "  },\n  async down() {},\n" +
                       (outside ? "  // Run outside Knex's transaction (CONCURRENTLY cannot run inside one).\n  " +
                                      orm::knex_no_transaction(l.script_module) + ",\n"
                                : "") +
                       "};\n";
            }
            return head + "exports.up = async function (knex) {\n" + calls + "};\n\nexports.down = async function () {};\n" + config;
        }
        if (l.source_kind == "typeorm") {
            std::string name = class_name(path_name(path), 1);
            return head + "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\nexport class " + name +
                   " implements MigrationInterface {\n" +
                   (outside ? "    // Outside TypeORM's transaction (migrationsTransactionMode \"each\"): CONCURRENTLY cannot run inside one.\n"
                              "    " + std::string(orm::k_typeorm_no_transaction) + " as const;\n\n"
                            : std::string()) +
                   "    public async up(queryRunner: QueryRunner): Promise<void> {\n" + calls +
                   "    }\n\n    public async down(): Promise<void> {}\n}\n";
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
            if (l.script_module == "esm") {
                return head + "export async function up(" + param + ") {\n" + calls + "}\n\nexport async function down() {}\n";
            }
            return head + (l.script_module == "esm-default" ? "export default {\n" : "module.exports = {\n") + "  async up(" + param +
                   ") {\n" + calls + "  },\n  async down() {},\n};\n";
        }
        return head + "exports.up = async function (db) {\n" + calls + "};\n\nexports.down = async function () {};\n";
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

class Composer {
public:
    Composer(FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
             const Catalog* catalog, const KnownMigrations* known)
        : m_report(report), m_stmts(stmts), m_down(down), m_known(known), m_catalog(catalog) {}

    Plan compose();

private:
    void survey();
    bool skip_finding(std::size_t i, const Finding& f);
    void statement(std::size_t i);
    void keys_dropped_and_made(std::size_t i);
    void note_dropped_keys(std::size_t i);
    void readded_check(std::size_t i, const std::string& table, const std::string& name,
                       const std::function<bool(const RangeVar*)>& same_table, const std::string& dropped = {});
    std::string copy_split_from_drop(const std::vector<PlanStep>& steps) const;
    void recipe(const Finding& f);
    void note(std::size_t i, const std::string& text);
    bool later_touches(std::size_t i, const std::string& table, bool only_ddl, std::size_t* which) const;
    void unit(Unit u) {
        if (!has_dollar_quote(u.sql)) (void)without_repeats(u.sql, m_seen);
        rejoin(u);
        push_unit(m_now, std::move(u));
    }
    // A unit of a statement that must run in the migration of an earlier one (m_rejoin).
    void rejoin(Unit& u) const {
        if (auto rejoin = m_rejoin.find(m_current); rejoin != m_rejoin.end() && u.transaction && !u.joins) {
            u.joins = true;
            u.join_table = rejoin->second.first;
            u.join_decline = rejoin->second.second;
        }
    }
    void group(std::vector<Unit>& units, std::string_view suffix, std::vector<PlanStep>& out);
    // remade_apart: why the plan cannot stand when a dropped view, function or trigger is made
    // again in another step ("" when not); step_of: the step holding statement i.
    std::string remade_apart(const std::vector<PlanStep>& steps) const;
    std::size_t step_of(std::size_t i, const std::vector<PlanStep>& steps) const;
    void out_of_band(std::vector<Unit>& units, std::string_view title, std::vector<PlanStep>& out);
    std::string prefix(bool outside) const;
    bool in_transaction(bool step_in_transaction) const;
    std::string local_timeout(std::string sql, bool step_in_transaction, bool guard) const;
    // The file's own lock_timeout is SET LOCAL, which outside a transaction holds for nothing.
    bool local_file_timeout() const {
        auto own = m_settings.find("lock_timeout");
        return own != m_settings.end() && contains_ci(own->second, "LOCAL");
    }
    // The step's prefix sets the session's lock_timeout (the plan's own, or the file's SET LOCAL
    // made a session SET where the step is in no transaction): its end puts it back.
    bool prefix_sets_timeout(bool outside) const {
        return (m_lock_timeout_default && m_settings.count("lock_timeout") == 0) || (!in_transaction(!outside) && local_file_timeout());
    }

    FileReport& m_report;
    const std::vector<const pg::Node*>& m_stmts;
    const std::vector<bool>& m_down;
    const KnownMigrations* m_known;  // the repository's other migrations, or none known
    const Catalog* m_catalog;
    std::string m_walk;  // the keyset walk of the batched UPDATE whose recipe is being taken
    std::string walk_key(std::size_t i, const std::string& table, std::vector<plan_walk::KeyColumn>& key) const;
    std::string fold_blocker(const std::string& table) const;
    std::vector<Unit> m_before, m_now, m_backfill, m_settle, m_validate, m_finish, m_later;
    // The application release of a recipe whose last step waits for it (a later-release DROP
    // TABLE): it comes right before that step, after the migrations that build what the new
    // code uses (documenso's SiteSettings, created by the file that drops Banner).
    std::vector<Unit> m_release;
    std::map<std::string, std::string> m_settings;  // SET statements in force, by name
    std::map<std::string, std::string> m_trailing;  // SETs and RESETs after the file's last statement
    std::optional<std::pair<std::size_t, std::size_t>> m_statement_span;  // first and last non-SET statements
    std::set<std::string> m_replaced;
    std::vector<std::string> m_notes;
    bool m_lock_timeout_default = false;  // the file lacks lock_timeout: the plan sets one
    Layout m_layout{};
    std::vector<std::vector<std::string>> m_units;  // parallel to the plan's steps: their pieces
    std::vector<std::vector<const Finding*>> m_by_statement;  // the findings on each statement
    plan_survey::Survey m_survey;  // what the file adds, and how each batchable UPDATE runs
    std::set<std::string> m_batched;                 // tables whose backfill the plan batches, so far
    std::vector<std::string> m_backfilled;           // the columns those backfills set (table.column), in order
    int m_search_path_line = 0;                      // the first SET or RESET of search_path (or RESET ALL), 0: none
    std::set<std::string> m_noted;                   // notes given, once each
    // The note on the lines that join a migration as changes to the old release's writes.
    int m_open_serial = 0;
    int m_join_open = 0;
    int m_join_first = 0;
    std::size_t m_join_note = 0;
    std::vector<int> m_join_lines;
    std::set<std::string> m_seen;                    // statement_key of every statement in the plan so far
    // Constraints the file drops that may be a primary key or unique constraint, by table_key:
    // the line, and the constraint's name (quoted) or what dropped it.
    std::map<std::string, std::pair<int, std::string>> m_dropped_keys;
    std::map<std::string, int> m_unique_tables;  // existing tables the file gives a unique key (table_key): the first line
    // Existing tables an UPDATE, DELETE or DO block of the file changed rows of (table_key): the first line.
    std::map<std::string, int> m_written_tables;
    std::map<std::string, int> m_view_tables;  // tables a rename puts a view in place of (table_key): the line
    std::string m_declined;
    int m_unknown_line = 0;               // the last statement whose SQL is built at run time, 0: none
    std::size_t m_before_at_unknown = 0;  // m_before's size when it came
    std::string m_join_failed;  // a unit that could not run in the migration it must share: the decline
    std::string not_null_decline(std::size_t i) const {
        return "line " + std::to_string(m_report.statements[i].span.start.line) +
               " fills or makes NOT NULL a column the old release does not write (this file adds it without a default), "
               "and it cannot run in the migration that adds the column, as the original does: no online form; by hand: give "
               "the column a DEFAULT, or make it NOT NULL in a migration after the release that writes it";
    }
    std::set<std::string> m_kept_rules;  // rules with a finding whose statement is kept as written
    std::pair<std::size_t, std::string> m_dropped_fk{0, ""};   // the same after a dropped foreign key
    std::vector<std::string> m_readded_here;  // constraints the statement being taken apart drops and keeps dropping
    bool m_unguarded_noted = false;  // the note on concurrent index work without lock_timeout is given
    std::set<std::string> m_joined_update_tables;  // tables of the kept UPDATEs that joined a migration
    std::map<std::size_t, std::size_t> m_chain_taken;  // a rename into a name vacated earlier -> the rename that vacated it
    // Statements between a DROP COLUMN and the ADD COLUMN that adds it back (that one included):
    // they run in the DROP's migration, as in the original, or the column is missing in between
    // for the writes that name it. Statement -> (table, the decline when they cannot).
    std::map<std::size_t, std::pair<std::string, std::string>> m_rejoin;
    std::size_t m_current = 0;  // the statement being composed
    std::size_t refused_before(std::size_t i, const AlterTableStmt* alter) const;
    std::vector<char> m_writes;  // per statement: it changes what the old release's writes do (find_write_changes)
    void find_write_changes();
    std::map<std::string, std::vector<std::size_t>> m_kept_updates;  // table_key -> UPDATEs kept as written, in order
    bool catch_up(const Finding& f, const std::string& check);
    void find_readded_columns();
};

// The line of a SET NOT NULL kept as written (it refuses the old release's inserts from then on)
// on another table before statement i, when `alter` changes a default of a table; 0 otherwise.
std::size_t Composer::refused_before(std::size_t i, const AlterTableStmt* alter) const {
    if (alter == nullptr || alter->relation == nullptr || pg::length(alter->cmds) == 0) return 0;
    bool default_changed = false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) default_changed = default_changed || cmd->subtype == AT_ColumnDefault;
    if (!default_changed) return 0;
    std::string table = table_key(pg::display_name(alter->relation));
    for (std::size_t j = 0; j < i && j < m_report.statements.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const auto* other = pg::as<AlterTableStmt>(j < m_stmts.size() ? m_stmts[j] : nullptr);
        if (m_survey.keep_not_null.count(j) > 0 && other != nullptr && other->relation != nullptr &&
            table_key(pg::display_name(other->relation)) != table) {
            return static_cast<std::size_t>(m_report.statements[j].span.start.line);
        }
    }
    return 0;
}

// Which statements change what the old release's writes do (changes_writes), in the file's
// order: a SET DEFAULT that repeats the default an earlier statement of the file gave the column
// (Sequelize's changeColumn restating it) changes nothing.
void Composer::find_write_changes() {
    m_writes.assign(m_report.statements.size(), 0);
    std::map<std::string, std::string> defaults;  // table_key '\x1f' column -> the subcommand that last set its default
    // The functions existing triggers run: replacing one changes what the old release's writes
    // do (lemmy's community_aggregates_subscriber_count began counting subscribers_local, which
    // the file's UPDATE had just filled: apart, the follows in between were counted by neither).
    std::set<std::string> trigger_functions;
    // Only for a file that replaces a function: the walk of every relation, per file, made a
    // chained run quadratic in its files.
    bool replaces = false;
    for (std::size_t i = 0; i < m_stmts.size() && !replaces; ++i) {
        const auto* f = pg::as<CreateFunctionStmt>(m_stmts[i]);
        replaces = f != nullptr && f->replace;
    }
    if (m_catalog != nullptr && replaces) {
        for (const auto& [name, rel] : m_catalog->relations()) {
            for (const auto& [trigger, function] : rel->triggers) trigger_functions.insert(function);
        }
    }
    for (std::size_t i = 0; i < m_report.statements.size() && i < m_stmts.size(); ++i) {
        if (const auto* f = pg::as<CreateFunctionStmt>(m_stmts[i]); f != nullptr && f->replace && pg::length(f->funcname) > 0 &&
                                                                    !(i < m_down.size() && m_down[i]) &&
                                                                    trigger_functions.count(std::string(pg::last_name(f->funcname))) > 0) {
            m_writes[i] = 1;
            continue;
        }
        if (i < m_down.size() && m_down[i]) continue;
        // A column type change on a table with triggers: the application's sessions that ran one
        // hold its plans for the old row type, and their next write fails ("type of parameter
        // does not match that when preparing the plan"). Changes of several such tables in
        // different migrations make those failures happen at moments the original has none
        // (crates.io's timezones: 20 tables, one migration each, differed under the oracle).
        const auto* alter = pg::as<AlterTableStmt>(m_stmts[i]);
        if (alter != nullptr && alter->relation != nullptr && m_catalog != nullptr) {
            const RelationInfo* rel = m_catalog->find(table_key(pg::display_name(alter->relation)));
            bool typed = false;
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) typed = typed || cmd->subtype == AT_AlterColumnType;
            if (typed && rel != nullptr && !rel->triggers.empty()) {
                m_writes[i] = 1;
                continue;
            }
        }
        if (!changes_writes(m_stmts[i], m_report.statements[i])) continue;
        if (alter == nullptr) {
            m_writes[i] = 1;
            continue;
        }
        std::size_t head_end = 0;
        std::vector<std::string> pieces = subcommand_texts(m_report.statements[i], alter, &head_end);
        const bool cut = static_cast<int>(pieces.size()) == pg::length(alter->cmds);
        std::size_t c = 0;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_ColumnDefault && cut) {
                std::string key = table_key(pg::display_name(alter->relation)) + '\x1f' + std::string(pg::text(cmd->name));
                std::string text = statement_key(pieces[c]);
                auto [at, fresh] = defaults.try_emplace(key, text);
                if (fresh || at->second != text) m_writes[i] = 1;
                at->second = text;
            } else if (cmd->subtype == AT_ColumnDefault || cmd->subtype == AT_DropColumn || changes_writes_subcommand(cmd->subtype)) {
                m_writes[i] = 1;
            }
            ++c;
        }
    }
    // A table made again under a name the file dropped: in another migration than the DROP the
    // table would be missing in between, and the old release's writes to it fail where the
    // original's never do (the newcomer's DROP TABLE events; CREATE TABLE events, split in two
    // and refused by the oracle). It goes with the DROP, as one more change of what the old
    // release's writes meet.
    {
        std::map<std::string, std::size_t> dropped;  // table key -> the DROP
        for (std::size_t i = 0; i < m_report.statements.size() && i < m_stmts.size(); ++i) {
            if (i < m_down.size() && m_down[i]) continue;
            if (const auto* drop = pg::as<DropStmt>(m_stmts[i]); drop != nullptr && drop->removeType == OBJECT_TABLE) {
                for (const List* items : pg::each<List>(drop->objects)) dropped[table_key(pg::qualified_name(items))] = i;
            } else if (const auto* create = pg::as<CreateStmt>(m_stmts[i]); create != nullptr && create->relation != nullptr) {
                auto it = dropped.find(table_key(pg::display_name(create->relation)));
                if (it == dropped.end()) continue;
                m_writes[it->second] = 1;
                m_writes[i] = 1;
            }
        }
    }
    // Rows the file inserts into a table whose writes a later statement changes (hmpps
    // V2024.07.31 inserts prison_regime rows, then drops a column the old release writes): the
    // original does both at once, so the old release's rows come before the file's or not at
    // all; in two migrations its rows written in between come after them (other serial ids).
    // The write runs with the change, as one of them.
    std::set<std::string> changed;  // table keys a later statement changes the writes of
    for (std::size_t i = std::min(m_report.statements.size(), m_stmts.size()); i-- > 0;) {
        if (i < m_down.size() && m_down[i]) continue;
        const pg::Node* node = m_stmts[i];
        if (m_writes[i]) {
            if (const auto* alter = pg::as<AlterTableStmt>(node); alter != nullptr && alter->relation != nullptr) {
                changed.insert(table_key(pg::display_name(alter->relation)));
            }
            continue;
        }
        // An UPDATE's rows keep their keys, and the plan's catch-up (check_after) takes the
        // old release's rows written after it: only inserted rows take their place among them.
        const RangeVar* target = pg::is<InsertStmt>(node) ? pg::as<InsertStmt>(node)->relation : nullptr;
        if (target == nullptr || changed.count(table_key(pg::display_name(target))) == 0) continue;
        const LockFact* lock = nullptr;
        for (const LockFact& l : m_report.statements[i].locks) {
            if (table_key(l.relation) == table_key(pg::display_name(target))) lock = &l;
        }
        if (lock != nullptr && !lock->is_new) m_writes[i] = 1;
    }
}

void Composer::find_readded_columns() {
    auto alter_of = [&](std::size_t i) -> const AlterTableStmt* {
        if (i < m_down.size() && m_down[i]) return nullptr;
        const auto* alter = pg::as<AlterTableStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        return alter != nullptr && alter->relation != nullptr ? alter : nullptr;
    };
    for (std::size_t i = 0; i < m_stmts.size(); ++i) {
        // A DO block that drops a constraint (supabase's guarded `ALTER TABLE ... DROP CONSTRAINT
        // IF EXISTS` in one): of each table it locks, as far as the plan can tell.
        if (pg::as<DoStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr) != nullptr && !(i < m_down.size() && m_down[i]) &&
            contains_ci(m_report.statements[i].sql, "DROP CONSTRAINT")) {
            for (const LockFact& lock : m_report.statements[i].locks) {
                if (lock.is_new || (lock.kind != "table" && lock.kind != "partitioned table")) continue;
                const std::string key = table_key(lock.relation);
                readded_check(i, lock.relation, "a constraint (in a DO block)",
                              [&](const RangeVar* rv) { return table_key(pg::display_name(rv)) == key; });
            }
            continue;
        }
        const AlterTableStmt* drop = alter_of(i);
        if (drop == nullptr) continue;
        std::string table = pg::display_name(drop->relation);
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(drop->cmds)) {
            if (cmd->subtype == AT_DropConstraint) {
                readded_check(i, table, quote_ident(pg::text(cmd->name)),
                              [&](const RangeVar* rv) { return same_relation(rv, drop->relation); }, std::string(pg::text(cmd->name)));
                continue;
            }
            if (cmd->subtype != AT_DropColumn) continue;
            std::string column(pg::text(cmd->name));
            for (std::size_t j = i + 1; j < m_stmts.size(); ++j) {
                const AlterTableStmt* add = alter_of(j);
                if (add == nullptr || table_key(pg::display_name(add->relation)) != table_key(table)) continue;
                bool adds = false;
                for (const AlterTableCmd* c : pg::each<AlterTableCmd>(add->cmds)) {
                    const auto* def = pg::as<ColumnDef>(c->def);
                    adds = adds || (c->subtype == AT_AddColumn && def != nullptr && pg::text(def->colname) == column);
                }
                if (!adds) continue;
                std::string decline = "lines " + std::to_string(m_report.statements[i].span.start.line) + " and " +
                                      std::to_string(m_report.statements[j].span.start.line) + " drop " + quote_ident(column) + " of " +
                                      table + " and add it back, and cannot share one migration here; in two, the writes that name "
                                      "it fail in between; by hand: keep them in one migration";
                for (std::size_t k = i + 1; k <= j; ++k) {
                    if (alter_of(k) != nullptr && table_key(pg::display_name(alter_of(k)->relation)) == table_key(table)) {
                        m_rejoin.emplace(k, std::make_pair(table, decline));
                    }
                }
                break;
            }
        }
    }
}

// A constraint dropped (line i) and a CHECK or FOREIGN KEY added to the same table later in the
// file (ente 92: DROP CONSTRAINT storage_bonus_type_check, then ADD it with one more value): the
// original replaces the rule at once; the plan adds the new one NOT VALID, and in a migration of
// its own the table would have no rule in between, so the old release could write rows the new
// one refuses and the VALIDATE fail. The NOT VALID runs in the drop's migration, or the plan is
// declined. (A unique key made again is keys_dropped_and_made's.)
void Composer::readded_check(std::size_t i, const std::string& table, const std::string& name,
                             const std::function<bool(const RangeVar*)>& same_table, const std::string& dropped) {
    // The statement that adds it back under its own name, when one does (trigger.dev's
    // 20240428150144: DROP the foreign key, SET NOT NULL, ADD the foreign key again: the SET NOT
    // NULL's CHECK is not what replaces it), else the first that adds a CHECK or a foreign key,
    // or SET NOT NULL (whose recipe is a CHECK ... NOT VALID first).
    std::size_t first = 0, named = 0;
    for (std::size_t j = i + 1; j < m_stmts.size() && named == 0; ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const auto* add = pg::as<AlterTableStmt>(m_stmts[j]);
        if (add == nullptr || add->relation == nullptr || !same_table(add->relation)) continue;
        bool adds = false;
        for (const AlterTableCmd* c : pg::each<AlterTableCmd>(add->cmds)) {
            const auto* con = pg::as<Constraint>(c->def);
            bool constraint = c->subtype == AT_AddConstraint && con != nullptr && (con->contype == CONSTR_CHECK || con->contype == CONSTR_FOREIGN);
            adds = adds || c->subtype == AT_SetNotNull || constraint;
            if (constraint && !dropped.empty() && pg::text(con->conname) == dropped) named = j;
        }
        if (adds && first == 0) first = j;
    }
    const std::size_t j = named != 0 ? named : first;
    if (j == 0) return;
    std::string decline = "line " + std::to_string(m_report.statements[i].span.start.line) + " drops " + name +
                          " of " + table + " and line " + std::to_string(m_report.statements[j].span.start.line) +
                          " adds a constraint in its place, and they cannot share one migration here; in two, the table "
                          "has no rule in between, the old release can write rows the new one refuses, and its VALIDATE "
                          "fails; by hand: drop the old constraint and add the new one NOT VALID in one migration, then "
                          "VALIDATE it";
    for (std::size_t k = i + 1; k <= j; ++k) {
        const auto* alter = pg::as<AlterTableStmt>(m_stmts[k]);
        if (alter != nullptr && alter->relation != nullptr && same_table(alter->relation)) {
            m_rejoin.emplace(k, std::make_pair(table, decline));
        }
    }
}

// An INSERT or UPDATE that reads a column which a later statement of the file drops (umami 15:
// copy website.share_id into share, then DROP COLUMN share_id) runs in the drop's migration, as
// in the original: in two, the old release's writes of the column in between are taken and then
// lost, where the original refused them. The reason to decline when the plan put them apart.
std::string Composer::copy_split_from_drop(const std::vector<PlanStep>& steps) const {
    auto step_of = [&](std::size_t i, bool last) -> long {
        std::string text = rules::trim(m_report.statements[i].sql);
        long found = -1;
        for (std::size_t k = 0; k < steps.size(); ++k) {
            if (!text.empty() && steps[k].sql.find(text) != std::string::npos) {
                found = static_cast<long>(k);
                if (!last) break;
            }
        }
        return found;
    };
    // What each INSERT and UPDATE reads, walked once: the tables it names, and the column names
    // it mentions ("*" for a star).
    struct Reads {
        std::size_t statement;
        std::set<std::string> tables, columns;
    };
    std::vector<Reads> reads;
    for (std::size_t i = 0; i < m_stmts.size(); ++i) {
        const pg::Node* node = m_stmts[i];
        if ((i < m_down.size() && m_down[i]) || !(pg::is<InsertStmt>(node) || pg::is<UpdateStmt>(node))) continue;
        Reads r{i, {}, {}};
        // An UPDATE's own table (the walk visits the tables it reads from, not its target).
        if (const auto* update = pg::as<UpdateStmt>(node); update != nullptr && update->relation != nullptr) {
            r.tables.insert(table_key(pg::display_name(update->relation)));
        }
        std::function<void(const pg::Node*)> walk = [&](const pg::Node* n) {
            if (n == nullptr) return;
            if (const auto* rv = pg::as<RangeVar>(n)) r.tables.insert(table_key(pg::display_name(rv)));
            if (const auto* ref = pg::as<ColumnRef>(n)) {
                const pg::Node* last = pg::last(ref->fields);
                if (pg::is<String>(last)) r.columns.insert(std::string(pg::text(last)));
                else if (pg::is<A_Star>(last)) r.columns.insert("*");
            }
            pg::each_child(n, walk);
        };
        walk(node);
        reads.push_back(std::move(r));
    }
    if (reads.empty()) return "";
    for (std::size_t j = 0; j < m_stmts.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const auto* alter = pg::as<AlterTableStmt>(m_stmts[j]);
        if (alter == nullptr || alter->relation == nullptr) continue;
        const std::string table = table_key(pg::display_name(alter->relation));
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype != AT_DropColumn) continue;
            const std::string column(pg::text(cmd->name));
            for (const Reads& r : reads) {
                const std::size_t i = r.statement;
                if (i >= j) break;
                if (!r.tables.contains(table) || !(r.columns.contains(column) || r.columns.contains("*"))) continue;
                long copy = step_of(i, false), dropped = step_of(j, true);
                if (copy >= 0 && copy == dropped) continue;
                return "line " + std::to_string(m_report.statements[i].span.start.line) + " reads " + quote_ident(column) + " of " +
                       pg::display_name(alter->relation) + " and line " + std::to_string(m_report.statements[j].span.start.line) +
                       " drops it, and the plan would run them in different migrations: the old release's writes of it in between "
                       "would be taken and then lost, where the original refuses them; by hand: keep the copy and the DROP COLUMN "
                       "in one migration (build or drop indexes CONCURRENTLY before it)";
            }
        }
    }
    return "";
}

void Composer::note(std::size_t i, const std::string& text) {
    std::string line = "line " + std::to_string(m_report.statements[i].span.start.line) + ": " + text;
    if (m_noted.insert(line).second) m_notes.push_back(line);
}

// Is `table` named by a statement after `i` (a DDL statement only, with `only_ddl`)? `which`
// gets the first one.
bool Composer::later_touches(std::size_t i, const std::string& table, bool only_ddl, std::size_t* which) const {
    for (std::size_t j = i + 1; j < m_report.statements.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const pg::Node* node = j < m_stmts.size() ? m_stmts[j] : nullptr;
        bool dml = pg::is<SelectStmt>(node) || pg::is<InsertStmt>(node) || pg::is<UpdateStmt>(node) || pg::is<DeleteStmt>(node);
        if (only_ddl && dml) continue;
        const auto& locks = m_report.statements[j].locks;
        if (std::any_of(locks.begin(), locks.end(), [&](const LockFact& l) { return table_key(l.relation) == table_key(table); })) {
            if (which != nullptr) *which = j;
            return true;
        }
    }
    return false;
}

// A finding whose safe form the plan does not take, with why in a note: the statement is kept as
// written (under the plan's lock_timeout). False for the others.
bool Composer::skip_finding(std::size_t i, const Finding& f) {
    const auto* alter = pg::as<AlterTableStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
    if (f.rule == "add-column-not-null-without-default") {
        // Kept as written, the plan runs only where the table is empty, and a rehearsal on empty
        // tables proves nothing of the deploy (issue #54: ente's subscriptions plan was called
        // proven so). pgfence cannot choose the value existing rows should get: no plan.
        if (m_declined.empty()) {
            std::string column = "...";
            if (alter != nullptr) {
                int sub = f.subcommand >= 0 ? f.subcommand : (pg::length(alter->cmds) == 1 ? 0 : -1);
                const auto* cmd = pg::as<AlterTableCmd>(pg::nth(alter->cmds, sub));
                if (const auto* def = cmd != nullptr ? pg::as<ColumnDef>(cmd->def) : nullptr) column = quote_ident(pg::text(def->colname)) + " ...";
            }
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) +
                         ": the migration fails on a table with rows: ADD COLUMN " + column + " NOT NULL without DEFAULT on " +
                         f.relation + ", and pgfence cannot choose the value existing rows get, so no plan is offered; "
                         "by hand: give the column a DEFAULT, or add it nullable, fill it, and make it NOT NULL after the release "
                         "that writes it";
        }
        return true;
    }
    if (f.rule == "set-not-null-scan" && m_survey.keep_not_null.count(i) > 0) {
        note(i, m_survey.keep_not_null[i]);
        return true;
    }
    if (alter != nullptr && (f.rule == "add-unique-without-index" || f.rule == "add-primary-key-without-index" ||
                             f.rule == "add-exclusion-constraint")) {
        int sub = f.subcommand >= 0 ? f.subcommand : (pg::length(alter->cmds) == 1 ? 0 : -1);
        const auto* cmd = pg::as<AlterTableCmd>(pg::nth(alter->cmds, sub));
        const auto* con = cmd != nullptr ? pg::as<Constraint>(cmd->def) : nullptr;
        if (con != nullptr && con->deferrable) {
            note(i, "the DEFERRABLE constraint is kept as written (under lock_timeout): it has no online form, as the unique "
                    "index built first would be checked at once and break transactions that swap values before they commit");
            return true;
        }
    }
    if (f.recipe && std::any_of(f.recipe->steps.begin(), f.recipe->steps.end(),
                                [](const RecipeStep& step) { return contains_ci(step.title, "to fill in"); })) {
        // A safe form with a blank to fill in by hand (a rule's template) cannot be run or
        // proven; the statement without it would not be safe either.
        if (m_declined.empty()) {
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + ": the safe form of " + f.rule +
                         " here is a template to fill in by hand (" + f.recipe->steps.front().title + "), so no plan is offered; "
                         "by hand: follow the finding's steps, and rehearse them with pgfence trace --plan";
        }
        return true;
    }
    if (f.rule == "detach-partition-without-concurrently" && f.recipe &&
        std::any_of(f.recipe->steps.begin(), f.recipe->steps.end(), [](const RecipeStep& step) { return !step.in_transaction; })) {
        // DETACH ... CONCURRENTLY adds a CHECK copying the bound to the partition (unless one is
        // there), which the plain DETACH does not: not the file's end state.
        if (m_declined.empty()) {
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) +
                         ": DETACH PARTITION ... CONCURRENTLY leaves on the partition a CHECK copying its bound, which the "
                         "plain DETACH does not, so no plan is offered; by hand: detach CONCURRENTLY in a migration outside a "
                         "transaction and drop that CHECK after it, or keep the DETACH with a short lock_timeout at a quiet time";
        }
        return true;
    }
    if (f.rule == "rename-column" && f.recipe) {
        // One view in place of a table per plan: a second would rename the table to <t>_base again.
        int line = m_report.statements[i].span.start.line;
        auto [view, first] = m_view_tables.try_emplace(table_key(f.relation), line);
        if (!first && m_declined.empty()) {
            m_declined = "lines " + std::to_string(view->second) + " and " + std::to_string(line) + " both rename a column of " +
                         f.relation + ", and the plan puts one view in place of a table at most; by hand, expand and contract: "
                         "add the new columns, write both, backfill, move the reads, drop the old columns in a later release";
        }
        std::size_t j = 0;
        if (later_touches(i, f.relation, true, &j) && m_declined.empty()) {
            m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + " renames a column of " + f.relation +
                         " and line " + std::to_string(m_report.statements[j].span.start.line) +
                         " changes that table again, which the view the plan would put in its place refuses; by hand, expand and "
                         "contract: add the new column, write both, backfill, move the reads, drop the old column in a later release";
        }
    }
    return false;
}

// A unique key the file drops and then makes again (hydra: DROP CONSTRAINT t_pkey, then a new
// primary key and CREATE UNIQUE INDEX on the old key's column) is one transaction in the
// original; the plan would drop the key in one migration and build the new one later, and the
// old release could insert duplicates in between that make the build fail. Declined.
void Composer::keys_dropped_and_made(std::size_t i) {
    note_dropped_keys(i);
    const StatementFacts& s = m_report.statements[i];
    const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
    std::string made = makes_unique(node);
    if (!made.empty() && !s.no_transaction_block && m_declined.empty()) {
        auto dropped = m_dropped_keys.find(table_key(made));
        if (dropped != m_dropped_keys.end()) {
            m_declined = "line " + std::to_string(dropped->second.first) + " drops " + dropped->second.second +
                         " of " + made + " (a primary key or unique constraint, as far as the plan can tell) and " +
                         (dropped->second.first == s.span.start.line ? std::string("makes")
                                                                      : "line " + std::to_string(s.span.start.line) + " makes") +
                         " a unique key on " + made + " again: the plan would build it in a later migration, and the old release could insert duplicates "
                         "in between that make it fail; by hand: build the new unique indexes CONCURRENTLY first, then drop "
                         "the old constraint and attach the new ones (ADD CONSTRAINT ... USING INDEX) in one migration";
        }
    }
    // A unique key on a table the file wrote before it (a clean-up of its duplicates, as far as
    // the plan can tell: harbor renames duplicate group names in a DO block, then adds UNIQUE):
    // the original makes the key right after the clean-up, in one transaction; the plan builds it
    // in a later migration, and duplicates the application writes in between make it fail.
    if (auto written = m_written_tables.find(table_key(made));
        !made.empty() && !s.no_transaction_block && m_declined.empty() && written != m_written_tables.end()) {
        m_declined = "line " + std::to_string(written->second) + " changes rows of " + made + " and line " +
                     std::to_string(s.span.start.line) + " then makes a unique key on it (a clean-up of duplicates, as far "
                     "as the plan can tell): the plan would build the key in a later migration, and duplicates the "
                     "application writes in between would make it fail; by hand: keep them in one migration under "
                     "lock_timeout, or stop the duplicates at their source and build the index CONCURRENTLY";
    }
    // Unique keys on two tables that exist: the original refuses the old release's duplicates in
    // both at once; the plan builds each CONCURRENTLY in migrations of its own, so in between a
    // duplicate is refused in one table and stored in the other, and a build that meets one fails
    // and leaves an INVALID unique index, which refuses writes until it is dropped. Declined.
    bool existing = std::any_of(s.locks.begin(), s.locks.end(), [&](const LockFact& l) {
        return l.kind == "table" && !l.is_new && table_key(l.relation) == table_key(made);
    });
    if (!made.empty() && existing && !s.no_transaction_block) {
        auto [first, fresh] = m_unique_tables.try_emplace(table_key(made), s.span.start.line);
        if (m_unique_tables.size() > 1 && fresh && m_declined.empty()) {
            const auto& other = *std::find_if(m_unique_tables.begin(), m_unique_tables.end(),
                                              [&](const auto& t) { return t.first != table_key(made); });
            m_declined = "lines " + std::to_string(other.second) + " and " + std::to_string(s.span.start.line) +
                         " make unique keys on two existing tables at once; the plan would build them CONCURRENTLY in "
                         "different migrations, so in between the old release's duplicate keys are refused in one table and "
                         "stored in the other, and a build that meets one fails and leaves an INVALID unique index that "
                         "refuses writes; by hand: check the tables hold no duplicates and the application writes none, then "
                         "build each index CONCURRENTLY and attach it (ADD CONSTRAINT ... USING INDEX)";
        }
    }
}

// The unique keys statement i may drop (m_dropped_keys), noted before its own new ones are
// checked: `ALTER TABLE t DROP CONSTRAINT t_email_key, ADD UNIQUE (email)` drops and makes in one.
void Composer::note_dropped_keys(std::size_t i) {
    const StatementFacts& s = m_report.statements[i];
    const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
    // DROP INDEX (a unique one, as far as the plan can tell), and a DO block that drops a
    // constraint or an index (supabase/auth drops users_email_key in one, then builds a partial
    // unique index): every table it locks may lose a unique key there.
    const auto* drop = pg::as<DropStmt>(node);
    bool drops_in_block = pg::as<DoStmt>(node) != nullptr &&
                          (contains_ci(s.sql, "DROP CONSTRAINT") || contains_ci(s.sql, "DROP INDEX"));
    if ((drop != nullptr && drop->removeType == OBJECT_INDEX) || drops_in_block) {
        for (const LockFact& lock : s.locks) {
            if (lock.kind != "table" && lock.kind != "partitioned table") continue;
            m_dropped_keys.try_emplace(table_key(lock.relation), s.span.start.line,
                                       drop != nullptr ? "an index" : "a constraint or index in the DO block");
        }
        return;
    }
    const auto* alter = pg::as<AlterTableStmt>(node);
    if (alter == nullptr || alter->relation == nullptr || drops_foreign_key(s, alter)) return;
    // A constraint the schema knows as a foreign key or a CHECK is not a unique key (documenso's
    // self-referencing Folder_parentId_fkey was named as the dropped key before the table's pkey).
    const std::string table = table_key(pg::display_name(alter->relation));
    const RelationInfo* rel = m_catalog != nullptr ? m_catalog->find(table) : nullptr;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype != AT_DropConstraint) continue;
        const std::string name(pg::text(cmd->name));
        if (rel != nullptr && (rel->foreign_keys.count(name) > 0 || rel->checks.count(name) > 0 || rel->not_null_checks.count(name) > 0)) {
            continue;
        }
        m_dropped_keys.try_emplace(table, s.span.start.line, quote_ident(name));
    }
}

// The primary key a batched UPDATE of `table` (statement i) walks, from the catalog, into
// `key`; "" then, else why there is none. Never a guessed column: without history defining the
// key, for a table without one, or one whose key the file itself changes, there is no walk.
std::string Composer::walk_key(std::size_t i, const std::string& table, std::vector<plan_walk::KeyColumn>& key) const {
    std::string unknown = "the primary key of " + table + " is not known (no history defines it, or the table has none), and a "
                          "batched walk needs it";
    const RelationInfo* rel = m_catalog != nullptr ? m_catalog->find(table_key(table)) : nullptr;
    if (rel == nullptr || rel->primary_key.empty()) return unknown;
    for (const auto& name : rel->primary_key) {
        auto at = rel->column_index.find(name);
        if (at == rel->column_index.end() || at->second >= rel->columns.size() || rel->columns[at->second].type.empty()) return unknown;
        key.push_back({name, rel->columns[at->second].type});
    }
    // The key as the file leaves it is the key the UPDATE saw unless the file changes it.
    for (std::size_t j = 0; j < m_report.statements.size(); ++j) {
        if (j < m_down.size() && m_down[j]) continue;
        const pg::Node* node = j < m_stmts.size() ? m_stmts[j] : nullptr;
        bool changes = false;
        if (const auto* rename = pg::as<RenameStmt>(node)) {
            changes = rename->relation != nullptr && table_key(pg::display_name(rename->relation)) == table_key(table);
        } else if (const auto* alter = pg::as<AlterTableStmt>(node); alter != nullptr && alter->relation != nullptr &&
                                                                     table_key(pg::display_name(alter->relation)) == table_key(table)) {
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                const auto* con = pg::as<Constraint>(cmd->def);
                changes = changes || cmd->subtype == AT_DropConstraint || cmd->subtype == AT_AlterColumnType ||
                          cmd->subtype == AT_DropColumn || (cmd->subtype == AT_AddConstraint && con != nullptr && con->contype == CONSTR_PRIMARY);
            }
        }
        if (changes) {
            key.clear();
            return "line " + std::to_string(m_report.statements[j].span.start.line) + " changes " + table +
                   " in a way that may change its primary key, so the key a batched walk would use is not certain";
        }
    }
    const auto* update = pg::as<UpdateStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
    if (plan_walk::keyset_walk(m_report.statements[i].sql, update, key).empty()) {
        key.clear();
        return "its text cannot be cut at its WHERE for a batched walk";
    }
    return {};
}

// Why an UPDATE of every row of `table` cannot become a new column's DEFAULT, "" when it can: a
// DEFAULT fills the rows without firing triggers or rules, and fills children's rows too, so the
// catalog must know the table and that it has none of these.
std::string Composer::fold_blocker(const std::string& table) const {
    const RelationInfo* rel = m_catalog != nullptr ? m_catalog->find(table_key(table)) : nullptr;
    if (rel == nullptr || rel->kind != "table") return "no history defines " + table + " as a plain table";
    if (!rel->children.empty() || !rel->parent.empty()) return table + " has partitions or inheritance children or parents";
    if (!rel->triggers.empty() || !rel->rules.empty()) return table + " has triggers or rules, which the UPDATE fires";
    bool fires = std::any_of(rel->attached.begin(), rel->attached.end(), [](const AttachedFunction& f) {
        return !f.trigger.empty() || (f.events & AttachedFunction::Update) != 0;
    });
    if (fires) return table + " runs functions when updated";
    return {};
}

void Composer::survey() {
    m_survey = plan_survey::survey(m_report, m_stmts, m_down, m_by_statement, [this](std::size_t i, const std::string& table) {
        std::vector<plan_walk::KeyColumn> key;
        return walk_key(i, table, key);
    }, [this](std::size_t, const std::string& table) { return fold_blocker(table); });
    for (const auto& [i, text] : m_survey.notes) note(i, text);
}

void Composer::statement(std::size_t i) {
    const StatementFacts& s = m_report.statements[i];
    const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
    if (s.status == StatementStatus::Unknown && (s.unanalysable || node == nullptr)) {
        // An ORM call whose SQL is only known at run time has no text to copy: nothing the plan
        // could prove.
        if (m_declined.empty()) {
            m_declined = "line " + std::to_string(s.span.start.line) + ": its SQL is only known at run time, so no plan can "
                         "be shown to do what it does; split the file by hand around it";
        }
        return;
    }
    if (s.status == StatementStatus::Unknown) {
        // SQL whose effect pgfence cannot see (a function that builds its SQL, such as one creating
        // today's partition): it runs as written where the file runs it, and nothing the plan
        // stages for later (a backfill, a validation, a later release) may move across it.
        const std::string line = "line " + std::to_string(s.span.start.line);
        note(i, s.tag + " builds its SQL at run time; the plan runs it as written, in its place");
        bool moved = !m_backfill.empty() || !m_settle.empty() || !m_validate.empty() || !m_finish.empty() || !m_later.empty();
        if (moved && m_declined.empty()) {
            m_declined = line + ": " + s.tag + " builds its SQL at run time, and the plan would run work of the statements before it "
                         "(a backfill, a validation or a later release) after it; by hand: keep the file's order, or move that "
                         "statement to a migration of its own";
        }
        m_unknown_line = s.span.start.line;
        m_before_at_unknown = m_before.size();
        Unit u{with_semicolon(s.sql), !s.no_transaction_block, strong_table(s)};
        u.writes = i < m_writes.size() && m_writes[i] != 0;
        u.line = s.span.start.line;
        push_unit(m_now, std::move(u));
        return;
    }
    if (node != nullptr && pg::as<TransactionStmt>(node) != nullptr) return;
    if (const auto* set = pg::as<VariableSetStmt>(node)) {
        std::string name(pg::text(set->name));
        if (name.empty()) name = "(all)";
        if (!m_statement_span) {
            // The first and last statements of the file that are not SETs or BEGIN/COMMIT, found once.
            auto statement_at = [&](std::size_t j) {
                const pg::Node* n = m_stmts[j];
                return n != nullptr && !(j < m_down.size() && m_down[j]) && !pg::is<VariableSetStmt>(n) && !pg::is<TransactionStmt>(n);
            };
            std::pair<std::size_t, std::size_t> span{m_stmts.size(), 0};
            for (std::size_t j = 0; j < m_stmts.size(); ++j) {
                if (!statement_at(j)) continue;
                span.first = std::min(span.first, j);
                span.second = j;
            }
            m_statement_span = span;
        }
        const bool before = m_statement_span->first < i;
        const bool after = m_statement_span->first < m_stmts.size() && m_statement_span->second > i;
        if (!after) {
            // After the file's last statement. A RESET (a closing RESET lock_timeout, RESET ALL)
            // puts back what the connection had: every migration of the plan ends with it. A SET
            // is left for the tool's next migrations, and every migration of the plan but the
            // last would leave it for the plan's own next one (a statement_timeout its CREATE
            // INDEX CONCURRENTLY would hit, a role that does not own the table): declined.
            if (set->kind == VAR_RESET || set->kind == VAR_RESET_ALL) {
                m_trailing[name] = with_semicolon(s.sql);
            } else if (m_declined.empty()) {
                m_declined = "line " + std::to_string(s.span.start.line) + " sets " + name +
                             " after the file's last statement, for the migrations after it; the plan's migrations would "
                             "run under it too; by hand: move it to the next migration, or to the start of this one";
            }
            return;
        }
        // The file's SETs start every migration of the plan: one that changes search_path after
        // statements that name relations would change what they name.
        if (name == "search_path" || set->kind == VAR_RESET_ALL) {
            if (m_search_path_line == 0) m_search_path_line = s.span.start.line;
            if (m_declined.empty() && before) {
                m_declined = "line " + std::to_string(s.span.start.line) + " changes search_path after statements that name relations; the "
                             "plan starts each migration with the file's SETs, which would change what those statements name";
            }
        }
        std::string text = with_semicolon(s.sql);
        auto current = m_settings.find(name);
        bool same = set->kind == VAR_RESET_ALL ? m_settings.empty() : current != m_settings.end() && current->second == text;
        if (before && !same && m_declined.empty()) {
            // The plan starts each migration with the file's settings: one changed between
            // statements would reach the statements before it too.
            m_declined = "line " + std::to_string(s.span.start.line) + " changes " + name +
                         " between statements, and the plan starts each migration with the file's settings, so the "
                         "statements before it would run under the new value; by hand: keep one value for the whole file, "
                         "or split the file where it changes";
        }
        if (set->kind == VAR_RESET_ALL) m_settings.clear();
        else m_settings[name] = std::move(text);
        return;
    }
    if (depends_on_later_drop(node) && !m_later.empty()) {
        // A table dropped earlier in the file is dropped in a later release by the plan; what it
        // may depend on (its column's type, a function its default or trigger calls, a sequence)
        // is dropped after it there, in the file's order, or the DROP would fail on it.
        note(i, "dropped after the table the plan drops in a later release, as in the file, since that table may depend on it");
        Unit u;
        u.sql = with_semicolon(s.sql);
        u.transaction = !s.no_transaction_block;
        u.table = strong_table(s);
        m_later.push_back(std::move(u));
        return;
    }
    if (m_survey.absorbed.count(i) > 0) {
        for (const Finding* f : m_by_statement[i]) m_replaced.insert(f->rule);
        return;  // the folded ADD COLUMN ... NOT NULL does it
    }
    keys_dropped_and_made(i);
    UpdateWay way = i < m_survey.update_way.size() ? m_survey.update_way[i] : UpdateWay::none;
    auto instant = m_survey.instant.find(i);
    if (way == UpdateWay::folded || way == UpdateWay::keep || instant != m_survey.instant.end()) {
        for (const Finding* f : m_by_statement[i]) {
            if (role_of(f->rule) == Role::structural || (way == UpdateWay::folded && batching_rule(f->rule))) m_replaced.insert(f->rule);
        }
        if (way == UpdateWay::folded) return;  // its ADD COLUMN does what it did
        for (const Finding* f : m_by_statement[i]) {
            if (batching_rule(f->rule)) m_kept_rules.insert(f->rule);
        }
        Unit u{instant != m_survey.instant.end() ? instant->second : with_semicolon(s.sql), true, strong_table(s)};
        u.exclusive = instant != m_survey.instant.end();
        // An UPDATE kept whole: a migration of its own, so its row locks end when it commits.
        // One that fills a column kept NOT NULL as written: with what came before it and after it.
        u.joins = m_survey.update_joins.count(i) > 0;
        if (u.joins) {
            u.join_table = pg::display_name(pg::as<UpdateStmt>(node)->relation);
            u.join_decline = not_null_decline(i);
        }
        u.alone = u.ends = way == UpdateWay::keep && !u.joins;
        u.kept_update = u.alone;
        u.line = s.span.start.line;
        if (u.alone) m_kept_updates[table_key(pg::display_name(pg::as<UpdateStmt>(node)->relation))].push_back(i);
        if (u.joins) {
            m_joined_update_tables.insert(pg::display_name(pg::as<UpdateStmt>(node)->relation));
            // What the original's transaction raises, its copy raises too: kept, not resolved.
            for (const char* rule : {"statement-after-access-exclusive", "work-under-held-lock", "lock-upgrade-in-transaction"}) {
                m_kept_rules.insert(rule);
            }
        }
        unit(std::move(u));
        return;
    }
    m_walk.clear();
    if (way == UpdateWay::batch) {
        m_batched.insert(pg::display_name(pg::as<UpdateStmt>(node)->relation));
        for (const ResTarget* set : pg::each<ResTarget>(pg::as<UpdateStmt>(node)->targetList)) {
            std::string column = pg::display_name(pg::as<UpdateStmt>(node)->relation) + "." + quote_ident(pg::text(set->name));
            if (std::find(m_backfilled.begin(), m_backfilled.end(), column) == m_backfilled.end()) m_backfilled.push_back(column);
        }
        std::vector<plan_walk::KeyColumn> key;
        if (walk_key(i, pg::display_name(pg::as<UpdateStmt>(node)->relation), key).empty()) {
            m_walk = plan_walk::keyset_walk(s.sql, pg::as<UpdateStmt>(node), key);
        }
    }
    // The findings on it that carry a safe form, best first per subcommand.
    std::map<int, const Finding*> chosen;  // subcommand (-1: the statement) -> finding
    std::vector<const Finding*> additions;
    for (const Finding* finding : m_by_statement[i]) {
        const Finding& f = *finding;
        Role role = role_of(f.rule);
        if (role == Role::structural) {
            m_replaced.insert(f.rule);
            continue;
        }
        if (!f.recipe || f.recipe->steps.empty()) continue;
        if (skip_finding(i, f)) {
            m_kept_rules.insert(f.rule);
            continue;
        }
        if (role == Role::add) {
            // An index the file does not build would change the schema it leaves (docs/plans.md:
            // the same end state), so the plan does not add it; the finding keeps its advice.
            m_notes.push_back("line " + std::to_string(s.span.start.line) + ": " + f.rule +
                              ": the plan does not add the index (it would leave a schema the file does not); "
                              "add it in a migration of its own if you want it");
            continue;
        }
        const Finding*& best = chosen[f.subcommand];
        if (best == nullptr || f.risk > best->risk) best = &f;
    }
    const auto* alter = pg::as<AlterTableStmt>(node);
    bool per_subcommand = alter != nullptr && pg::length(alter->cmds) > 1 && !chosen.empty() && chosen.count(-1) == 0;
    std::vector<std::string> pieces;
    std::size_t head_end = 0;
    if (per_subcommand) pieces = subcommand_texts(s, alter, &head_end);
    if (per_subcommand && pieces.empty()) {
        // The text could not be cut: keep the statement, and say which safe forms are missing.
        m_notes.push_back("line " + std::to_string(s.span.start.line) +
                          ": its subcommands could not be separated; the plan keeps the statement as written");
        chosen.clear();
    }
    if (chosen.empty()) {
        if (const auto* update = pg::as<UpdateStmt>(node); update != nullptr && update->relation != nullptr) {
            m_kept_updates[table_key(pg::display_name(update->relation))].push_back(i);
        }
        Unit u{with_semicolon(s.sql), !s.no_transaction_block, strong_table(s)};
        u.ends = s.tag == "ALTER TYPE" && contains_ci(s.sql, "ADD VALUE");
        const LockFact* strongest = s.strongest_lock();
        u.exclusive = strongest != nullptr && !strongest->is_new && strongest->mode == LockMode::AccessExclusive;
        u.lockless = std::all_of(s.locks.begin(), s.locks.end(), [](const LockFact& l) { return l.is_new; });
        u.alone = u.ends;
        // A SET NOT NULL kept as written refuses the old release's inserts from then on.
        u.writes = (i < m_writes.size() && m_writes[i] != 0) || m_survey.keep_not_null.count(i) > 0;
        u.line = s.span.start.line;
        // SET NOT NULL right after the UPDATE that fills the column: in its transaction, as in
        // the original, or rows the old release inserts in between would make it fail.
        const auto* alter_here = pg::as<AlterTableStmt>(node);
        if (m_survey.keep_not_null.count(i) > 0 && alter_here != nullptr &&
            m_joined_update_tables.count(pg::display_name(alter_here->relation)) > 0) {
            u.joins = true;
            u.join_table = pg::display_name(alter_here->relation);
            u.join_decline = not_null_decline(i);
        }
        // A fill other than a plain UPDATE (a DO-block loop, an upsert) of a column kept NOT NULL
        // as written: with the ADD COLUMN and the SET NOT NULL, or declined (plan_fills.hpp).
        if (std::string filled = plan_fills::fills_kept_not_null(m_report.statements, m_stmts, i, m_survey.keep_not_null);
            !filled.empty() && !u.joins) {
            u.joins = true;
            u.join_table = filled;
            u.join_decline = not_null_decline(i);
            m_joined_update_tables.insert(filled);
            for (const char* rule : {"statement-after-access-exclusive", "work-under-held-lock", "lock-upgrade-in-transaction"}) {
                m_kept_rules.insert(rule);
            }
        }
        // A rename into a name an earlier rename gave up runs in that rename's migration: split, code
        // between the two would miss the name, or read the wrong object under it.
        if (auto chain = m_chain_taken.find(i); chain != m_chain_taken.end() && !u.joins) {
            const StatementFacts& first = m_report.statements[chain->second];
            std::string held = strong_table(first);
            if (!held.empty()) {
                u.joins = true;
                u.join_table = held;
                u.join_decline = "line " + std::to_string(s.span.start.line) + " renames into the name that line " +
                                 std::to_string(first.span.start.line) + " gave up, and the plan would run the two "
                                 "renames in different migrations; splitting them does not make the rename safe (see "
                                 "rename-column and rename-table): reuse the name in a later release instead";
            }
        }
        // Work on a table an earlier statement of the transaction proved empty is instant only
        // while that transaction holds its lock: it runs in the migration that holds it, or the
        // plan is declined (in a later migration the table can have rows again).
        for (const LockFact& l : s.locks) {
            if (!l.empty || u.joins || !has_empty_table_note(s, l.relation)) continue;
            u.joins = true;
            u.join_table = l.relation;
            u.join_decline = "line " + std::to_string(s.span.start.line) + " works on " + l.relation +
                             ", which an earlier statement of its transaction proved empty, and the plan would run it in "
                             "another migration, where the table can have rows again: keep them in one transaction by hand";
        }
        bool drop_fk = alter_here != nullptr && pg::length(alter_here->cmds) == 1 && drops_foreign_key(s, alter_here);
        if (drop_fk) {
            note(i, "dropping the foreign key is kept as written (under lock_timeout): it locks both tables and has no online form");
            u.table = pg::display_name(alter_here->relation);  // the table it alters, of the two it locks
        }
        if (std::size_t before = refused_before(i, alter_here); before > 0 && m_declined.empty()) {
            // The original changes both at once. Apart, some position of the plan refuses the old
            // release's inserts there while still storing the old default here; moved first, the
            // statements between would read what the old release writes in between (an UPDATE
            // filling the column from another table): no split matches any position of the original.
            m_declined = "line " + std::to_string(s.span.start.line) + " changes a default of " + pg::display_name(alter_here->relation) +
                         " after the SET NOT NULL of line " + std::to_string(before) + " refuses the old release's inserts into "
                         "another table; in separate migrations the old release's rows get the old default after its inserts "
                         "there fail; by hand: keep them in one migration, or change the default in a release of its own first";
        }
        unit(std::move(u));
        if (drop_fk) m_dropped_fk = {m_now.size(), pg::display_name(alter_here->relation)};
    } else {
        if (per_subcommand) {
            std::string rest;
            for (std::size_t c = 0; c < pieces.size(); ++c) {
                if (chosen.count(static_cast<int>(c)) == 0) rest += (rest.empty() ? "" : ",\n    ") + pieces[c];
            }
            if (!rest.empty()) {
                Unit u{rules::trim(std::string_view(s.sql).substr(0, head_end)) + " " + rest + ";", true, strong_table(s)};
                u.exclusive = true;
                // What the statement changes in the old release's writes (a DROP DEFAULT beside
                // an ADD COLUMN whose foreign key the plan takes apart) stays in these subcommands:
                // openmeter's two DROP DEFAULTs of one file had run ten migrations apart.
                u.writes = i < m_writes.size() && m_writes[i] != 0;
                u.line = s.span.start.line;
                unit(std::move(u));
            }
        }
        // A constraint the kept subcommands drop and a taken-apart one adds again under its name
        // (lemmy's modlog_check, widened in one ALTER): its NOT VALID form joins the drop's
        // migration, or the table has no check in between and the VALIDATE meets bad rows.
        m_readded_here.clear();
        if (per_subcommand) {
            int c = 0;
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                if (cmd->subtype == AT_DropConstraint && cmd->name != nullptr && chosen.count(c) == 0) m_readded_here.emplace_back(cmd->name);
                ++c;
            }
        }
        for (const auto& [sub, f] : chosen) recipe(*f);
        m_readded_here.clear();
    }
    for (const Finding* f : additions) recipe(*f);
}

// The UPDATEs of f's table kept as written, again for the rows that fail `check`, each a
// migration of its own after the NOT VALID: the old release may have written such rows since
// the UPDATE ran (the original refuses them from the start; the plan from the NOT VALID on), and
// the VALIDATE would fail on them. False (the plan declined) when an UPDATE cannot be cut so.
bool Composer::catch_up(const Finding& f, const std::string& check) {
    auto kept = m_kept_updates.find(table_key(f.relation));
    if (kept == m_kept_updates.end()) return true;
    for (std::size_t i : kept->second) {
        const auto* update = pg::as<UpdateStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        std::string sql = plan_walk::violators_only(m_report.statements[i].sql, update, check);
        if (sql.empty()) {
            if (m_declined.empty()) {
                m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + " updates " + f.relation +
                             " before a CHECK the plan validates later, and cannot be run again for the rows the old release "
                             "writes in between; by hand: add the CHECK NOT VALID, run the UPDATE again, then VALIDATE";
            }
            return false;
        }
        // The second run comes after the rest of the file: an object it uses that the file
        // drops or renames after it (openmeter's UPDATE ... nextval('tmp_seq'), then DROP
        // SEQUENCE tmp_seq) would be gone.
        for (std::size_t j = i + 1; j < m_stmts.size(); ++j) {
            if (!removes_or_renames(m_stmts[j])) continue;
            if (m_declined.empty()) {
                m_declined = "line " + std::to_string(m_report.statements[i].span.start.line) + " updates " + f.relation +
                             " before a CHECK the plan validates later, and its second run for the rows the old release writes "
                             "in between would come after line " + std::to_string(m_report.statements[j].span.start.line) +
                             " drops or renames what it may use; by hand: add the CHECK NOT VALID, run the UPDATE again, "
                             "then VALIDATE, before that line";
            }
            return false;
        }
        Unit u;
        u.sql = "-- Again for the rows written since line " + std::to_string(m_report.statements[i].span.start.line) +
                " ran that the CHECK refuses (the old release's, before the NOT VALID):\n" + sql;
        u.table = f.relation;
        u.alone = true;
        m_settle.push_back(std::move(u));
    }
    if (!kept->second.empty()) {
        m_notes.push_back("the UPDATE of " + f.relation + " runs again after the CHECK is added NOT VALID, for the rows the old "
                          "release wrote in between that the CHECK refuses, so the VALIDATE finds none");
    }
    return true;
}

void Composer::recipe(const Finding& f) {
    std::vector<RecipeStep> steps = plan_steps(*f.recipe);
    std::vector<Stage> stages = stages_of(steps);
    bool whole = stages.empty();
    // Not when an earlier statement of the file reads or writes that table's rows (a copy out of
    // it before the DROP): the old release must have stopped writing it before the copy runs.
    bool touched_before = false;
    for (std::size_t j = 0; j < m_current && j < m_report.statements.size() && !f.relation.empty(); ++j) {
        for (const LockFact& l : m_report.statements[j].locks) {
            // A read or a write of its rows (ACCESS SHARE to ROW EXCLUSIVE), not DDL on it
            // (documenso drops Banner's foreign key first).
            touched_before = touched_before || (table_key(l.relation) == table_key(f.relation) && l.mode <= LockMode::RowExclusive);
        }
    }
    const bool released_later = !touched_before && std::find(stages.begin(), stages.end(), Stage::later) != stages.end();
    // A CHECK (or SET NOT NULL's) split off after the file filled the table some other way than an
    // UPDATE (an upsert, a DO block, a data-modifying WITH, a DELETE of the rows that fail it): the
    // plan runs the fill again only for an UPDATE, so what the old release writes in between
    // makes the VALIDATE fail (red team: INSERT ... ON CONFLICT DO UPDATE SET email, then SET NOT
    // NULL; the original, one transaction, succeeds). Declined.
    if (!whole && m_join_failed.empty() && (f.rule == "set-not-null-scan" || f.rule == "add-check-without-not-valid")) {
        for (std::size_t j = 0; j < m_current && j < m_report.statements.size() && j < m_stmts.size(); ++j) {
            if (j < m_down.size() && m_down[j]) continue;
            const pg::Node* node = m_stmts[j];
            const auto* update = pg::as<UpdateStmt>(node);
            const auto* insert = pg::as<InsertStmt>(node);
            if ((update != nullptr && update->withClause == nullptr) ||
                (insert != nullptr && insert->onConflictClause == nullptr && insert->withClause == nullptr)) {
                continue;
            }
            bool writes_it = std::any_of(m_report.statements[j].locks.begin(), m_report.statements[j].locks.end(), [&](const LockFact& l) {
                return table_key(l.relation) == table_key(f.relation) && l.mode == LockMode::RowExclusive && !l.is_new;
            });
            // A DO block the lock model could not read, that names the table and writes rows.
            if (!writes_it && pg::is<DoStmt>(node) && m_report.statements[j].status != StatementStatus::Analyzed) {
                std::string bare = f.relation.substr(f.relation.rfind('.') == std::string::npos ? 0 : f.relation.rfind('.') + 1);
                std::erase(bare, '"');
                std::string body = without_comments(m_report.statements[j].sql);
                writes_it = has_word(body, bare) && (has_word(body, "UPDATE") || has_word(body, "INSERT") || has_word(body, "DELETE"));
            }
            if (!writes_it) continue;
            m_join_failed = "line " + std::to_string(m_report.statements[j].span.start.line) + " writes rows of " + f.relation +
                            " otherwise than by an UPDATE (an upsert, a DO block, a data-modifying WITH, a DELETE), and the plan "
                            "would add the CHECK in a later migration with nothing to fill again what the old release writes "
                            "in between, which would make the VALIDATE fail; by hand: keep them in one migration, with lock_timeout";
            break;
        }
    }
    m_replaced.insert(f.rule);
    std::optional<Stage> previous;
    std::string check;  // the expression of the recipe's CHECK ... NOT VALID, parentheses included
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const RecipeStep& step = steps[k];
        Stage stage = whole ? Stage::now : stages[k];
        if (stage == Stage::skip) continue;
        Unit u{local_timeout(with_semicolon(drop_others_note(step.sql)), step.in_transaction, step.timeout_guard),
               step.in_transaction, f.relation};
        u.session_timeout = step.timeout_guard && !in_transaction(step.in_transaction);
        std::string body = without_comments(u.sql);
        if (std::size_t at = rules::find_keyword(body, 0, body.size(), "CHECK");
            at != std::string::npos && contains_ci(body, "NOT VALID") && contains_ci(body, "ADD CONSTRAINT")) {
            rules::Range group = rules::group_at(body, at);
            if (group.found() && group.end > group.begin) check = body.substr(group.begin, group.end - group.begin);
        }
        // Before the VALIDATE of a CHECK: the rows the old release wrote between an UPDATE kept
        // as written and the NOT VALID (which refuses them from then on) get the UPDATE again.
        if (stage == Stage::validate && only_validates(u.sql) && !check.empty() && !catch_up(f, check)) return;
        // A batched backfill: the runnable walk on the table's real key, not the rule's template.
        if (stage == Stage::backfill && plan_survey::batching_rule(f.rule) && !m_walk.empty()) u.sql = m_walk;
        // A statement an earlier recipe (or the file) already has in the plan runs once: the
        // second ADD CONSTRAINT or DROP CONSTRAINT of the same name would fail.
        if (executable(u.sql)) {
            u.sql = without_repeats(u.sql, m_seen);
            if (!executable(u.sql)) continue;
        }
        // The strongest lock of a recipe step is not known here: an ALTER TABLE or a RENAME may
        // take ACCESS EXCLUSIVE; a VALIDATE or an index build does not.
        u.exclusive = !only_validates(u.sql) && (contains_ci(without_comments(u.sql), "ALTER TABLE") ||
                                                 contains_ci(without_comments(u.sql), "LOCK TABLE"));
        // CHECKs only: a foreign key's NOT VALID also locks the table it references, which a
        // CHECK on that table after it in one migration would upgrade; and the application writes
        // references that exist.
        u.refuses = u.exclusive && u.transaction && contains_ci(body, "ADD CONSTRAINT") && contains_ci(body, "NOT VALID") &&
                    !check.empty() && !contains_ci(body, "REFERENCES");
        // A CHECK on a table whose backfill the plan batches comes after that backfill: added
        // before it, it would refuse the old release's writes to rows the walk has not reached.
        if (!whole && stage == Stage::now && m_batched.count(f.relation) > 0 && contains_ci(u.sql, "CHECK") &&
            contains_ci(u.sql, "NOT VALID")) {
            stage = Stage::settle;
        }
        if (!executable(u.sql) && stage != Stage::backfill && stage != Stage::before) {
            // A step of advice only (per-partition work to fill in): out of band, after the
            // quick steps it builds on.
            stage = Stage::backfill;
        }
        // A recipe's own step boundaries stand: its next step in the same stage starts a
        // migration. Its first step may join the migration before it (the grouping decides).
        u.alone = previous == stage;
        // A foreign key added again right after the file dropped one: NOT VALID in the drop's
        // transaction, or the old release could write rows in between that the VALIDATE refuses.
        if (!previous && stage == Stage::now && f.rule == "add-foreign-key-without-not-valid" &&
            m_dropped_fk.first == m_now.size() && m_dropped_fk.second == f.relation) {
            u.joins = true;
            u.join_table = f.relation;
            u.join_decline = "the foreign key on " + f.relation + " dropped and added again cannot share one migration here, and "
                             "in two the old release could write rows in between that the new one refuses; by hand: add the new "
                             "foreign key NOT VALID under another name, drop the old one, then VALIDATE and rename it";
            m_notes.push_back("the foreign key added again after the dropped one is added NOT VALID in the same migration, "
                              "so no row goes unchecked in between");
        }
        if (!previous && stage == Stage::now && !m_readded_here.empty() && !u.joins &&
            std::any_of(m_readded_here.begin(), m_readded_here.end(), [&](const std::string& n) {
                return has_word(without_comments(u.sql), n) && contains_ci(u.sql, "ADD CONSTRAINT");
            })) {
            u.joins = true;
            u.join_table = f.relation;
            u.join_decline = "the constraint " + m_readded_here.front() + " on " + f.relation + " is dropped and added again in one "
                             "statement, and the plan cannot add it back in the drop's migration: in between, the old release "
                             "could write rows it refuses and the VALIDATE would fail; by hand: keep the statement whole, with "
                             "lock_timeout";
            m_notes.push_back("the constraint dropped and added again is added NOT VALID in the drop's migration, so no row goes "
                              "unchecked in between");
        }
        // Tables the file drops at once go at once: dropped one a migration, the old release's
        // writes to one still succeed after another is gone (trigger.dev's remove_v2_round_6
        // dropped five tables; apart, rows written to JobRun after the first DROP were taken, then
        // lost with the table, where the original refused them). Like any change to what the
        // old release's writes do, they share a migration (group).
        if (stage == Stage::later && f.rule == "drop-table") {
            u.writes = true;
            u.line = m_current < m_report.statements.size() ? m_report.statements[m_current].span.start.line : 0;
        }
        previous = stage;
        switch (stage) {
            case Stage::before:
                // A release before the migrations must not precede what its code needs (plan_releases.hpp).
                if (!released_later && m_declined.empty()) {
                    m_declined = plan_releases::release_first_conflict(m_report.statements, m_stmts, f.relation, m_current);
                }
                push_unit(released_later ? m_release : m_before, std::move(u));
                break;
            case Stage::now:
                rejoin(u);
                push_unit(m_now, std::move(u));
                break;
            case Stage::backfill: push_unit(m_backfill, std::move(u)); break;
            case Stage::settle: push_unit(m_settle, std::move(u)); break;
            case Stage::validate: push_unit(m_validate, std::move(u)); break;
            case Stage::finish: push_unit(m_finish, std::move(u)); break;
            case Stage::later: push_unit(m_later, std::move(u)); break;
            case Stage::skip: break;
        }
    }
}

std::string Composer::prefix(bool outside) const {
    std::string out;
    for (const auto& [name, sql] : m_settings) {
        if (outside && name != "lock_timeout") continue;
        if (name == "lock_timeout" && !in_transaction(!outside) && local_file_timeout()) {
            // `BEGIN; SET LOCAL lock_timeout ...` in the file, and this step in no transaction
            // (a CREATE INDEX CONCURRENTLY out of it): the same value for the session, put back
            // at the step's end, rather than a SET LOCAL that holds for nothing.
            std::string session = sql;
            if (std::size_t local = rules::find_keyword(session, 0, session.size(), "LOCAL"); local != std::string::npos) {
                session.erase(local, session.find_first_not_of(" \t\n", local + 5) - local);
            }
            out += session + "\n";
            continue;
        }
        out += sql + "\n";
    }
    if (m_lock_timeout_default && m_settings.count("lock_timeout") == 0) {
        // In a transaction, LOCAL: the tool runs the next migrations on the same connection,
        // where a session's 2s would make a later CREATE INDEX CONCURRENTLY give up on any
        // transaction older than that and leave its index INVALID.
        out += in_transaction(!outside) ? "SET LOCAL lock_timeout = '2s';  -- give up rather than queue traffic behind a lock; retry later\n"
                                        : "SET lock_timeout = '2s';  -- give up rather than queue traffic behind a lock; retry later\n";
    }
    return out;
}

// Whether a step the plan runs in a transaction is surely in one for PostgreSQL, so that SET
// LOCAL holds to its end: the tool's own, the one query's implicit one, or the plan's BEGIN ...
// COMMIT. Plain SQL without BEGIN is not; nor is golang-migrate's file, which is one query
// unless the database URL says x-multi-statement=true (then each statement is sent alone, and
// a SET LOCAL would hold for nothing): there the plan's SET is RESET at the step's end, which
// the one query's implicit transaction makes the same as SET LOCAL (a failure rolls the SET
// back with the rest).
bool Composer::in_transaction(bool step_in_transaction) const {
    const bool one_query = m_layout.one_query && m_layout.tool != MigrationTool::GolangMigrate;
    return step_in_transaction && (m_layout.wraps || one_query || m_layout.explicit_begin);
}

// A recipe's own `SET lock_timeout = '2s';` (its first line that is not a comment, before the
// statement it guards) made LOCAL where the step runs in a transaction, like the plan's own.
// Only that line: the statement's text after it is the user's and is never searched.
std::string Composer::local_timeout(std::string sql, bool step_in_transaction, bool guard) const {
    static constexpr std::string_view line = "SET lock_timeout = '2s';\n";
    if (!guard || !in_transaction(step_in_transaction)) return sql;
    std::size_t at = 0;
    while (at < sql.size() && std::string_view(sql).substr(at).starts_with("--")) {
        std::size_t next = sql.find('\n', at);
        if (next == std::string::npos) return sql;
        at = next + 1;
    }
    if (!std::string_view(sql).substr(at).starts_with(line)) return sql;
    sql.insert(at + 4, "LOCAL ");
    return sql;
}

void Composer::out_of_band(std::vector<Unit>& units, std::string_view title, std::vector<PlanStep>& out) {
    if (units.empty()) return;
    PlanStep step;
    step.title = std::string(title);
    step.run = PlanRun::out_of_band;
    for (const auto& u : units) step.sql += (step.sql.empty() ? "" : "\n\n") + u.sql;
    m_units.push_back({step.sql});
    out.push_back(std::move(step));
}

// "ALTER TABLE t <first>;" and "ALTER TABLE t <second>;" made one statement in `into`, when
// both are single ALTER TABLEs of the same table whose subcommands combine without changing
// what they do (adding columns and constraints NOT VALID, defaults): one lock, taken once.
bool fold_alter(std::string& into, const std::string& next) {
    // Each fold reads `into` again: past a few kilobytes the statements stay apart, which keeps
    // a statement of thousands of subcommands linear (an ALTER TABLE of 2,500 foreign keys took
    // 3.7 s here, 5,000 took 16 s).
    constexpr std::size_t k_max_folded = 4096;
    if (into.size() + next.size() > k_max_folded) return false;
    if (!contains_ci(into, "ALTER TABLE") || !contains_ci(next, "ALTER TABLE")) return false;
    auto single = [](const std::string& sql) -> std::optional<std::pair<std::string, std::string>> {
        std::string body = rules::trim(without_comments(sql));
        if (!starts_with_ci(body, "ALTER TABLE ") || count_statements(body) != 1 || body.back() != ';') return std::nullopt;
        // ALTER COLUMN c DROP DEFAULT / DROP NOT NULL change the catalog only: they combine too
        // (a DROP DEFAULT alone before a DROP NOT NULL would refuse the old release's inserts).
        std::string probe = body;
        for (std::string_view tail : {" DROP DEFAULT;", " DROP NOT NULL;"}) {
            if (probe.size() > tail.size() && starts_with_ci(std::string_view(probe).substr(probe.size() - tail.size()), tail)) {
                probe = probe.substr(0, probe.size() - tail.size()) + ";";
                break;
            }
        }
        for (std::string_view word : {"DROP", "VALIDATE", "CONCURRENTLY", "NOT NULL", "PARTITION", " TYPE ", "USING",
                                      "RENAME", "ONLY", "IF EXISTS", "$", "--", "/*", "'"}) {
            if (contains_ci(probe, word)) return std::nullopt;
        }
        // The table's name: words, dots and double-quoted parts up to the first blank outside quotes.
        std::size_t name_end = 12;
        for (bool quoted = false; name_end < body.size(); ++name_end) {
            char c = body[name_end];
            if (c == '"') quoted = !quoted;
            else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) break;
        }
        if (name_end >= body.size()) name_end = std::string::npos;
        if (name_end == std::string::npos) return std::nullopt;
        std::string head = body.substr(0, name_end);
        std::string rest = rules::trim(std::string_view(body).substr(name_end, body.size() - 1 - name_end));
        // ALTER [COLUMN] c ...: COLUMN is optional (ente: `ALTER created_at SET DEFAULT ...`).
        // Only a default set or dropped, or DROP NOT NULL, combines: identity options (RESTART,
        // SET INCREMENT BY) on a column added in the same statement are ignored by PostgreSQL,
        // and ALTER CONSTRAINT is another subcommand.
        if (starts_with_ci(rest, "ALTER ")) {
            std::string words = rest.substr(6);
            if (starts_with_ci(words, "COLUMN ")) words = rules::trim(std::string_view(words).substr(7));
            std::size_t name_end = 0;
            if (words.starts_with('"')) {
                for (name_end = 1; name_end < words.size(); ++name_end) {
                    if (words[name_end] != '"') continue;
                    if (name_end + 1 < words.size() && words[name_end + 1] == '"') ++name_end;
                    else break;
                }
                ++name_end;
            } else {
                name_end = words.find_first_of(" \t\n");
            }
            std::string tail = name_end >= words.size() ? "" : rules::trim(std::string_view(words).substr(name_end));
            if (!starts_with_ci(tail, "SET DEFAULT ") && !starts_with_ci(tail, "DROP DEFAULT") && !starts_with_ci(tail, "DROP NOT NULL")) {
                return std::nullopt;
            }
            if (starts_with_ci(words, "CONSTRAINT ")) return std::nullopt;
        } else if (!starts_with_ci(rest, "ADD ")) {
            return std::nullopt;
        }
        return std::make_pair(head, rest);
    };
    auto a = single(into);
    auto b = single(next);
    if (!a || !b || a->first != b->first) return false;
    std::string comments_a = rules::trim(sql_comments(into));
    std::string comments_b = rules::trim(sql_comments(next));
    std::string comments = comments_a + (comments_a.empty() || comments_b.empty() ? "" : "\n") + comments_b;
    into = (comments.empty() ? "" : comments + "\n") + a->first + " " + a->second + ",\n    " + b->second + ";";
    return true;
}

// Groups units into migrations: a unit that cannot run in a transaction alone (or, where the
// tool runs statements one by one, with its neighbours of that kind); the others together
// while they strongly lock one existing table at most.
void Composer::group(std::vector<Unit>& units, std::string_view suffix, std::vector<PlanStep>& out) {
    struct Open {
        int serial = 0;  // which migration it is, for the notes that name it
        std::vector<std::string> units;
        bool transaction = true;
        std::string table;
        bool ends = false;
        bool exclusive = false;
        bool locks_existing = false;  // a unit of it locks a relation that existed before it
        bool session_timeout = false;  // a unit of it sets the session's lock_timeout
        int writes = 0;  // the line of its last unit that changes what the old release's writes do, 0: none
        std::set<std::string> held;  // the tables its units lock ACCESS EXCLUSIVE
        bool kept_update = false;  // its last unit is an UPDATE kept as written
        int refusing = 0;  // how many units in a row at its end add a constraint NOT VALID (Unit::refuses)
    };
    std::optional<Open> open;
    int writes_closed = 0;  // the same, of a migration already closed
    int kept_update_line = 0;  // the line of the first UPDATE kept as written, once its migration is open
    int writes_seen = 0;       // the line of the first unit that changes what the old release's writes do
    auto close = [&] {
        if (open && open->writes > 0) writes_closed = open->writes;
        if (!open || open->units.empty()) {
            open.reset();
            return;
        }
        PlanStep step;
        step.run = open->transaction ? PlanRun::in_transaction : PlanRun::no_transaction;
        if (!open->transaction && !m_layout.no_transaction) step.run = PlanRun::out_of_band;
        step.title = std::string(suffix);
        bool alone_in_query = !open->transaction && m_layout.one_query;
        std::string pre = alone_in_query || step.run == PlanRun::out_of_band ? std::string() : prefix(!open->transaction);
        // Concurrent index work alone: not under the plan's 2s lock_timeout (plan_concurrent.hpp).
        const bool unguarded = !open->transaction && !open->session_timeout && m_lock_timeout_default &&
                               m_settings.count("lock_timeout") == 0 && plan_concurrent::only_concurrent_index_work(open->units);
        if (unguarded && !pre.empty()) {
            pre = plan_concurrent::without_default_timeout(pre);
            if (!m_unguarded_noted) m_notes.push_back(plan_concurrent::unguarded_note());
            m_unguarded_noted = true;
        }
        const bool begin_commit = open->transaction && m_layout.explicit_begin;
        // Built in place, its size known first: a plan of a hundred thousand statements is not
        // held twice while its text is put together.
        const bool keep_units = file_reads_units(m_layout);
        std::string body;
        std::size_t size = pre.size() + (begin_commit ? 15 : 0);
        for (const auto& u : open->units) size += u.size() + 1;
        body.reserve(size);
        if (begin_commit) body += "BEGIN;\n";
        body += pre;
        const std::size_t units_from = body.size();
        for (std::size_t k = 0; k < open->units.size(); ++k) {
            if (body.size() > units_from) body += '\n';  // between pieces, as an empty first piece leaves none
            body += open->units[k];
            if (!keep_units) std::string().swap(open->units[k]);  // only the step's text reads it again
        }
        // Outside a transaction, the session's lock_timeout the plan set is put back at the
        // end, so the tool's next migrations on that connection do not inherit it.
        const bool reset = !in_transaction(open->transaction) &&
                           (open->session_timeout || (!pre.empty() && !unguarded && prefix_sets_timeout(!open->transaction)));
        // What puts it back: RESET, or the file's own session lock_timeout where a recipe's guard
        // replaced it (the original leaves the file's value on the connection).
        std::string put_back = "RESET lock_timeout;";
        if (auto own = m_settings.find("lock_timeout"); own != m_settings.end() && !contains_ci(own->second, "LOCAL")) put_back = own->second;
        if (reset) body += "\n" + put_back;
        // The file's closing SETs and RESETs, where the step can hold more statements.
        std::vector<std::string> closing;
        if (!alone_in_query && step.run != PlanRun::out_of_band) {
            for (const auto& [name, sql] : m_trailing) {
                if (!(reset && name == "lock_timeout" && starts_with_ci(sql, "RESET"))) closing.push_back(sql);
            }
        }
        for (const auto& sql : closing) body += "\n" + sql;
        // golang-migrate with x-multi-statement=true cuts the file at every ';', comments too:
        // none in the comments between statements.
        if (m_layout.tool == MigrationTool::GolangMigrate) body = no_semicolons_in_comments(std::move(body));
        if (begin_commit) body += "\nCOMMIT;";
        step.sql = std::move(body);
        if (keep_units) {
            // The written file is made of these pieces (knex, goose, ...): the RESET is one too.
            if (!pre.empty()) open->units.insert(open->units.begin(), pre.substr(0, pre.size() - 1));
            if (reset) open->units.push_back(put_back);
            for (auto& sql : closing) open->units.push_back(std::move(sql));
            m_units.push_back(std::move(open->units));
        } else {
            m_units.emplace_back();  // parallel to the steps; file_text does not read it
        }
        out.push_back(std::move(step));
        open.reset();
    };
    // ahead[j]: a unit that changes writes comes at j or later, before any unit that cannot share
    // a transaction with what precedes it. Those between two such changes run with them.
    std::vector<char> ahead(units.size() + 1, 0);
    for (std::size_t j = units.size(); j-- > 0;) {
        const Unit& w = units[j];
        ahead[j] = (!w.transaction || w.alone || w.ends) ? 0 : (w.writes ? 1 : ahead[j + 1]);
    }
    for (std::size_t idx = 0; idx < units.size(); ++idx) {
        Unit& u = units[idx];
        bool separate_statements = !m_layout.one_query;
        if (!u.transaction) {
            bool join = open && !open->transaction && separate_statements;
            if (!join) close();
            if (!open) {
                open.emplace();
                open->serial = ++m_open_serial;
                open->transaction = false;
            }
            open->session_timeout = open->session_timeout || u.session_timeout;
            open->units.push_back(std::move(u.sql));
            continue;
        }
        if (u.kept_update && open && open->transaction && open->kept_update) {
            open->units.push_back(std::move(u.sql));
            continue;
        }
        if (open) open->kept_update = false;
        if (u.refuses && open && open->transaction && open->refusing > 0 && !open->ends) {
            if (!fold_alter(open->units.back(), u.sql)) open->units.push_back(std::move(u.sql));
            open->held.insert(u.table);
            if (++open->refusing == 2) {
                m_notes.push_back("constraints the original adds at once are added NOT VALID in one migration: one a migration, "
                                  "a write to one table would be refused while another table still took it");
                for (const char* rule : {"statement-after-access-exclusive", "multiple-access-exclusive-in-transaction"}) {
                    m_replaced.erase(rule);
                }
            }
            continue;
        }
        if (open) open->refusing = 0;
        if (u.joins && open && open->transaction && open->held.count(u.join_table) > 0) {
            open->locks_existing = open->locks_existing || !u.lockless;
            open->session_timeout = open->session_timeout || u.session_timeout;
            open->units.push_back(std::move(u.sql));
            if (u.writes) open->writes = u.line;
            continue;
        }
        // Changes to what the old release's writes do, and what runs between them, in one
        // migration as in the original, whatever tables they lock (changes_writes).
        if (!u.joins && open && open->transaction && open->writes > 0 && !open->ends && !u.alone && ahead[idx] != 0) {
            int line = u.writes ? u.line : 0;
            if (!fold_alter(open->units.back(), u.sql)) {
                if (line > 0) {
                    // One note per migration: the lines that join it, listed (crates.io's
                    // timezones joined 14, one 300-character note each).
                    if (m_join_open != open->serial || m_join_note >= m_notes.size()) {
                        m_join_open = open->serial;
                        m_join_first = open->writes;
                        m_join_lines.clear();
                        m_join_note = m_notes.size();
                        m_notes.emplace_back();
                    }
                    m_join_lines.push_back(line);
                    std::string lines;
                    for (std::size_t k = 0; k < m_join_lines.size(); ++k) {
                        lines += (k == 0 ? "" : k + 1 == m_join_lines.size() ? " and " : ", ") + std::to_string(m_join_lines[k]);
                    }
                    const bool one = m_join_lines.size() == 1;
                    m_notes[m_join_note] = std::string(one ? "line " : "lines ") + lines + (one ? " runs" : " run") +
                                           " in the migration of line " + std::to_string(m_join_first) +
                                           ", as in the original: each changes what the old release's writes do or meet (a default, "
                                           "a trigger, a column type its triggers read, a dropped column or table, rows the file "
                                           "inserts before one), and in two migrations some position would have one change without "
                                           "the other";
                }
                // What that migration then holds, the original held too: kept, not resolved.
                for (const char* rule : {"statement-after-access-exclusive", "multiple-access-exclusive-in-transaction",
                                         "lock-upgrade-in-transaction"}) {
                    m_replaced.erase(rule);
                }
                open->units.push_back(std::move(u.sql));
            }
            open->session_timeout = open->session_timeout || u.session_timeout;
            open->locks_existing = open->locks_existing || !u.lockless;
            if (u.exclusive) {
                open->exclusive = true;
                open->held.insert(u.table);
            }
            if (line > 0) open->writes = line;
            continue;
        }
        if (u.joins && m_join_failed.empty()) m_join_failed = u.join_decline;
        // An UPDATE kept as written ends its migration: a change to what the old release's writes
        // do (a default, a trigger or its function) on either side of it lands in another one,
        // where the original makes both at once (rows written in between get neither).
        if (m_join_failed.empty() && ((u.writes && kept_update_line > 0) || (u.kept_update && writes_seen > 0))) {
            m_join_failed = "lines " + std::to_string(u.writes ? kept_update_line : writes_seen) + " and " + std::to_string(u.line) +
                            " are an UPDATE the plan runs as written and a change to what the old release's writes do, which "
                            "the original makes at once; in different migrations, the rows written in between get neither; "
                            "by hand: keep them in one migration, with lock_timeout";
        }
        if (u.writes && writes_seen == 0) writes_seen = u.line;
        if (u.writes && writes_closed > 0 && m_join_failed.empty()) {
            m_join_failed = "lines " + std::to_string(writes_closed) + " and " + std::to_string(u.line) + " both change what the old "
                            "release's writes do (a default, a trigger, a dropped column or table, a NOT NULL it does not fill), which the original does at once, "
                            "and the plan cannot run them in one migration (what runs between them cannot share a transaction); by "
                            "hand: move those statements after both, or keep the file as one migration with lock_timeout";
        }
        bool other_table = open && !u.table.empty() && !open->table.empty() && u.table != open->table;
        if (open && open->transaction && !u.alone && !open->ends && !other_table && !open->units.empty() &&
            fold_alter(open->units.back(), u.sql)) {
            open->locks_existing = open->locks_existing || !u.lockless;
            if (u.writes) open->writes = u.line;
            if (u.exclusive) open->held.insert(u.table);
            continue;
        }
        // After an ACCESS EXCLUSIVE lock nothing else waits in its transaction, and it is not
        // taken after weaker locks there (an upgrade that can deadlock). What only made new
        // objects (a type the ALTER uses) runs with it, as in the original: a migration of its own
        // would let the old release write before the ALTER, which a file that presumes its table
        // empty (ADD COLUMN ... NOT NULL without a default) did not.
        if (open && (!open->transaction || u.alone || open->ends || open->exclusive || other_table ||
                     (u.exclusive && open->locks_existing))) {
            close();
        }
        if (!open) {
            open.emplace();
            open->serial = ++m_open_serial;
        }
        if (!u.lockless) open->locks_existing = true;
        open->session_timeout = open->session_timeout || u.session_timeout;
        open->units.push_back(std::move(u.sql));
        if (u.writes) open->writes = u.line;
        if (open->table.empty()) open->table = u.table;
        open->ends = open->ends || u.ends;
        open->kept_update = u.kept_update;
        open->refusing = u.refuses ? 1 : 0;
        if (u.kept_update) {
            // UPDATEs kept as written read rows at one moment in the original; in two migrations
            // the old release's writes in between reach one and not the other (red team: an
            // ALTER between two backfills kept them apart, and the oracle found the difference).
            if (kept_update_line > 0 && m_join_failed.empty()) {
                m_join_failed = "lines " + std::to_string(kept_update_line) + " and " + std::to_string(u.line) +
                                " are UPDATEs the plan runs as written, which the original runs at one moment; the plan "
                                "would run them in different migrations, and the old release's writes in between would "
                                "reach one and not the other; by hand: keep them in one migration, with lock_timeout";
            }
            kept_update_line = u.line;
        }
        open->exclusive = open->exclusive || u.exclusive;
        if (u.exclusive) open->held.insert(u.table);
    }
    close();
    // Each unit's text now lives in its step (a file of a hundred thousand statements has as
    // many units): not kept twice.
    std::vector<Unit>().swap(units);
}

// The down file of a migration the plan adds: undoing one step of a split migration is not
// something pgfence can derive, so reverting it stops with that said, not with a file the tool
// cannot run (diesel answers a down.sql of comments only with "Received an empty query") or one
// that does nothing while the tool records the step undone. golang-migrate with
// x-multi-statement=true cuts at every ';', so its form is one statement with none inside.
std::string no_undo(MigrationTool tool) {
    const char* why = "pgfence plan: this step of a split migration has no automatic undo, revert it by hand";
    if (tool == MigrationTool::GolangMigrate) {
        return "-- A cast that fails with the reason: revert this step by hand.\nSELECT '" + std::string(why) + "'::int;\n";
    }
    return "-- Undoing one step of a split migration is by hand: write what reverts it here.\n"
           "DO $pgfence$ BEGIN RAISE EXCEPTION '" + std::string(why) + "'; END $pgfence$;\n";
}

// The step holding statement i, by its text's first line; steps.size() when none does.
std::size_t Composer::step_of(std::size_t i, const std::vector<PlanStep>& steps) const {
    std::string text = rules::trim(m_report.statements[i].sql);
    text = text.substr(0, std::min(text.find('\n'), std::size_t{120}));
    if (text.empty()) return steps.size();
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (steps[k].sql.find(text) != std::string::npos) return k;
    }
    return steps.size();
}

std::string Composer::remade_apart(const std::vector<PlanStep>& steps) const {
    std::map<std::string, std::size_t> dropped;  // kind '\x1f' name -> the DROP's statement
    int checked = 0;
    for (std::size_t i = 0; i < m_stmts.size() && i < m_report.statements.size(); ++i) {
        if (i < m_down.size() && m_down[i]) continue;
        const pg::Node* node = m_stmts[i];
        if (const auto* drop = pg::as<DropStmt>(node)) {
            const char* kind = drop->removeType == OBJECT_VIEW || drop->removeType == OBJECT_MATVIEW ? "view"
                               : drop->removeType == OBJECT_FUNCTION || drop->removeType == OBJECT_PROCEDURE ? "function"
                               : drop->removeType == OBJECT_TRIGGER ? "trigger" : nullptr;
            if (kind == nullptr) continue;
            for (const pg::Node* o : pg::each(drop->objects)) {
                std::string name;
                if (const auto* with_args = pg::as<ObjectWithArgs>(o); with_args != nullptr && pg::length(with_args->objname) > 0) {
                    name = std::string(pg::last_name(with_args->objname));
                } else if (const auto* items = pg::as<List>(o); pg::length(items) > 0) {
                    name = std::string(pg::last_name(items));
                }
                if (!name.empty()) dropped.emplace(std::string(kind) + '\x1f' + name, i);
            }
            continue;
        }
        std::string key;
        if (const auto* view = pg::as<ViewStmt>(node); view != nullptr && view->view != nullptr) key = "view\x1f" + std::string(pg::relname(view->view));
        if (const auto* as = pg::as<CreateTableAsStmt>(node); as != nullptr && as->objtype == OBJECT_MATVIEW && as->into != nullptr) {
            key = "view\x1f" + std::string(pg::relname(as->into->rel));
        }
        if (const auto* f = pg::as<CreateFunctionStmt>(node); f != nullptr && pg::length(f->funcname) > 0) {
            key = "function\x1f" + std::string(pg::last_name(f->funcname));
        }
        if (const auto* t = pg::as<CreateTrigStmt>(node); t != nullptr && t->trigname != nullptr) key = "trigger\x1f" + std::string(t->trigname);
        auto it = key.empty() ? dropped.end() : dropped.find(key);
        if (it == dropped.end()) continue;
        // Each check reads the steps: past 64 such pairs, the plan is declined unread (linear).
        if (++checked <= 64) {
            std::size_t from = step_of(it->second, steps);
            std::size_t to = step_of(i, steps);
            if (from < steps.size() && from == to) continue;
        }
        return "line " + std::to_string(m_report.statements[it->second].span.start.line) + " drops the " + key.substr(0, key.find('\x1f')) +
               " " + key.substr(key.find('\x1f') + 1) + " and line " + std::to_string(m_report.statements[i].span.start.line) +
               " makes it again, which the original does at once; the plan would run them in different steps, and the "
               "application's reads and writes in between (a trigger that uses it) would fail; by hand: keep both in one "
               "migration, with lock_timeout";
    }
    return {};
}

Plan Composer::compose() {
    bool had_begin = false;
    for (std::size_t i = 0; i < m_report.statements.size(); ++i) {
        const auto* t = pg::as<TransactionStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        if (t != nullptr && (t->kind == TRANS_STMT_BEGIN || t->kind == TRANS_STMT_START)) had_begin = true;
    }
    m_layout = layout_of(m_report, had_begin);
    m_by_statement.resize(m_report.statements.size());
    for (const auto& f : m_report.findings) {
        if (f.rule == "lock-timeout-missing") m_lock_timeout_default = true;
        if (f.statement >= 0 && static_cast<std::size_t>(f.statement) < m_by_statement.size()) {
            m_by_statement[static_cast<std::size_t>(f.statement)].push_back(&f);
        }
    }
    survey();
    for (const auto& c : rules::rename_chains(m_stmts)) m_chain_taken[c.taken] = c.vacated;
    find_readded_columns();
    find_write_changes();
    for (std::size_t i = 0; i < m_report.statements.size(); ++i) {
        if (i < m_down.size() && m_down[i]) continue;
        m_current = i;
        statement(i);
        // What it wrote, for the unique keys of the statements after it (keys_dropped_and_made).
        const pg::Node* write = i < m_stmts.size() ? m_stmts[i] : nullptr;
        if (pg::is<UpdateStmt>(write) || pg::is<DeleteStmt>(write) || pg::is<DoStmt>(write)) {
            for (const LockFact& l : m_report.statements[i].locks) {
                if (!l.is_new && l.mode == LockMode::RowExclusive) {
                    m_written_tables.try_emplace(table_key(l.relation), m_report.statements[i].span.start.line);
                }
            }
        }
    }
    if (m_declined.empty() && m_unknown_line > 0 && m_before.size() > m_before_at_unknown) {
        m_declined = "line " + std::to_string(m_unknown_line) + " builds its SQL at run time, and the plan would run work of a statement "
                     "after it (an application release first) before it; by hand: keep the file's order, or move that statement to a "
                     "migration of its own";
    }
    if (m_lock_timeout_default) m_replaced.insert("lock-timeout-missing");
    // A rule with a finding the plan keeps as written is not one the plan resolves.
    for (const auto& rule : m_kept_rules) m_replaced.erase(rule);

    if (m_declined.empty() && m_search_path_line > 0 && !m_batched.empty()) {
        m_declined = "line " + std::to_string(m_search_path_line) + " sets search_path, which a batched walk out of band would not run "
                     "with, so it could update another table of the same name";
    }
    if (!m_declined.empty()) return no_plan(m_declined);
    std::vector<PlanStep> steps;
    // A release that waits for the later-release steps comes first when nothing else does.
    if (m_later.empty() || (m_now.empty() && m_settle.empty() && m_validate.empty() && m_finish.empty())) {
        for (auto& u : m_release) push_unit(m_before, std::move(u));
        m_release.clear();
    }
    out_of_band(m_before, "Before the migrations: application release", steps);
    group(m_now, "Migration", steps);
    out_of_band(m_backfill, "Out of band: by hand or by a job (batches, per-partition work), in this order", steps);
    group(m_settle, "Migration (after the backfill)", steps);
    group(m_validate, "Migration (validation)", steps);
    group(m_finish, "Migration (after the validation)", steps);
    out_of_band(m_release, "Before the later-release migrations: application release", steps);
    std::size_t first_later = steps.size();
    group(m_later, "Migration (a later release, once no deployed code uses the old form)", steps);
    // The copy-before-drop reason first, where both hold: it names what would be lost.
    if (!m_join_failed.empty()) {
        std::string split = copy_split_from_drop(steps);
        return no_plan(split.empty() ? m_join_failed : split);
    }
    // Each step runs in a session of its own (a migration of the tool's run, a job by hand):
    // what the file made for its session alone is not there for the steps after the one that
    // made it (openmeter's pg_temp.upsert_discount_correlation_id, called by the UPDATEs the
    // plan moved to migrations of their own, which then failed).
    // A view, materialized view, function or trigger the file drops and makes again: in the
    // original nothing runs between the two; split, the old release's writes in between meet
    // neither (lemmy: a trigger refreshing post_aggregates_mview failed every write to post while
    // the view was gone). Kept in one step, or declined.
    if (steps.size() > 1) {
        if (std::string why = remade_apart(steps); !why.empty()) return no_plan(why);
    }
    if (steps.size() > 1) {
        int named = 0;  // a search through the steps each: a file of thousands is declined without
        for (std::size_t i = 0; i < m_stmts.size() && i < m_report.statements.size(); ++i) {
            if (i < m_down.size() && m_down[i]) continue;
            SessionObject made = makes_temporary(m_stmts[i], m_report.statements[i].sql);
            if (made.what.empty()) continue;
            // A named one is used where its name is: only a step after the one that makes it
            // (a session of its own) would not find it.
            if (!made.name.empty() && ++named <= 64) {
                std::size_t maker = steps.size();
                for (std::size_t k = 0; k < steps.size() && maker == steps.size(); ++k) {
                    if (has_word(without_comments(steps[k].sql), made.name)) maker = k;
                }
                bool used_later = false;
                for (std::size_t k = maker + 1; k < steps.size(); ++k) {
                    used_later = used_later || has_word(without_comments(steps[k].sql), made.name);
                }
                if (maker < steps.size() && !used_later) continue;
            }
            return no_plan("line " + std::to_string(m_report.statements[i].span.start.line) + " makes " + made.what +
                           ", which lives only as long as the session that made it, and the plan would run the file in " +
                           std::to_string(steps.size()) + " steps, each in a session of its own, where the statements using it "
                           "would not find it; by hand: keep what uses it in the step that makes it, or make it a regular object "
                           "and drop it at the end");
        }
    }
    if (std::string split = copy_split_from_drop(steps); !split.empty()) return no_plan(split);
    for (std::size_t k = first_later; k < steps.size(); ++k) steps[k].after_release = true;
    // The plan is correct with the new release deployed after its out-of-band steps (the
    // oracle's new traffic starts there, docs/plans.md): a tool that runs the migrations as the
    // release deploys would start it before the backfill, and its reads of the rows the walk has
    // not reached would see what they held before (harbor 0011: 'sha256' for users whose hashes
    // are sha1). Said, since nothing in the steps' files can enforce it.
    if (!m_backfilled.empty() && !m_backfill.empty()) {
        std::string columns;
        for (std::size_t k = 0; k < m_backfilled.size(); ++k) {
            columns += (k == 0 ? "" : k + 1 == m_backfilled.size() ? " and " : ", ") + m_backfilled[k];
        }
        m_notes.push_back("deploy the code that reads " + columns + " only after the plan's steps have run, the out-of-band "
                          "backfill included (the later-release ones excepted): until the batched walk reaches a row, that row "
                          "keeps what it held before (the column's DEFAULT, or NULL), not the value the original gives it");
    }

    int migration = 0;
    int band = 0;
    int migrations = static_cast<int>(std::count_if(steps.begin(), steps.end(), [](const PlanStep& st) {
        return st.run != PlanRun::out_of_band;
    }));
    // The versions of migrations 2 and later: after the file's, before the next migration of
    // its set, none of them taken.
    const bool folder_named = m_report.tool == MigrationTool::Prisma || m_report.tool == MigrationTool::Diesel;
    const bool versioned = m_report.tool != MigrationTool::Plain && m_report.tool != MigrationTool::Synapse;
    // The set's other migrations, listed only for the plans that ask (more than one migration,
    // a view in a table's place, a table dropped later): a list per plan was quadratic in the
    // set's size for a set of CREATE INDEX migrations, each planned as one migration.
    std::optional<std::vector<std::string>> listed_siblings;
    auto siblings = [&]() -> const std::vector<std::string>& {
        if (!listed_siblings) listed_siblings = set_siblings(m_report.path, m_known);
        return *listed_siblings;
    };
    std::string_view own_name = folder_named ? path_name(path_folder(m_report.path)) : path_name(m_report.path);
    PlanVersions versions;
    if (versioned && migrations > 1) {
        versions = plan_versions(own_name, m_report.tool == MigrationTool::Flyway, migrations - 1, siblings());
        // A version the set already uses, or one that sorts after the next migration, cannot be
        // deployed as written (diesel refuses two folders of one version; the order changes):
        // no plan, rather than one to renumber (lemmy's 2025-08-01-0000NN folders leave no room).
        if (!versions.note.empty()) {
            return no_plan(versions.note + "; no plan is offered, since migrations the repository already has would "
                           "need new names: by hand, make the change in migrations named after the set's last one");
        }
    }
    std::set<std::string, std::less<>> sibling_names;  // read for migrations 2 and later only
    for (const auto& sibling : migrations > 1 ? siblings() : std::vector<std::string>{}) {
        std::string_view n = path_name(sibling);
        if (folder_named && (n == "migration.sql" || n == "up.sql" || n == "down.sql")) n = path_name(path_folder(sibling));
        sibling_names.emplace(n);
    }
    std::vector<int> later;  // migrations written under later-release/
    std::vector<int> held;   // migrations written under after-out-of-band/
    bool behind_band = false;  // an out-of-band step after a migration has come
    for (std::size_t k = 0; k < steps.size(); ++k) {
        PlanStep& step = steps[k];
        if (step.run == PlanRun::out_of_band) {
            behind_band = behind_band || migration > 0;
            step.path = out_of_band_path(m_report, ++band, migration);
            if (step.title == "Migration") step.title = "Out of band: " + runner_name(m_layout) +
                                                        " runs every migration in a transaction, so run this by hand";
            step.file_text = "-- " + step.title + " (pgfence plan for " + m_report.path + ")\n" + step.sql + "\n";
            continue;
        }
        ++migration;
        std::string what = step.title == "Migration" ? "" : step.title.substr(std::string("Migration ").size());
        step.title = "Migration " + std::to_string(migration) + (step.run == PlanRun::no_transaction ? " (no transaction)" : "") +
                     (what.empty() ? "" : " " + what);
        step.path = migration_path(m_report, migration, migrations, versions.versions, step.run == PlanRun::no_transaction);
        std::string_view new_name = folder_named ? path_name(path_folder(step.path)) : path_name(step.path);
        // A later-release migration written beside the others would be run by the tool in the
        // same deploy, while the old release still runs (the oracle proves it after the new
        // release): it is written apart, to be added to the folder once that release is out.
        // An absolute input path goes under the folder as a relative one does, without "//".
        auto under = [](std::string_view folder, const std::string& path) {
            return std::string(folder) + path.substr(std::min(path.find_first_not_of('/'), path.size()));
        };
        if (step.after_release && migration > 1) {
            step.path = under("later-release/", step.path);
            later.push_back(migration);
        } else if (behind_band) {
            // Likewise a migration after an out-of-band step (a backfill, an index built by
            // hand): the tool would run it in this deploy, before that step has run.
            step.path = under("after-out-of-band/", step.path);
            held.push_back(migration);
        }
        if (migration > 1 && sibling_names.count(new_name) > 0) {
            m_notes.push_back(std::string(new_name) + " exists already in the migration folder: rename migration " +
                              std::to_string(migration) + " of the plan before adding it");
        }
        if (migration == 1 && step.path != m_report.path) {
            m_notes.push_back("migration 1 is " + std::string(path_name(step.path)) + ", which " + runner_name(m_layout) +
                              " runs outside a transaction: it replaces " + std::string(path_name(m_report.path)) + ", which goes");
        }
        step.file_text = file_text(m_layout, step, m_units[k], step.path);
        std::vector<std::string>().swap(m_units[k]);  // read only for this step's file
        std::string_view folder = path_folder(step.path);
        if (m_layout.source_kind == "sql" && step.run == PlanRun::no_transaction) {
            if (m_layout.tool == MigrationTool::Diesel) {
                step.extra_files.emplace_back(join_path(folder, "metadata.toml"), "run_in_transaction = false\n");
            } else if (m_layout.tool == MigrationTool::Flyway) {
                step.extra_files.emplace_back(step.path + ".conf", "executeInTransaction=false\n");
            }
        }
        if (m_layout.source_kind == "sql" && m_layout.tool == MigrationTool::Diesel && migration > 1) {
            step.extra_files.emplace_back(join_path(folder, "down.sql"), no_undo(m_layout.tool));
        }
        bool up_down = m_layout.tool == MigrationTool::GolangMigrate || m_layout.tool == MigrationTool::Pop ||
                       m_layout.tool == MigrationTool::Popx;
        if (m_layout.source_kind == "sql" && up_down && migration > 1 && step.path.ends_with(".up.sql")) {
            // popx refuses an up migration without a down one of its version (MigrationBox.check).
            std::string down = step.path;
            down.replace(down.size() - 7, 7, ".down.sql");
            if (m_layout.tool == MigrationTool::Popx) down = popx_suffix(down, false);
            step.extra_files.emplace_back(down, no_undo(m_layout.tool));
        }
    }
    if (!held.empty()) m_notes.push_back(written_apart_note(held, false, m_layout));
    // openmeter's golang-migrate folder is also Atlas's: Atlas refuses a folder whose files no
    // longer match its atlas.sum, so new migration files need the sum made again.
    if (migrations > 1 && m_layout.source_kind == "sql") {
        std::error_code ec;
        const std::filesystem::path sum = std::filesystem::path(std::string(path_folder(m_report.path))) / "atlas.sum";
        if (std::filesystem::is_regular_file(sum, ec)) {
            m_notes.push_back("the migration folder has an atlas.sum: after adding the plan's migrations, run `atlas migrate hash` "
                              "there, or Atlas (atlas migrate validate, lint) refuses the folder");
        }
    }
    if (!later.empty()) {
        // A migration of the set after this file runs in this deploy, before the later-release
        // step: against the view the plan leaves in the table's place until then (ALTER TABLE of a
        // view fails), or the old form the step removes. Which it touches is not read here.
        // Only where a view stands in a table's place until then: a step that drops what the
        // file drops leaves the later migrations the schema they were written against, and more.
        const bool view_in_place = std::any_of(steps.begin(), steps.end(), [](const PlanStep& st) {
            return st.after_release && contains_ci(st.sql, "DROP VIEW");
        });
        const std::string self = absolute_path(std::filesystem::path(m_report.path)).lexically_normal().generic_string();
        for (const auto& sibling : view_in_place ? siblings() : std::vector<std::string>{}) {
            if (is_down_half(sibling) || !migration_before(self, sibling)) continue;
            std::string_view name = path_name(sibling);
            if (name == "up.sql" || name == "migration.sql") name = path_name(path_folder(sibling));
            return no_plan("the plan's migration " + std::to_string(later.front()) + " waits for a later release, but " +
                           std::string(name) + " comes after this file in its set and would run before it, "
                           "against the view the plan leaves in the table's place until then; by hand: "
                           "make this the set's last migration, or use expand/contract (a new column kept in sync, then the swap)");
        }
        // A table the plan drops only in a later release still exists while the set's later
        // migrations run in this deploy: one that makes or uses that name again (CREATE TABLE
        // sessions anew) meets the old table (red team: "relation sessions already exists").
        std::vector<std::string> dropped;
        for (std::size_t i = 0; i < m_stmts.size(); ++i) {
            const auto* drop = pg::as<DropStmt>(m_stmts[i]);
            if (drop == nullptr || drop->removeType != OBJECT_TABLE || (i < m_down.size() && m_down[i])) continue;
            for (const List* items : pg::each<List>(drop->objects)) {
                if (pg::length(items) > 0) dropped.emplace_back(pg::last_name(items));
            }
        }
        bool unread = false;
        for (const auto& sibling : dropped.empty() ? std::vector<std::string>{} : siblings()) {
            if (is_down_half(sibling) || !migration_before(self, sibling)) continue;
            std::error_code ec;
            std::ifstream in(sibling, std::ios::binary);
            if (!std::filesystem::is_regular_file(sibling, ec) || std::filesystem::file_size(sibling, ec) > (16u << 20) || !in) {
                unread = true;
                continue;
            }
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            for (const auto& table : dropped) {
                if (!has_word(text, table)) continue;
                std::string_view name = path_name(sibling);
                if (name == "up.sql" || name == "migration.sql") name = path_name(path_folder(sibling));
                return no_plan("the plan drops " + table + " only in a later release, but " + std::string(name) +
                               " comes after this file in its set, names " + table + ", and would run before that drop, "
                               "while the old table still exists; by hand: drop it in this migration, or make this the "
                               "set's last migration");
            }
        }
        if (unread) {
            m_notes.push_back("a migration after this file could not be read: if it makes or uses a table this plan drops in a "
                              "later release, it runs before that drop, against the old table");
        }
        m_notes.push_back(written_apart_note(later, true, m_layout));
    }
    if (migration > 1) {
        switch (m_layout.tool) {
            case MigrationTool::Goose:
            case MigrationTool::Sqlx:
            case MigrationTool::GolangMigrate:
            case MigrationTool::Dbmate:
            case MigrationTool::Pop:
            case MigrationTool::Popx:
            case MigrationTool::NodePgMigrate:
                // Without the set's other files, whether a version is free is not known.
                if (m_known == nullptr) {
                    m_notes.push_back("migrations 2 and later take the versions after this file's: renumber them if a later migration already uses one");
                }
                break;
            case MigrationTool::Drizzle:
                m_notes.push_back("drizzle: add each new file to meta/_journal.json (drizzle-kit generate --custom makes the entry)");
                // drizzle-orm's migrator (pg-core/dialect.ts) opens one transaction for every
                // pending migration: the plan's commits between migrations happen only in
                // separate runs.
                m_notes.push_back("drizzle applies every pending migration in one transaction: run `drizzle-kit migrate` once per "
                                  "migration of this plan (each added and deployed on its own), or they hold each other's locks "
                                  "until the last one commits, as the original does");
                break;
            default: break;
        }
        // TypeORM's default migrationsTransactionMode, "all", runs every pending migration in
        // one transaction.
        if (m_layout.source_kind == "typeorm") {
            m_notes.push_back("typeorm: set migrationsTransactionMode to \"each\" in the DataSource options: with the default, "
                              "\"all\", every pending migration runs in one transaction and the plan's migrations hold each "
                              "other's locks until the last one commits");
        }
        // Knex's migrate:latest (Migrator.latest) runs every pending migration in one
        // transaction unless one of them opts out; migrate:up runs one at a time.
        if (m_layout.source_kind == "knex" &&
            std::none_of(steps.begin(), steps.end(), [](const PlanStep& s) { return s.run == PlanRun::no_transaction; })) {
            m_notes.push_back("knex: `knex migrate:latest` runs every pending migration in one transaction when none of them "
                              "exports `config = { transaction: false }`: deploy the plan's migrations one at a time (`knex "
                              "migrate:up`), or they hold each other's locks until the last one commits");
        }
    }
    // An out-of-band step with nothing to run (its walk left as comments: no safe batching was
    // found) leaves the rows the original changes unchanged, and what follows it (a VALIDATE, a
    // SET NOT NULL) fails: such a plan cannot be proven and is not offered. The application
    // release before the migrations is code, not SQL, and is exempt.
    for (const PlanStep& step : steps) {
        if (step.run != PlanRun::out_of_band || starts_with_ci(step.title, "Before") || executable(step.sql)) continue;
        return no_plan("an out-of-band step of the plan would be a template to fill in by hand (no form of it that "
                       "pgfence can run and prove: a backfill it cannot batch safely, per-partition work), so no plan is offered "
                       "for the file; by hand: follow each finding's fix, writing that step yourself, and rehearse the "
                       "migrations with pgfence trace --plan");
    }
    // The last line of defence: a plan whose statements create an object twice or drop one twice
    // fails where the second runs, and is not offered.
    PlanObjects objects;
    for (const PlanStep& step : steps) {
        std::vector<std::string> twice = objects.read(step.sql, nullptr);
        if (twice.empty()) continue;
        return no_plan("the plan pgfence composed " + twice.front() + " (" + step.title +
                       "), which fails there; by hand: write the migrations so that each object is created and dropped once");
    }
    // The same end state: each table and view the original leaves in place (or gone), the plan
    // does too (a DROP TABLE moved to a later release must not drop the table the file renamed
    // into that name).
    PlanObjects original;
    std::string text;
    for (std::size_t i = 0; i < m_report.statements.size(); ++i) {
        if ((i < m_down.size() && m_down[i]) || m_report.statements[i].status == StatementStatus::Unknown) continue;
        text += m_report.statements[i].sql + ";\n";
    }
    (void)original.read(text, nullptr);
    for (const auto& [key, net] : objects.tables()) {
        auto at = original.tables().find(key);
        bool leaves = at != original.tables().end() ? at->second.after : net.before;
        if (leaves == net.after) continue;
        return no_plan("the plan pgfence composed leaves " + quote_ident(key.substr(2)) + (net.after ? " in place" : " dropped") +
                       " where the original leaves it " + (leaves ? "in place" : "dropped") +
                       " (a step moved past another that uses its name); by hand: keep the drop and the statement that "
                       "reuses the name in the order the file has them");
    }
    for (const auto& [key, net] : original.tables()) {
        if (objects.tables().count(key) > 0 || net.after == net.before) continue;
        return no_plan("the plan pgfence composed does not " + std::string(net.after ? "create " : "drop ") + quote_ident(key.substr(2)) +
                       " as the original does; by hand: write the migrations so that each object is created and dropped as the file does");
    }
    // Plain SQL that no known tool runs: how the runner wraps files is unknown (plan_runner.hpp).
    if (m_layout.tool == MigrationTool::Plain && m_layout.source_kind == "sql") {
        if (std::string why = plan_runner::unknown_runner_decline(steps); !why.empty()) return no_plan(why);
        if (std::string note = plan_runner::unknown_runner_note(steps); !note.empty()) m_notes.push_back(note);
    }
    Plan plan;
    plan.steps = std::move(steps);
    plan.replaced.assign(m_replaced.begin(), m_replaced.end());
    // Said here once, not in the user's migration files (outside DBA: service boilerplate above
    // each pgfence-ignore line of ente's and memos' plans).
    if (std::any_of(plan.steps.begin(), plan.steps.end(), [](const PlanStep& st) { return contains_ci(st.sql, "pgfence-ignore:"); })) {
        m_notes.push_back("the plan's pgfence-ignore comments silence pgfence in the repository; where the governance service "
                          "applies a policy, a suppression the pull request adds does not lift it (an exemption from the service does)");
    }
    plan.notes = std::move(m_notes);
    int total = migration;
    plan.summary = std::to_string(total) + (total == 1 ? " migration" : " migrations") +
                   (band > 0 ? " and " + std::to_string(band) + " out-of-band " + (band == 1 ? "step" : "steps") : std::string()) +
                   " for " + std::string(m_layout.source_kind == "sql" ? tool_name(m_layout.tool) : m_layout.source_kind) +
                   ", replacing what " + std::to_string(plan.replaced.size()) +
                   (plan.replaced.size() == 1 ? " rule objects to" : " rules object to");
    return plan;
}

}  // namespace

Plan no_plan(std::string why) {
    Plan plan;
    plan.summary = "no plan offered";
    plan.declined = std::move(why);
    return plan;
}

bool plan_wanted(const FileReport& report) {
    // A safe rewrite to paste, or a HIGH finding (a transaction to split is the plan's grouping;
    // a statement without a safe form still gets lock_timeout and a migration of its own).
    return !report.statements.empty() && std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) {
        return f.recipe.has_value() || f.risk >= Risk::High;
    });
}

void compose_plan(FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
                  const Catalog* catalog, const KnownMigrations* known) {
    if (!plan_wanted(report)) return;
    // What does not parse cannot be planned around: nothing says what it locks or changes.
    for (std::size_t i = 0; i < report.statements.size(); ++i) {
        const StatementFacts& s = report.statements[i];
        if (s.status != StatementStatus::Unparsable || (i < down.size() && down[i])) continue;
        report.plan = no_plan("line " + std::to_string(s.span.start.line) +
                              " does not parse, so pgfence cannot tell what a plan around it would change: fix it, or make "
                              "this change by hand, with the findings' advice");
        return;
    }
    report.plan = Composer(report, stmts, down, catalog, known).compose();
    fit_temporal_plan(report);  // a manifest's layout (plan_temporal.hpp)
    // A plan that resolves no finding (the file's are advice it does not follow, or have no safe
    // form) would only move statements apart, each move a chance to differ: none is offered
    // (the outside DBA's teable share_meta: two UPDATEs split for no gain).
    // With a HIGH or CRITICAL finding the file says so, rather than go without a plan unexplained.
    if (report.plan && report.plan->declined.empty() && report.plan->replaced.empty()) {
        bool high = std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) { return f.risk >= Risk::High; });
        if (high) {
            report.plan = no_plan("no statement of the file has a safe form pgfence can write, so a plan would only move "
                                  "statements apart: make this change by hand, with the findings' advice");
        } else {
            report.plan.reset();
        }
    }
}

PlanCheck check_plan(const FileReport& original, const AnalyzeOptions& options,
                     const std::shared_ptr<const Catalog>& before) {
    PlanCheck out;
    if (!original.plan) return out;
    const Plan& plan = *original.plan;
    Catalog catalog = before ? *before : Catalog();
    // Tables the file changes that no history defines: known to the check as empty entries, so
    // that what the plan's own steps record of them (a CHECK validated in one migration, which
    // the next one's SET NOT NULL takes as proof) carries from step to step.
    for (const auto& s : original.statements) {
        for (const auto& lock : s.locks) {
            if (lock.kind != "table" || lock.is_new || lock.relation.find('"') != std::string::npos) continue;
            std::string relname = lock.relation.substr(lock.relation.rfind('.') == std::string::npos ? 0 : lock.relation.rfind('.') + 1);
            if (!relname.empty() && catalog.find(relname) == nullptr) (void)catalog.add(relname, lock.relation, "table");
        }
    }
    AnalyzeOptions step_options = options;
    step_options.history = nullptr;
    step_options.chain = nullptr;
    step_options.single_transaction = false;
    step_options.check_plans = false;
    std::set<std::string, std::less<>> replaced(plan.replaced.begin(), plan.replaced.end());
    std::set<std::string, std::less<>> original_high;  // rules with HIGH findings the plan does not resolve
    for (const auto& f : original.findings) {
        if (f.risk >= Risk::High && replaced.count(f.rule) == 0) original_high.insert(f.rule);
        // TRUNCATE ... CASCADE is reported by truncate-cascade instead of truncate; the plan's
        // TRUNCATE of the listed tables keeps the truncate finding the original had in it.
        if (f.risk >= Risk::High && f.rule == "truncate-cascade") original_high.insert("truncate");
    }
    // What each step creates and drops, against the catalog as it finds it; what the original
    // file itself creates twice or finds existing (a history the catalog knows imperfectly) is
    // not the plan's doing.
    PlanObjects objects;
    std::set<std::string> original_objects;
    {
        PlanObjects file_objects;
        std::string text;
        for (const auto& s : original.statements) text += s.sql + ";\n";
        for (auto& p : file_objects.read(text, before.get())) original_objects.insert(std::move(p));
    }
    for (std::size_t k = 0; k < plan.steps.size(); ++k) {
        const PlanStep& step = plan.steps[k];
        for (const auto& problem : objects.read(step.sql, &catalog)) {
            if (original_objects.count(problem) == 0) out.problems.push_back(step.title + ": " + problem);
        }
        if (step.run == PlanRun::out_of_band) {
            out.migrations.emplace_back();
            continue;
        }
        std::string text = step.sql;
        bool has_begin = starts_with_ci(without_comments(text), "BEGIN");
        if (step.run == PlanRun::in_transaction && !has_begin) text = "BEGIN;\n" + text + "\nCOMMIT;\n";
        FileReport r = analyze_text("plan-step-" + std::to_string(k + 1) + ".sql", text, step_options, {}, catalog);
        for (const auto& s : r.statements) {
            if (s.status == StatementStatus::Unparsable) {
                std::string problem = step.title + ": line " + std::to_string(s.span.start.line) + " does not parse" +
                                      (s.parse_error ? ": " + s.parse_error->message : std::string());
                bool kept = original_high.count("unparsable-statement") > 0;
                if (!kept && out.unparsable.empty()) out.unparsable = problem;
                (kept ? out.kept : out.problems).push_back(std::move(problem));
            }
        }
        for (const auto& f : r.findings) {
            // A rule the plan resolves counts from MEDIUM: an instant catalog change after
            // another in one migration stays LOW, and the index a foreign key asks for is
            // built in a later migration of the plan.
            bool resolved_here = replaced.count(f.rule) > 0 && f.risk >= Risk::Medium && role_of(f.rule) != Role::add;
            // A tool that sends a migration as one query cannot set lock_timeout beside a
            // statement that must run alone.
            bool alone_in_query = step.run == PlanRun::no_transaction && !contains_ci(step.sql, "SET lock_timeout") &&
                                  (f.rule == "lock-timeout-missing" || f.rule == "statement-timeout-missing");
            if (alone_in_query) continue;
            std::string line = step.title + ": " + f.rule + " (" + std::string(risk_name(f.risk)) + "): " + f.message;
            if (resolved_here) out.problems.push_back(line);
            else if (f.risk >= Risk::High) (original_high.count(f.rule) > 0 ? out.kept : out.problems).push_back(line);
        }
        out.migrations.push_back(std::move(r));
    }
    return out;
}

std::string plan_relative_path(std::string_view path) {
    std::string out;
    std::size_t at = 0;
    while (at <= path.size()) {
        std::size_t slash = path.find('/', at);
        std::string_view part = path.substr(at, slash == std::string_view::npos ? std::string_view::npos : slash - at);
        if (!part.empty() && part != "." && part != "..") {
            std::string clean;
            for (char c : part) clean += (static_cast<unsigned char>(c) < 0x20 || c == '\\') ? '_' : c;
            out += (out.empty() ? "" : "/") + clean;
        }
        if (slash == std::string_view::npos) break;
        at = slash + 1;
    }
    return out.empty() ? "plan.sql" : out;
}

}  // namespace pgfence::analyze
