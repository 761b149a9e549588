#include "analyze/model/stored_calls.hpp"
#include <utility>

#include <algorithm>
#include <map>
#include <set>

#include "analyze/model/function_calls.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/rule_actions.hpp"

namespace pgfence::analyze {

namespace calls {

namespace {
using KeptNames = std::map<const pg::Node*, std::optional<CallsAndOperators>>;
thread_local KeptNames* t_kept_names = nullptr;
}  // namespace

NamesKept::NamesKept() : m_outer(t_kept_names) { t_kept_names = new KeptNames(); }
NamesKept::~NamesKept() {
    delete t_kept_names;
    t_kept_names = static_cast<KeptNames*>(m_outer);
}

std::optional<CallsAndOperators> names_in(const pg::Node* node) {
    if (t_kept_names == nullptr) return calls_and_operators_in(node);
    auto it = t_kept_names->find(node);
    if (it == t_kept_names->end()) it = t_kept_names->emplace(node, calls_and_operators_in(node)).first;
    return it->second;
}

StatementFacts facts_inside(const StatementFacts& facts) {
    StatementFacts inner;
    inner.index = facts.index;
    inner.span = facts.span;
    inner.transaction = facts.transaction;
    inner.savepoint_depth = facts.savepoint_depth;
    inner.settings = facts.settings;
    return inner;
}

std::vector<std::shared_ptr<const FunctionInfo>> matching(const Catalog& catalog, const std::string& name,
                                                          const std::string& schema) {
    std::vector<std::shared_ptr<const FunctionInfo>> out;  // the catalog may change while they run
    if (schema == "pg_catalog") return out;
    if (const auto* overloads = catalog.functions(name)) {
        for (const auto& f : *overloads) {
            if (schema.empty() || f->schema.empty() || f->schema == schema) out.push_back(f);
        }
    }
    return out;
}

}  // namespace calls

namespace {

// Whether the application already uses relation `relname`: it was not made in this file, or the
// file made it again under a name that existed when the file began (DROP VIEW v; CREATE VIEW v),
// or it is a partition or child of one the application uses (rows written there reach it).
bool application_uses(const std::string& relname, const Catalog& catalog, const Catalog* start, int depth = 0) {
    const RelationInfo* now = std::as_const(catalog).find(relname);
    if (now == nullptr || !now->is_new) return true;
    if (start != nullptr && start->find(relname) != nullptr) return true;
    if (depth < 8 && !now->parent.empty() && now->parent != relname) return application_uses(now->parent, catalog, start, depth + 1);
    return false;
}

std::string shown(const Catalog& catalog, const RangeVar* rv) {
    const RelationInfo* info = std::as_const(catalog).find(std::string(pg::relname(rv)));
    return info != nullptr ? info->display : pg::display_name(rv);
}

// Whether a body's note that a statement of it is unknown only repeats that statement's own note
// ("DELETE (line 21)", plpgsql.cpp's hidden list): the statement's note says why.
bool repeats_a_statement(std::string_view why) {
    if (std::size_t line = why.rfind(" (line "); line != std::string_view::npos && why.ends_with(")")) why = why.substr(0, line);
    if (why.ends_with("Stmt") && why.find(' ') == std::string_view::npos) return true;
    return !why.empty() && std::all_of(why.begin(), why.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == ' '; });
}

// ": <why>" of the first thing `facts` (a body run apart) says pgfence cannot see; "" when it says
// nothing but that a trigger fires itself again (the body is the one read already), or only
// repeats a statement's note. `any`: whether it says anything at all.
std::string first_hidden(const StatementFacts& facts, bool& any) {
    constexpr std::string_view k_prefix = "not visible to static analysis: ";
    any = false;
    for (const std::string& note : facts.notes) {
        if (!note.starts_with(k_prefix)) continue;
        any = true;
        if (note.ends_with(" while it runs: the recursion is not followed")) continue;
        std::string why = note.substr(k_prefix.size());
        // "inside f() (trigger t on users, which runs it ...): <why>": the why, which says what.
        if (why.starts_with("inside ")) {
            if (std::size_t cut = why.find(": "); cut != std::string::npos) why = why.substr(cut + 2);
        }
        if (repeats_a_statement(why)) continue;
        return ": " + why.substr(0, 160) + (why.size() > 160 ? "..." : "");
    }
    return std::string();
}

StoredTarget on_relation(const Catalog& catalog, const Catalog* start, const RangeVar* rv, std::string object, std::string when) {
    StoredTarget t{std::move(object), std::move(when), false};
    t.reachable = rv != nullptr && application_uses(std::string(pg::relname(rv)), catalog, start);
    return t;
}

}  // namespace

