#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/model/plpgsql/plpgsql_trigger_body.hpp"
#include "analyze/model/body_settings.hpp"
#include "analyze/parse/json_access.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "analyze/model/function_calls.hpp"
#include "analyze/parse/lexing_settings.hpp"
#include "analyze/parse/set_config.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/model/plpgsql/plpgsql_fold.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {
namespace {

using json = Node;

struct Walk {
    StatementFacts& facts;
    model::Context& ctx;
    int body_line;
    BodyHooks* hooks = nullptr;
    std::string what;  // "DO block", "f()"
    int analysed = 0;
    std::vector<std::string> hidden;  // what could not be seen, with its line
    std::vector<std::string> loops;   // the tables of the FOR loops over every row around the statement walked
    // Inside a branch, a loop's body or a block that catches errors: what runs there may not
    // run, or its locks go with the error (LockFact::conditional).
    int conditional = 0;
    int branches = 0;  // of those, the branches of an IF or CASE around the statement walked
    // Constant folding (plpgsql_fold.hpp): the datums' names by number, the variables the walk
    // may follow (see foldable_variables) and the constant text they hold where the walk is.
    std::vector<std::string> datum_names;
    std::set<std::string, std::less<>> followed;
    FoldedVariables constants;
    FoldBudget budget;
    model::LockIndex locks;  // where facts' locks are, for merging each statement's in
    std::map<int, std::string> cursors;  // a bound cursor's query (DECLARE c CURSOR FOR query), by datum number
    const json* statement = nullptr;      // the statement the walk is in, for the line of what it finds
    std::string_view text;                // the body's text (or the whole definition's), for variable_types
};

int file_line(const Walk& w, const json& stmt) {
    int line = stmt.value("lineno", 0);
    return line > 0 ? w.body_line + line - 1 : 0;
}

std::string at_line(const Walk& w, const json& stmt) {
    int line = file_line(w, stmt);
    return line > 0 ? " (line " + std::to_string(line) + ")" : std::string();
}

}  // namespace

// The lock reaches partitions when any branch's does.
void merge_facts(StatementFacts& into, const StatementFacts& inner, bool conditional, model::LockIndex* index) {
    for (const auto& l : inner.locks) {
        if (index != nullptr) {
            index->merge(into, l, conditional);
        } else {
            model::merge_lock(into, l, conditional);
        }
    }
    for (const auto& r : inner.rewrites) model::add_rewrite(into, r.relation, r.reason, r.certain);
    for (const auto& s : inner.scans) model::add_scan(into, s.relation, s.reason, s.certain, s.filtered);
    const std::size_t from = into.notes.size();
    for (const auto& n : inner.notes) into.notes.push_back(n);
    if (conditional) mark_body_settings_maybe(into, from);
    into.runs_user_code = into.runs_user_code || inner.runs_user_code;
}