std::optional<StoredTarget> stored_target(const pg::Node* stmt, const Catalog& catalog, const Catalog* start) {
    if (stmt == nullptr) return std::nullopt;
    switch (stmt->type) {
        // Run now, where function_calls.cpp follows their calls; or no call of theirs is kept.
        case T_SelectStmt: case T_InsertStmt: case T_UpdateStmt: case T_DeleteStmt: case T_MergeStmt:
        case T_CallStmt: case T_CopyStmt: case T_DeclareCursorStmt: case T_ExplainStmt: case T_PrepareStmt:
        case T_ExecuteStmt: case T_DoStmt: case T_ReturnStmt: case T_PLAssignStmt: case T_VariableSetStmt:
        case T_TransactionStmt: case T_CreateTableAsStmt:
        // A function's parameters' DEFAULTs run with its body (function_uses.hpp follows a new body
        // where existing objects call it); an event trigger runs on DDL, which the migrations'
        // later statements fire (function_calls.cpp).
        case T_CreateFunctionStmt: case T_CreateEventTrigStmt:
        // A new domain: no column has it yet (ADD COLUMN of it attaches its CHECKs), and a value
        // converted to it runs them where that statement runs (domain_checks.cpp).
        case T_CreateDomainStmt:
            return std::nullopt;
        case T_ViewStmt: {
            const auto* s = pg::as<ViewStmt>(stmt);
            const std::string name = shown(catalog, s->view);
            return on_relation(catalog, start, s->view, "view " + name, "on every read of " + name);
        }
        case T_AlterTableStmt: {
            const auto* s = pg::as<AlterTableStmt>(stmt);
            const std::string name = shown(catalog, s->relation);
            return on_relation(catalog, start, s->relation, "a DEFAULT, CHECK or generated column of " + name,
                               "on the application's INSERTs and UPDATEs of " + name);
        }
        case T_CreateStmt: {
            // A new table; a partition or child of one the application writes takes its rows.
            const auto* s = pg::as<CreateStmt>(stmt);
            const std::string name = shown(catalog, s->relation);
            StoredTarget t{"table " + name, "on the application's INSERTs and UPDATEs of " + name, false};
            for (const RangeVar* parent : pg::each<RangeVar>(s->inhRelations)) {
                if (!application_uses(std::string(pg::relname(parent)), catalog, start)) continue;
                t.reachable = true;
                t.when = "on the application's INSERTs and UPDATEs of " + shown(catalog, parent) + " that reach " + name;
            }
            if (!t.reachable) t.reachable = application_uses(std::string(pg::relname(s->relation)), catalog, start);
            return t;
        }
        case T_IndexStmt: {
            const auto* s = pg::as<IndexStmt>(stmt);
            const std::string table = shown(catalog, s->relation);
            return on_relation(catalog, start, s->relation,
                               (s->idxname != nullptr ? "index " + quote_ident(s->idxname) : std::string("an index")) + " on " + table,
                               "on the application's INSERTs and UPDATEs of " + table);
        }
        case T_CreateTrigStmt: {
            const auto* s = pg::as<CreateTrigStmt>(stmt);
            const std::string table = shown(catalog, s->relation);
            return on_relation(catalog, start, s->relation, "trigger " + quote_ident(pg::text(s->trigname)) + " on " + table,
                               "on the application's writes of " + table + " that fire it");
        }
        case T_RuleStmt: {
            const auto* s = pg::as<RuleStmt>(stmt);
            const std::string table = shown(catalog, s->relation);
            return on_relation(catalog, start, s->relation, "rule " + quote_ident(pg::text(s->rulename)) + " on " + table,
                               "on the application's statements on " + table + " that it rewrites");
        }
        case T_CreatePolicyStmt: {
            const auto* s = pg::as<CreatePolicyStmt>(stmt);
            return StoredTarget{"policy " + quote_ident(pg::text(s->policy_name)) + " on " + shown(catalog, s->table),
                                "on every read or write the policy applies to", true};
        }
        case T_AlterPolicyStmt: {
            const auto* s = pg::as<AlterPolicyStmt>(stmt);
            return StoredTarget{"policy " + quote_ident(pg::text(s->policy_name)) + " on " + shown(catalog, s->table),
                                "on every read or write the policy applies to", true};
        }
        case T_AlterDomainStmt: {
            const auto* s = pg::as<AlterDomainStmt>(stmt);
            const std::string domain = pg::length(s->typeName) > 0 ? std::string(pg::last_name(s->typeName)) : std::string();
            StoredTarget t{"domain " + quote_ident(domain), "on the application's writes of every column of domain " + quote_ident(domain), false};
            // A domain the migrations did not make: its columns are not known, so they may be the application's.
            const std::vector<std::string> tables = catalog.tables_using_type(domain);
            t.reachable = !catalog.domain_has_constraints(domain).has_value() && tables.empty();
            for (const std::string& table : tables) t.reachable = t.reachable || application_uses(table, catalog, start);
            return t;
        }
        case T_CreateCastStmt:
            return StoredTarget{"a cast", "wherever the cast is applied", true};
        case T_DefineStmt: {
            const auto* s = pg::as<DefineStmt>(stmt);
            const char* what = s->kind == OBJECT_OPERATOR ? "operator " : s->kind == OBJECT_AGGREGATE ? "aggregate " : s->kind == OBJECT_TYPE ? "type " : "";
            return StoredTarget{what + pg::qualified_name(s->defnames), "wherever it is used", true};
        }
        default:
            // Any other statement that holds a call keeps it where PostgreSQL runs it later.
            return StoredTarget{"what " + std::string(pg::kind_name(stmt)) + " stores", "whenever PostgreSQL runs it", true};
    }
}

std::optional<std::vector<std::pair<std::string, std::string>>> stored_calls(const pg::Node* stmt,
                                                                           const std::vector<Attachment>& attached) {
    std::vector<std::pair<std::string, std::string>> out;
    std::set<std::pair<std::string, std::string>> seen;
    auto add = [&](std::string name, std::string schema) {
        if (name.empty() || schema == "pg_catalog") return;
        if (seen.emplace(name, schema).second) out.emplace_back(std::move(name), std::move(schema));
    };
    auto add_all = [&](const pg::Node* node) {
        std::optional<CallsAndOperators> found = calls::names_in(node);
        if (!found) return false;
        for (const std::vector<std::string>& parts : found->calls) add(parts.back(), parts.size() > 1 ? parts[parts.size() - 2] : std::string());
        return true;
    };
    if (const auto* alter = pg::as<AlterTableStmt>(stmt)) {
        // ALTER COLUMN ... TYPE ... USING: run once over the rows, now (function_calls.cpp), not kept.
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_AlterColumnType) continue;
            if (!add_all(reinterpret_cast<const pg::Node*>(cmd))) return std::nullopt;
        }
    } else if (!add_all(stmt)) {
        return std::nullopt;
    }
    for (const Attachment& a : attached) add(a.function.name, a.function.schema);
    return out;
}

bool writes_or_ddl(const pg::Node* stmt) {
    if (stmt == nullptr) return false;
    if (const auto* select = pg::as<SelectStmt>(stmt)) {
        if (select->intoClause != nullptr || select->lockingClause != nullptr) return true;
        if (select->withClause != nullptr) {
            for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(select->withClause->ctes)) {
                if (!pg::is<SelectStmt>(cte->ctequery)) return true;
            }
        }
        return false;
    }
    return !(pg::is<ReturnStmt>(stmt) || pg::is<PLAssignStmt>(stmt) || pg::is<VariableSetStmt>(stmt) ||
             pg::is<VariableShowStmt>(stmt) || pg::is<CallStmt>(stmt));  // a CALL's body is read at its own statements
}

std::string stored_write_note(const StoredTarget& target, std::string_view function, std::string_view writes, std::size_t more) {
    std::string shown(writes.substr(0, 120));
    if (writes.size() > 120) shown += "...";
    return std::string(k_stored_write_note) + target.object + " now calls " + std::string(function) + ", whose body writes or runs DDL (`" +
           shown + "`" + (more > 0 ? " and " + std::to_string(more) + " more" : std::string()) +
           "): from the moment this commits, those writes run " + target.when +
           ", in the application's transactions and with its locks";
}

void CallFollower::follow_stored(const pg::Node* stmt, StatementFacts& facts) {
    if (m_out == nullptr || stmt == nullptr) return;  // replaying history: nothing is reported
    const std::optional<StoredTarget> target = stored_target(stmt, m_ctx->catalog, m_start);
    if (!target || !target->reachable) return;
    const calls::NamesKept kept;  // each node's names read once for both
    follow_stored_functions(stmt, *target, facts);
    // After the bodies ran: a built-in their text does not show (EXECUTE of constant text) is known by now.
    note_stored_builtins(stmt, *target, facts);
}