namespace {

bool is_catalog(const RangeVar* rv) {
    std::string_view schema = pg::text(rv->schemaname);
    if (schema == "pg_catalog" || schema == "information_schema") return true;
    return schema.empty() && pg::relname(rv).starts_with("pg_");
}

// A SQL statement embedded in the body: modelled exactly like a top-level one.
// A session setting the statements after the body depend on, set inside it (SET, SET LOCAL, a
// constant set_config): the analyzer's session state does not follow bodies, so the body is not
// followed that far. session_replication_role = replica stops foreign-key checks for every later
// write of the session; search_path changes what every later name resolves to, and so do role
// and session_authorization, through "$user" in the path (session_role.hpp).
void note_session_setting(Walk& w, const pg::Node* stmt, const json* where) {
    const auto followed = [](std::string_view name) {
        return name == "session_replication_role" || name == "search_path" || name == "role" || name == "session_authorization";
    };
    std::string name;
    if (const auto* set = pg::as<VariableSetStmt>(stmt); set != nullptr && set->name != nullptr) {
        std::string lowered(pg::text(set->name));
        for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (followed(lowered)) name = lowered;
    }
    for (const SetConfig& call : read_set_configs(stmt)) {
        if (followed(call.name)) name = call.name;
    }
    if (!name.empty()) {
        w.hidden.push_back("sets " + name + " for the rest of the session, which pgfence does not carry past the " + w.what +
                           (where != nullptr ? at_line(w, *where) : std::string()));
    }
    // A timeout is carried: to the statement that runs the body and the session after it (body_settings.hpp).
    for (BodySetting& s : body_settings_of(stmt)) {
        s.maybe = w.conditional > 0;
        w.facts.notes.push_back(body_setting_note(s, w.what + (where != nullptr ? at_line(w, *where) : std::string())));
    }
}

// `read`: `sql` parsed already, as this would parse it (into the hooks' arena when there are
// hooks, else into one of its own): model_query's parse, not done twice.
void model_sql(Walk& w, const std::string& sql, const json& where, ParsedStatement* read = nullptr) {
    ParsedStatement parsed = read != nullptr ? std::move(*read) : w.hooks ? parse_statement(sql, w.hooks->arena()) : parse_statement(sql);
    if (parsed.failure) {
        w.hidden.push_back("a statement that does not parse" + at_line(w, where) + ": " + parsed.failure->message);
        return;
    }
    note_session_setting(w, parsed.stmt, &where);
    StatementFacts inner;
    inner.index = w.facts.index;
    inner.span = w.facts.span;
    inner.transaction = w.facts.transaction;
    inner.savepoint_depth = w.facts.savepoint_depth;
    inner.settings = w.facts.settings;
    inner.sql = sql;  // the rules read the statement's own text (its parse locations are into it)
    model::model_statement(parsed.stmt, inner, w.ctx);
    // A write inside a FOR loop over every row of a table runs once per row: row-by-row work
    // over the whole table.
    if (!w.loops.empty() && model::target_relation(parsed.stmt) != nullptr) {
        const std::string& table = w.loops.back();
        model::add_scan(inner, table, inner.tag + " runs once for every row of " + table + " (a FOR loop over them)");
        for (auto& e : inner.scans.edit()) e.per_row = e.per_row || e.relation == table;
    }
    if (w.hooks) w.hooks->statement(parsed.stmt, inner, w.what == "DO block" ? file_line(w, where) : 0, w.branches > 0);
    ++w.analysed;
    if (inner.status == StatementStatus::Unknown) {
        w.hidden.push_back((inner.tag.empty() ? parsed.kind : inner.tag) + at_line(w, where));
    }
    if (inner.no_transaction_block) {
        w.facts.notes.push_back((inner.tag.empty() ? parsed.kind : inner.tag) + at_line(w, where) +
                                " cannot run inside " + (w.what == "DO block" ? "a DO block: DO" : w.what + ": a function") +
                                " always runs in a transaction");
    }
    merge_facts(w.facts, inner, w.conditional > 0, &w.locks);
}

// Conditions, loop queries and assignments read tables too (catalog look-ups are skipped).
// `read`: `expr` parsed already into the same arena (model_query's parse).
void model_expression(Walk& w, const std::string& expr, ParsedStatement* read = nullptr) {
    static const std::shared_ptr<void> k_none;
    const std::shared_ptr<void>& arena = w.hooks ? w.hooks->arena() : k_none;
    ParsedStatement parsed = read != nullptr ? std::move(*read) : parse_statement(expr, arena);
    if (parsed.failure) parsed = parse_statement("SELECT " + expr, arena);
    // An assignment, "target[subscripts] := value", parsed as PostgreSQL parses it: the calls of
    // its target's subscripts run as its value's do (`a[f()] := 1` runs f()); its value reads.
    const pg::Node* reads = parsed.stmt;
    if (parsed.failure) {
        parsed = parse_plpgsql_assignment(expr, arena);
        if (const auto* assign = pg::as<PLAssignStmt>(parsed.stmt)) reads = reinterpret_cast<const pg::Node*>(assign->val);
    }
    if (parsed.failure) {
        // Not read as PostgreSQL reads it: its value at least.
        if (std::size_t assign = expr.find(":="); assign != std::string::npos) {
            parsed = parse_statement("SELECT " + expr.substr(assign + 2), arena);
            reads = parsed.stmt;
        }
    }
    if (parsed.failure || reads == nullptr) return;
    note_session_setting(w, parsed.stmt, nullptr);
    if (w.hooks) w.hooks->expression(parsed.stmt, w.facts);
    for (const RangeVar* rv : model::query_range_vars(reads)) {
        if (is_catalog(rv)) continue;
        if (w.conditional > 0) {
            model::add_conditional_lock(w.facts, w.ctx, std::string(pg::relname(rv)), pg::display_name(rv), LockMode::AccessShare,
                                        w.what + ": an expression reads it");
        } else {
            model::lock_range_var(w.facts, w.ctx, rv, LockMode::AccessShare, w.what + ": an expression reads it");
        }
    }
}

const std::shared_ptr<void>& arena_of(const Walk& w) {
    static const std::shared_ptr<void> k_none;
    return w.hooks ? w.hooks->arena() : k_none;
}

std::string expr_text(const json& stmt, std::string_view name) {
    return member(member(stmt, name), "PLpgSQL_expr").value("query", std::string());
}

// A data-modifying WITH: PostgreSQL allows one only in the top-level WITH of a statement.
bool modifies_in_with(const pg::Node* stmt) {
    const auto* select = pg::as<SelectStmt>(stmt);
    if (select == nullptr || select->withClause == nullptr) return false;
    for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(select->withClause->ctes)) {
        if (pg::as<SelectStmt>(cte->ctequery) == nullptr) return true;
    }
    return false;
}

// Every query the body holds: conditions and assignments, and the queries a statement runs for
// its rows (FOR r IN query, OPEN c FOR query, RETURN QUERY query, PERFORM). PostgreSQL 15 runs
// a DELETE/UPDATE/INSERT ... RETURNING, or a SELECT with a data-modifying WITH, in any of those
// (checked on a real server: `FOR r IN DELETE FROM t RETURNING id LOOP` deletes; without
// RETURNING it fails "cannot open DELETE query as cursor"), so such a query is modelled as the
// statement it is; a plain SELECT is read as an expression.
void model_query(Walk& w, const std::string& query, const json& where) {
    ParsedStatement parsed = parse_statement(query, arena_of(w));
    if (parsed.failure || (pg::as<SelectStmt>(parsed.stmt) != nullptr && !modifies_in_with(parsed.stmt))) {
        model_expression(w, query, &parsed);
        return;
    }
    model_sql(w, query, where, &parsed);
}

// EXECUTE of text that folds to a constant (a literal, `||` of literals, format() with constant
// arguments, variables holding a constant) is static SQL after all; anything else is not visible.
// `form` names the statement: EXECUTE, OPEN ... FOR EXECUTE, RETURN QUERY EXECUTE.
void model_dynamic(Walk& w, const json& stmt, const std::string& expr, std::string_view form) {
    if (auto sql = fold_text(expr, w.constants, w.budget, arena_of(w), &w.ctx)) {
        ParsedStatement literal = parse_statement("SELECT " + expr);  // freed on return, like fold_text's
        const SelectStmt* select = pg::as<SelectStmt>(literal.stmt);
        const ResTarget* target = select != nullptr ? pg::as<ResTarget>(pg::nth(select->targetList, 0)) : nullptr;
        if (target == nullptr || pg::as<A_Const>(target->val) == nullptr) {
            w.facts.notes.push_back(std::string(form) + at_line(w, stmt) + " runs text built of constants, read as: " + sql->substr(0, 200) +
                                    (sql->size() > 200 ? "..." : ""));
        }
        // The text may hold several statements: PostgreSQL 15 runs them all, in order, for
        // EXECUTE with or without USING and INTO (spi.c's _SPI_execute_plan runs each raw
        // statement of the string; INTO takes the last one's row). Checked on a real server:
        // `EXECUTE 'ANALYZE a; TRUNCATE a'` empties a. FOR ... IN EXECUTE, OPEN ... FOR EXECUTE
        // and RETURN QUERY EXECUTE fail on several ("cannot open multi-query plan as cursor",
        // "DELETE query does not return tuples"), but only after running what comes first
        // for RETURN QUERY: every statement is read there too, which reports more, never less.
        const std::vector<RawStatement> parts = split_statements(*sql, Region{0, sql->size(), false, false});
        if (parts.size() > 1) {
            w.facts.notes.push_back(std::string(form) + at_line(w, stmt) + " runs text of " + std::to_string(parts.size()) +
                                    " statements: each is analysed");
        }
        if (parts.empty()) {
            model_sql(w, *sql, stmt);
            return;
        }
        for (const RawStatement& part : parts) {
            if (part.unterminated_quote) {
                w.hidden.push_back("dynamic SQL with an unterminated quote (" + std::string(form) + ")" + at_line(w, stmt));
                continue;
            }
            const std::string text = sql->substr(part.begin, part.end - part.begin);
            // A setting that changes how the statements after the block are read (SET
            // standard_conforming_strings = off built of pieces): the block is not followed
            // that far, so it is unknown, and the analyzer reads what follows it as it may be.
            ParsedStatement parsed = parse_statement(text);
            if (!parsed.failure) {
                const LexingChange change = lexing_change(parsed.stmt, text);
                if (change.changes || change.maybe) {
                    w.hidden.push_back("dynamic SQL that may change how PostgreSQL reads the statements after it (" +
                                       (change.what.empty() ? std::string("a setting") : change.what.substr(0, 80)) + ", " +
                                       std::string(form) + ")" + at_line(w, stmt));
                }
            }
            model_sql(w, text, stmt);
        }
        return;
    }
    w.hidden.push_back("dynamic SQL (" + std::string(form) + " " + expr.substr(0, 60) + (expr.size() > 60 ? "..." : "") + ")" + at_line(w, stmt));
}

int walk(Walk& w, const json& node);

// The query of the bound cursor an OPEN or a FOR loop names: it runs there, with its arguments.
void model_cursor(Walk& w, const json& stmt) {
    const json& curvar = member(stmt, "curvar");
    auto found = w.cursors.find(curvar.is_number_integer() ? curvar.get<int>() : -1);
    if (found == w.cursors.end()) {
        w.hidden.push_back("a cursor whose query is not in the body" + at_line(w, stmt));
        return;
    }
    model_query(w, found->second, stmt);
}

// The statement kinds the walk reads (PostgreSQL 15's pl_funcs.c lists them all); any other is unknown.
const std::set<std::string, std::less<>> k_read_kinds = {
    "PLpgSQL_stmt_block",  "PLpgSQL_stmt_assign",      "PLpgSQL_stmt_if",         "PLpgSQL_stmt_case",
    "PLpgSQL_stmt_loop",   "PLpgSQL_stmt_while",       "PLpgSQL_stmt_fori",       "PLpgSQL_stmt_fors",
    "PLpgSQL_stmt_forc",   "PLpgSQL_stmt_foreach_a",   "PLpgSQL_stmt_exit",       "PLpgSQL_stmt_return",
    "PLpgSQL_stmt_return_next", "PLpgSQL_stmt_return_query", "PLpgSQL_stmt_raise", "PLpgSQL_stmt_assert",
    "PLpgSQL_stmt_execsql", "PLpgSQL_stmt_dynexecute", "PLpgSQL_stmt_dynfors",    "PLpgSQL_stmt_getdiag",
    "PLpgSQL_stmt_open",   "PLpgSQL_stmt_fetch",       "PLpgSQL_stmt_close",      "PLpgSQL_stmt_perform",
    "PLpgSQL_stmt_call",
    // COMMIT and ROLLBACK in a DO block or procedure end the transaction and start another: the
    // statements on either side are read as they are, and judging them as one transaction holding
    // every lock to the end, with the rolled-back writes still counted, reports more, never less.
    "PLpgSQL_stmt_commit", "PLpgSQL_stmt_rollback"};