void CallFollower::follow_stored_functions(const pg::Node* stmt, const StoredTarget& stored, StatementFacts& facts) {
    const StoredTarget* target = &stored;
    // A file whose migrations made no function calls none of theirs.
    if (m_ctx->catalog.functions_added().empty()) return;
    const std::optional<std::vector<std::pair<std::string, std::string>>> found = stored_calls(stmt, m_attached);
    if (!found) {
        unknown(facts, "its expressions nest too deeply to find the functions it stores for " + target->object);
        return;
    }
    const std::vector<std::pair<std::string, std::string>>& names = *found;
    // The functions this statement runs now: their statements are judged there already.
    const std::vector<const FunctionInfo*> ran_now = m_ran_here;
    std::set<const FunctionInfo*> seen;
    const std::string via = target->object + ", which runs it " + target->when;
    // A trigger's own function is what CREATE TRIGGER means to run on every write (the
    // create-trigger rule reports it; triggers that keep other tables in step are everyday
    // migrations): its body's statements are judged apart, and only a call in its WHEN is one of
    // these stored calls.
    std::pair<std::string, std::string> trigger_function;
    if (const auto* trigger = pg::as<CreateTrigStmt>(stmt); trigger != nullptr && pg::length(trigger->funcname) > 0) {
        const int parts = pg::length(trigger->funcname);
        trigger_function = {std::string(pg::last_name(trigger->funcname)),
                            parts > 1 ? std::string(pg::text(pg::nth(trigger->funcname, parts - 2))) : std::string()};
    }
    for (const auto& [name, schema] : names) {
        const bool triggers_own = !trigger_function.first.empty() && name == trigger_function.first && schema == trigger_function.second;
        for (const auto& function : calls::matching(m_ctx->catalog, name, schema)) {
            // A rule's own actions: the create-rule rule reports them, and where a write fires them.
            if (!seen.insert(function.get()).second || is_rule_function_name(function->name)) continue;
            const std::string shown_name = (function->schema.empty() ? "" : function->schema + ".") + function->name + "()";
            const std::size_t first = m_out->size();
            StatementFacts apart = calls::facts_inside(facts);
            run_indirect(function, apart, via);
            std::size_t writes = 0;
            std::string first_write;
            for (std::size_t k = first; k < m_out->size(); ++k) {
                rules::CalledStatement& c = (*m_out)[k];
                c.apart = true;  // run later, in the application's transactions (rules::CalledStatement::apart)
                if (!writes_or_ddl(c.stmt)) continue;
                if (writes++ == 0) first_write = c.facts.sql.empty() ? (c.facts.tag.empty() ? std::string(pg::kind_name(c.stmt)) : c.facts.tag) : c.facts.sql;
            }
            if (triggers_own) {
                // Its statements are what CREATE TRIGGER means to run on every write, reported
                // where a write of the migration fires it; but what pgfence cannot read of it (SQL
                // an EXECUTE builds at run time, a function whose body is not known) runs on every
                // write of the application too: the statement is unknown (issue 53, red team I1).
                writes = 0;
                const auto from = m_out->begin() + static_cast<long>(first);
                m_out->erase(std::remove_if(from, m_out->end(), [](const rules::CalledStatement& c) {
                                 return c.facts.status == StatementStatus::Unknown;
                             }),
                             m_out->end());
                bool said_any = false;
                const std::string hidden = first_hidden(apart, said_any);
                if (apart.status == StatementStatus::Unknown && (!hidden.empty() || !said_any)) {
                    unknown(facts, "the body of " + shown_name + " runs where the " + via + ", and pgfence cannot read all of it" + hidden);
                }
            } else if (apart.status == StatementStatus::Unknown) {
                unknown(facts, "the body of " + shown_name + " runs where the " + via + ", and pgfence cannot read all of it");
            }
            if (writes > 0) facts.notes.push_back(stored_write_note(*target, shown_name, first_write, writes - 1));
            if (std::find(ran_now.begin(), ran_now.end(), function.get()) != ran_now.end()) {
                m_out->erase(m_out->begin() + static_cast<long>(first), m_out->end());
            }
        }
    }
}

}  // namespace pgfence::analyze