// The members of a control statement that may not run: branches, loop bodies, the body of a
// block with an EXCEPTION clause and its handlers. Conditions and loop queries always run.
bool runs_maybe(std::string_view statement, std::string_view member, const json& value) {
    if (statement == "PLpgSQL_stmt_block") return member == "exceptions" || (member == "body" && value.contains("exceptions"));
    return member == "then_body" || member == "elsif_list" || member == "else_body" || member == "case_when_list" ||
           member == "else_stmts" || member == "body";
}

bool is_control(std::string_view key) {
    return key == "PLpgSQL_stmt_if" || key == "PLpgSQL_stmt_case" || key == "PLpgSQL_stmt_loop" || key == "PLpgSQL_stmt_while" ||
           key == "PLpgSQL_stmt_fori" || key == "PLpgSQL_stmt_fors" || key == "PLpgSQL_stmt_forc" ||
           key == "PLpgSQL_stmt_foreach_a" || key == "PLpgSQL_stmt_block";
}

// FOR r IN query LOOP ... END LOOP: a query over every row of one table is a scan of it, and
// what the body writes, it writes once per row. The table, or "" when the query is not that.
std::string loop_table(Walk& w, const json& stmt) {
    std::string query = member(member(stmt, "query"), "PLpgSQL_expr").value("query", std::string());
    static const std::shared_ptr<void> k_none;
    ParsedStatement parsed = parse_statement(query, w.hooks ? w.hooks->arena() : k_none);
    const RangeVar* rv = parsed.failure ? nullptr : model::whole_table_read(parsed.stmt, w.ctx);
    const RelationInfo* info = rv != nullptr ? w.ctx.catalog.find(std::string(pg::relname(rv))) : nullptr;
    if (rv == nullptr || is_catalog(rv) || (info != nullptr && info->is_new)) return {};  // a new table's rows are the migration's own
    std::string table = pg::display_name(rv);
    model::add_scan(w.facts, table, w.what + ": the FOR loop" + at_line(w, stmt) + " reads every row of " + table);
    return table;
}

// The variables the walk may follow: those of a name no other datum has, never the target of
// INTO, FETCH, GET DIAGNOSTICS, a FOR or FOREACH loop, OPEN or a CALL, and assigned with `:=` only where the statement
// runs once, in order (not in a loop, a branch or a block that catches errors). The others
// are never read as constants.
void poison_writes(Walk& w, const json& node, bool nested, std::set<std::string, std::less<>>& poisoned,
                   std::set<std::string, std::less<>>& assigned) {
    auto name_of = [&](const json& varno) {
        const int n = varno.is_number_integer() ? varno.get<int>() : -1;
        return n >= 0 && static_cast<std::size_t>(n) < w.datum_names.size() ? w.datum_names[static_cast<std::size_t>(n)] : std::string();
    };
    if (node.is_array()) {
        for (const auto& n : node) poison_writes(w, n, nested, poisoned, assigned);
        return;
    }
    if (!node.is_object()) return;
    for (const auto& [key, value] : node.items()) {
        if (key == "PLpgSQL_stmt_assign") {
            assigned.insert(name_of(member(value, "varno")));
            if (nested) poisoned.insert(name_of(member(value, "varno")));
            continue;  // its expression names no datum by number: the `:=` is read by assign()
        }
        if ((key == "varno" || key == "target" || key == "curvar") && value.is_number_integer()) {
            // A datum written by number anywhere but a `:=`: FOREACH's variable
            // (PLpgSQL_stmt_foreach_a.varno), GET DIAGNOSTICS' target, a row field of INTO,
            // RETURNING INTO or FETCH INTO, OPEN's cursor. Its value is not a constant from
            // then on (the walk does not know which one runs last), so it is never followed.
            poisoned.insert(name_of(value));
        } else if (key == "PLpgSQL_var" || key == "PLpgSQL_rec") {
            poisoned.insert(value.value("refname", std::string()));  // a FOR loop's variable, an INTO target
        } else if (key == "fields" && value.is_array()) {
            for (const auto& f : value) poisoned.insert(f.value("name", std::string()));  // INTO a row
        } else if (key == "PLpgSQL_stmt_call") {
            // An INOUT argument writes the variable passed: every name in the call is left alone.
            const std::string call = member(member(value, "expr"), "PLpgSQL_expr").value("query", std::string());
            std::string word;
            for (char c : call + " ") {
                if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
                    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                } else if (!word.empty()) {
                    poisoned.insert(word);
                    word.clear();
                }
            }
        }
        const bool runs_once = !is_control(key) || (key == "PLpgSQL_stmt_block" && !value.contains("exceptions"));
        poison_writes(w, value, nested || !runs_once || key == "PLpgSQL_stmt_dynfors", poisoned, assigned);
    }
}

void foldable_variables(Walk& w, const json& function) {
    std::map<std::string, int, std::less<>> names;
    const json& datums = member(function, "datums");
    for (const auto& datum : datums) {
        const std::string cursor = expr_text(member(datum, "PLpgSQL_var"), "cursor_explicit_expr");
        if (!cursor.empty()) w.cursors[static_cast<int>(w.datum_names.size())] = cursor;
        std::string name;
        for (const auto& [kind, d] : datum.items()) {
            name = d.value("refname", std::string());
            if (kind != "PLpgSQL_var") ++names[name];  // a record or row of the same name shadows it
        }
        w.datum_names.push_back(name);
        ++names[name];
    }
    std::set<std::string, std::less<>> poisoned, assigned;
    for (const auto& datum : datums) {  // the rows INTO targets name
        for (const auto& f : member(member(datum, "PLpgSQL_row"), "fields")) poisoned.insert(f.value("name", std::string()));
    }
    poison_writes(w, member(function, "action"), false, poisoned, assigned);
    for (const auto& datum : datums) {
        const json& var = member(datum, "PLpgSQL_var");
        const std::string name = var.value("refname", std::string());
        if (name.empty() || names[name] != 1 || poisoned.contains(name)) continue;
        // Only text variables: varchar(n), char(n) and name cut what is assigned to them, and the
        // parse tree keeps the type's name without its length.
        const std::string type = member(member(var, "datatype"), "PLpgSQL_type").value("typname", std::string());
        if (type != "text") continue;
        w.followed.insert(name);
    }
    // The defaults, in declaration order: only of variables no `:=` changes, so that a block's
    // default reads what it will read wherever the block starts.
    FoldedVariables fixed;
    for (const auto& datum : datums) {
        const json& var = member(datum, "PLpgSQL_var");
        const std::string name = var.value("refname", std::string());
        if (!w.followed.contains(name)) continue;
        const std::string value = member(member(var, "default_val"), "PLpgSQL_expr").value("query", std::string());
        if (value.empty()) continue;
        auto folded = fold_text(value, fixed, w.budget, arena_of(w), &w.ctx);
        if (!folded) continue;
        w.constants[name] = *folded;
        if (!assigned.contains(name)) fixed[name] = std::move(*folded);
    }
}

// `target := value`: what the variable holds from here on, when the walk follows it.
void assign(Walk& w, const json& stmt) {
    const int varno = member(stmt, "varno").get<int>();
    if (varno < 0 || static_cast<std::size_t>(varno) >= w.datum_names.size()) return;
    const std::string& name = w.datum_names[static_cast<std::size_t>(varno)];
    if (!w.followed.contains(name)) return;
    w.constants.erase(name);
    if (w.conditional > 0) return;  // after an IF ... RETURN: it may not run
    const std::string text = member(member(stmt, "expr"), "PLpgSQL_expr").value("query", std::string());
    std::size_t op = text.find(":=");
    std::size_t skip = 2;
    if (op == std::string::npos) {
        op = text.find('=');
        skip = 1;
    }
    if (op == std::string::npos) return;
    std::string target = text.substr(0, op);
    std::erase_if(target, [](unsigned char c) { return std::isspace(c); });
    std::transform(target.begin(), target.end(), target.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (target != name) return;  // an element or field, a quoted name: not followed
    if (auto value = fold_text(text.substr(op + skip), w.constants, w.budget, arena_of(w), &w.ctx)) w.constants[name] = std::move(*value);
}

// DECLARE v type := expr / DEFAULT expr: PostgreSQL evaluates it each time its block is entered
// (pl_exec.c exec_stmt_block), so its calls run as an assignment's do. The parse tree keeps every
// block's variables in the function's one list, without saying which block declares them: each
// default is read as running where the body starts, which reports a nested block's more surely
// than it runs, never less.
// Known functions that do something besides computing a value (sequences, other sessions,
// locks, files, settings, notifications, slots, SQL given as text): a DECLARE default calling
// one of them is judged. Every other function PostgreSQL ships only computes (known_functions.txt).
bool acts(std::string_view name) {
    static const std::set<std::string_view> k_acting = {
        "setval", "nextval", "pg_terminate_backend", "pg_cancel_backend", "pg_advisory_lock",
        "pg_advisory_lock_shared", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared",
        "pg_try_advisory_lock", "pg_try_advisory_xact_lock", "lo_import", "lo_export", "lo_unlink",
        "lo_create", "lo_creat", "lo_from_bytea", "lo_put", "pg_reload_conf", "set_config", "pg_notify",
        "pg_sleep", "pg_sleep_for", "pg_sleep_until", "pg_switch_wal", "pg_rotate_logfile",
        "pg_create_physical_replication_slot", "pg_create_logical_replication_slot",
        "pg_drop_replication_slot", "pg_logical_emit_message", "query_to_xml", "query_to_xmlschema",
        "query_to_xml_and_xmlschema", "table_to_xml", "cursor_to_xml", "pg_stat_reset",
        "pg_file_write", "pg_read_file", "pg_import_system_collations", "pg_copy_logical_replication_slot"};
    return k_acting.count(name) > 0 || name.starts_with("dblink");  // SQL run on a connection (the dblink extension)
}

// Whether a default's expression calls anything that does something: a function PostgreSQL does
// not ship (one with a body, or an extension's such as dblink_exec: followed or unknown) or one
// of those above. A constant or a computation (`100`, `now()`, `lower($1)`) does nothing and is
// not a statement of its own for the rules (hatchet v1_0_103.sql: `batch_size INT := 100`).
bool default_acts(const std::string& value, const std::shared_ptr<void>& arena) {
    ParsedStatement parsed = parse_statement("SELECT " + value, arena);
    if (parsed.failure || parsed.stmt == nullptr) return true;  // unread: judged, as before
    bool found = false;
    auto visit = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr || found) return;
        if (const auto* call = pg::as<FuncCall>(n)) {
            const std::string name(pg::last_name(call->funcname));
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (!is_known_function(lower) || acts(lower)) found = true;
        }
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    visit(visit, parsed.stmt);
    return found;
}

// A variable's type as the body names it ("public.D[]", "\"D\"", "numeric(10,2)"): its last name, as
// PostgreSQL folds it (an unquoted one to lower case), for the catalog's domains.
std::string variable_type(std::string typname) {
    if (const auto cut = typname.find_first_of("[("); cut != std::string::npos) typname.resize(cut);
    while (!typname.empty() && typname.back() == ' ') typname.pop_back();
    if (!typname.empty() && typname.back() == '"') {
        const auto open = typname.rfind('"', typname.size() - 2);
        return open == std::string::npos ? std::string() : typname.substr(open + 1, typname.size() - open - 2);
    }
    if (const auto dot = typname.rfind('.'); dot != std::string::npos) typname = typname.substr(dot + 1);
    std::transform(typname.begin(), typname.end(), typname.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return typname;
}

// libpg_query keeps no type for a variable of a type it does not ship (a domain): it gives a
// PLpgSQL_rec with the name only. The words after each name in the text ("v d", "v CONSTANT
// public.d"), by the name folded: the types a variable of that name may be declared of. One pass.
std::map<std::string, std::vector<std::string>> variable_types(std::string_view text) {
    std::map<std::string, std::vector<std::string>> out;
    auto word = [&](const Token& t) {
        return variable_type(std::string(text.substr(t.begin, t.end - t.begin)));
    };
    Tokenizer tokens(text);
    Token t, before, prior;
    bool have_before = false;
    std::vector<std::string>* qualified = nullptr;  // "v public.d": the name after the dot is the type too
    bool dot = false;
    while (tokens.next(t)) {
        if (t.is_comment()) continue;
        const bool name = t.kind == TokenKind::Word || t.kind == TokenKind::QuotedIdent;
        if (name && dot && qualified != nullptr && qualified->size() < 8) qualified->push_back(word(t));
        dot = qualified != nullptr && t.is_symbol(text, '.');
        if (!dot) qualified = nullptr;
        if (name && have_before) {
            std::string var = word(before);
            std::string type = word(t);
            if (type == "constant") {  // "v CONSTANT d": the next word
                prior = before;
                before = t;
                continue;
            }
            if (var == "constant" && prior.end != 0) var = word(prior);
            std::vector<std::string>& types = out[var];
            if (types.size() < 8 && std::find(types.begin(), types.end(), type) == types.end()) types.push_back(std::move(type));
            qualified = &types;
        }
        prior = before;
        before = t;
        have_before = name;
    }
    return out;
}

void model_defaults(Walk& w, const json& datums) {
    if (!datums.is_array()) return;
    std::set<std::string> types;  // each type's conversion followed once per body
    std::optional<std::map<std::string, std::vector<std::string>>> written;
    for (const auto& datum : datums) {
        if (!datum.is_object()) continue;
        // Of a domain: its DECLARE checks its value, NULL too (pl_exec.c exec_stmt_block).
        if (const json& var = member(datum, "PLpgSQL_var"); w.hooks != nullptr && var.is_object()) {
            std::string type = variable_type(member(member(var, "datatype"), "PLpgSQL_type").value("typname", std::string()));
            if (!type.empty() && types.insert(type).second) w.hooks->variable(type, var.value("refname", std::string()), w.facts);
        }
        if (const json& rec = member(datum, "PLpgSQL_rec"); w.hooks != nullptr && rec.is_object()) {
            if (!written) written = variable_types(w.text);
            const std::string name = variable_type(rec.value("refname", std::string()));
            if (auto it = written->find(name); it != written->end()) {
                for (const std::string& type : it->second) {
                    if (types.insert(type).second) w.hooks->variable(type, name, w.facts);
                }
            }
        }
        for (const auto& [kind, d] : datum.items()) {
            const std::string value = expr_text(d, "default_val");
            if (value.empty() || !default_acts(value, arena_of(w))) continue;
            // PL/pgSQL runs it as `SELECT expr` (exec_eval_expr): read as PERFORM's query is, a
            // statement the rules judge (setval, pg_terminate_backend) whose calls are followed.
            const json* outer = w.statement;
            w.statement = &d;  // its line: the declaration's
            model_sql(w, "SELECT " + value, d);
            w.statement = outer;
        }
    }
}

// What a part of the body that may not run created (a branch, a loop's body, a block whose
// EXCEPTION clause catches its failure: `IF NOT EXISTS (...) THEN CREATE TABLE t`, `BEGIN CREATE
// TABLE t; EXCEPTION WHEN duplicate_table THEN NULL; END`) is new inside that part only: after it,
// an earlier table of that name may be what the name stands for, so it is judged as existing.
void forget_new(Walk& w, std::size_t from) {
    const std::vector<std::string>& added = w.ctx.catalog.added();
    for (std::size_t i = from; i < added.size(); ++i) {
        const RelationInfo* info = std::as_const(w.ctx.catalog).find(added[i]);
        if (info == nullptr || !info->is_new) continue;
        RelationInfo* own = w.ctx.catalog.find(added[i]);
        own->is_new = false;
        own->created_as = 0;
    }
}

constexpr int k_returns = 1;  // a RETURN: leaves the body
constexpr int k_exits = 2;    // an EXIT: leaves its loop

// Walks `node`; what it holds that leaves it (k_returns, k_exits): what follows it in its
// list may then not run.
int walk(Walk& w, const json& node) {
    if (node.is_array()) {
        int leaves = 0;
        int after_leave = 0;
        for (const auto& n : node) {
            int left = walk(w, n);
            if (left == 0) continue;
            leaves |= left;
            // `IF ... THEN RETURN; END IF;` then statements: those run only when it did not return.
            if (after_leave == 0) {
                after_leave = 1;
                ++w.conditional;
            }
        }
        w.conditional -= after_leave;
        return leaves;
    }
    if (!node.is_object()) return 0;
    int leaves = 0;
    const json* outer = w.statement;
    for (const auto& [key, value] : node.items()) {
        if (key.starts_with("PLpgSQL_stmt_")) w.statement = &value;
        if (key == "PLpgSQL_stmt_return") leaves |= k_returns;
        if (key == "PLpgSQL_stmt_exit") leaves |= k_exits;
        if (is_control(key) && value.is_object()) {
            // An EXIT in a loop ends the loop, not the list the loop is in (an EXIT naming an
            // outer loop's label is taken as this loop's own).
            const bool loop = key != "PLpgSQL_stmt_if" && key != "PLpgSQL_stmt_case" && key != "PLpgSQL_stmt_block";
            const std::string table = key == "PLpgSQL_stmt_fors" ? loop_table(w, value) : std::string();
            if (!table.empty()) w.loops.push_back(table);
            if (key == "PLpgSQL_stmt_forc") model_cursor(w, value);  // FOR r IN c(args) LOOP
            for (const auto& [member, inner] : value.items()) {
                const bool maybe = runs_maybe(key, member, value);
                const bool branch = maybe && (key == "PLpgSQL_stmt_if" || key == "PLpgSQL_stmt_case");
                const std::size_t created = w.ctx.catalog.added().size();
                w.conditional += maybe ? 1 : 0;
                w.branches += branch ? 1 : 0;
                int left = walk(w, inner);
                leaves |= loop ? (left & k_returns) : left;
                w.conditional -= maybe ? 1 : 0;
                w.branches -= branch ? 1 : 0;
                if (maybe) forget_new(w, created);
            }
            if (!table.empty()) w.loops.pop_back();
        } else if (key == "PLpgSQL_stmt_execsql") {
            model_sql(w, member(member(value, "sqlstmt"), "PLpgSQL_expr").value("query", std::string()), value);
        } else if (key == "PLpgSQL_stmt_dynexecute" || key == "PLpgSQL_stmt_dynfors") {
            model_dynamic(w, value, expr_text(value, "query"), key == "PLpgSQL_stmt_dynfors" ? "FOR ... IN EXECUTE" : "EXECUTE");
            leaves |= walk(w, member(value, "params"));  // USING's expressions
            if (value.contains("body")) {
                ++w.conditional;
                leaves |= walk(w, value["body"]) & k_returns;
                --w.conditional;
            }
        } else if (key == "PLpgSQL_stmt_perform" && w.hooks) {
            // PERFORM runs its query as a SELECT whose result is thrown away: a statement the
            // rules read like any other (PERFORM pg_terminate_backend(pid) FROM pg_stat_activity).
            std::string query = member(member(value, "expr"), "PLpgSQL_expr").value("query", std::string());
            std::size_t start = query.find_first_not_of(" \t\r\n");
            const bool select = start != std::string::npos && query.size() - start >= 6 &&
                                std::equal(query.begin() + static_cast<long>(start), query.begin() + static_cast<long>(start) + 6,
                                           "SELECT", [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; });
            model_sql(w, select ? query : "SELECT " + query, value);
        } else if (key == "PLpgSQL_stmt_assign") {
            leaves |= walk(w, value);  // what its expression reads
            assign(w, value);
        } else if ((key == "PLpgSQL_stmt_commit" || key == "PLpgSQL_stmt_rollback") && w.what == "DO block") {
            // A DO block that COMMITs runs only outside a transaction block, alone in its query
            // (PostgreSQL's SPI_commit: "invalid transaction termination" inside one); the plan's
            // batched walk is such a block.
            w.facts.no_transaction_block = true;
        } else if (key == "PLpgSQL_stmt_call" && w.hooks) {
            // The procedure is followed like any call (function_calls.cpp).
            model_sql(w, member(member(value, "expr"), "PLpgSQL_expr").value("query", std::string()), value);
        } else if (key == "PLpgSQL_stmt_call") {
            w.hidden.push_back("CALL" + at_line(w, value));
        } else if (key == "PLpgSQL_stmt_open" || key == "PLpgSQL_stmt_return_query") {
            const bool open = key == "PLpgSQL_stmt_open";
            if (value.contains("dynquery")) {
                model_dynamic(w, value, expr_text(value, "dynquery"), open ? "OPEN ... FOR EXECUTE" : "RETURN QUERY EXECUTE");
            } else if (open && !value.contains("query")) {
                model_cursor(w, value);  // OPEN c(args) of a bound cursor
            }
            for (const auto& [name, inner] : value.items()) {
                if (name != "dynquery") leaves |= walk(w, inner);
            }
        } else if (key == "PLpgSQL_expr") {
            model_query(w, value.value("query", std::string()), w.statement != nullptr ? *w.statement : value);
        } else if (key.starts_with("PLpgSQL_stmt_") && !k_read_kinds.contains(key)) {
            // Any kind this walk does not know (one a newer PostgreSQL adds): what it does is not modelled.
            std::string kind(key.substr(13));
            std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            w.hidden.push_back("PL/pgSQL " + kind + at_line(w, value) + ", which pgfence does not model");
        } else if (key == "datums") {
            model_defaults(w, value);
        } else {
            leaves |= walk(w, value);
        }
    }
    w.statement = outer;
    return leaves;
}

}  // namespace

bool model_plpgsql_body(std::string_view body, std::string_view what, StatementFacts& facts, model::Context& ctx,
                        int body_line, BodyHooks* hooks, std::string_view definition) {
    ParsedStatement parsed = definition.empty() ? parse_plpgsql_body(body) : parse_plpgsql_function(definition);
    if (parsed.failure) {
        facts.status = StatementStatus::Unknown;
        facts.notes.push_back((what == "DO block" ? std::string("the DO block") : std::string(what)) +
                              "'s PL/pgSQL does not parse: " + parsed.failure->message);
        return false;
    }
    Walk w{facts, ctx, body_line, hooks, std::string(what), 0, {}, {}, 0, 0, {}, {}, {}, {}, {}, {}, nullptr};
    w.budget.bytes = 4 * (definition.empty() ? body.size() : definition.size()) + 65536;
    w.text = definition.empty() ? body : definition;
    foldable_variables(w, member(parsed.node, "PLpgSQL_function"));
    (void)walk(w, parsed.node);
    facts.notes.push_back(std::string(what) + ": " + std::to_string(w.analysed) +
                          (w.analysed == 1 ? " statement" : " statements") +
                          " analysed; its locks are the union over every branch");
    if (!w.hidden.empty()) {
        facts.status = StatementStatus::Unknown;
        facts.runs_user_code = true;
        for (const auto& h : w.hidden) facts.notes.push_back("not visible to static analysis: " + h);
    }
    return true;
}

void model_do_block(const DoStmt* stmt, StatementFacts& facts, model::Context& ctx, int body_line, BodyHooks* hooks) {
    facts.tag = "DO";
    std::string body;
    std::string language = "plpgsql";
    for (const DefElem* d : pg::each<DefElem>(stmt->args)) {
        std::string_view name = pg::text(d->defname);
        std::string value(pg::text(d->arg));
        if (name == "as") body = value;
        if (name == "language") language = value;
    }
    if (language != "plpgsql") {
        facts.status = StatementStatus::Unknown;
        facts.runs_user_code = true;
        facts.notes.push_back("DO block in " + language + ": its locks are not visible to static analysis");
        return;
    }
    model_plpgsql_body(body, "DO block", facts, ctx, body_line, hooks);
}

// Whether a PL/pgSQL trigger function's body returns NULL whatever its rows: the first RETURN at
// the top level of its body is RETURN NULL, and no statement before it holds a RETURN of its own
// (an IF that returns NEW first makes it a filter), read by trigger_body_statements.
bool trigger_returns_null_always(std::string_view body) {
    ParsedStatement parsed;
    const Node* statements = trigger_body_statements(body, parsed);
    if (statements == nullptr) return false;
    for (const auto& stmt : *statements) {
        if (stmt.contains("PLpgSQL_stmt_return")) {
            std::string word;
            for (char c : member(member(stmt["PLpgSQL_stmt_return"], "expr"), "PLpgSQL_expr").value("query", std::string())) {
                if (std::isspace(static_cast<unsigned char>(c)) == 0) word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            return word == "NULL";
        }
        if (stmt.dump().find("PLpgSQL_stmt_return") != std::string::npos) return false;
    }
    return false;
}

}  // namespace pgfence::analyze
