// CallFollower: the calls of a statement followed into the functions they run (split from function_calls.cpp).
#include "analyze/model/function_calls_parts.hpp"
#include "analyze/model/attached_settings.hpp"
#include <utility>

namespace pgfence::analyze {

void CallFollower::follow(const pg::Node* stmt, StatementFacts& facts, model::Context& ctx) {
    m_ctx = &ctx;
    if (pg::is<CallStmt>(stmt)) {
        // CALL is unknown to the lock model for the code it runs: known when the procedure is.
        erase_if(facts.notes, [](const std::string& n) { return n.starts_with("CALL runs code"); });
        facts.status = StatementStatus::Analyzed;
        facts.runs_user_code = false;
    }
    follow_statement(stmt, facts);
    // The model's guess for a SELECT of a function of unknown volatility ("calls f(): locks taken
    // inside functions are not visible") gives way to what is known now: the function's body was
    // analysed, or a note here says why it cannot be.
    auto said = [&](const std::string& name) {
        return std::any_of(facts.notes.begin(), facts.notes.end(), [&](const std::string& n) {
            return n.starts_with("not visible to static analysis: ") && n.find(name + "()") != std::string::npos;
        });
    };
    erase_if(facts.notes, [&](const std::string& n) {
        if (!n.starts_with("calls ") || n.find("(): locks taken inside functions are not visible") == std::string::npos) return false;
        std::string name = n.substr(6, n.find("()") - 6);
        return m_ctx->catalog.functions(name) != nullptr || said(name);
    });
}

void CallFollower::follow_statement(const pg::Node* stmt, StatementFacts& facts) {
    // The statements of the bodies it runs are followed in between: what is kept of this one is
    // brought back after them.
    std::vector<const FunctionInfo*> outer = std::exchange(m_ran_here, {});
    std::vector<Attachment> outer_attached = std::exchange(m_attached, {});
    const std::size_t outer_depth = std::exchange(m_ran_depth, m_stack.size());
    follow_calls(stmt, facts);
    follow_attached(stmt, facts);
    follow_stored(stmt, facts);
    m_ran_here = std::move(outer);
    m_attached = std::move(outer_attached);
    m_ran_depth = outer_depth;
}

void CallFollower::follow_calls(const pg::Node* node, StatementFacts& facts) {
    if (node == nullptr) return;
    // The expressions a statement evaluates when it runs; what a statement only stores (a
    // column DEFAULT, a view's query, a function's or trigger's definition) is not a call.
    // A call evaluated per row (in a query that reads a table, an UPDATE, a new column's DEFAULT
    // filling the existing rows) runs only if there are rows: its locks are conditional. A call
    // in `SELECT f();` or a VALUES list runs once.
    // A cast to a domain runs its CHECKs (domain_checks.cpp): each domain once per statement.
    std::set<std::string> domains;
    auto to_domain = [&](const TypeName* type, const std::string& where) {
        if (type != nullptr && pg::length(type->names) > 0 && domains.insert(std::string(pg::last_name(type->names))).second) {
            follow_domain_checks(type, facts, where);
        }
    };
    auto expression = [&](auto&& self, const pg::Node* n, bool per_row) -> void {
        if (n == nullptr) return;
        if (const SelectStmt* select = pg::as<SelectStmt>(n); select != nullptr && pg::length(select->fromClause) > 0) per_row = true;
        if (pg::is<UpdateStmt>(n) || pg::is<DeleteStmt>(n) || pg::is<MergeStmt>(n)) per_row = true;
        if (const FuncCall* call = pg::as<FuncCall>(n)) follow_call(call, facts, per_row);
        if (const TypeCast* cast = pg::as<TypeCast>(n)) to_domain(cast->typeName, "a value cast to it");
        pg::each_child(n, [&](const pg::Node* child) { self(self, child, per_row); });
    };
    // An exclusion constraint's expressions and predicate: evaluated over the table's rows as its
    // index is built (CREATE INDEX's: function_attach.cpp, with the domains they cast to). A cast
    // to a domain in them runs its CHECK there too (PostgreSQL 15.20 accepts a domain whose CHECK
    // calls a volatile function in an index expression, and runs it as the index is built).
    auto casts = [&](auto&& self, const pg::Node* n) -> void {
        if (n == nullptr) return;
        if (const TypeCast* cast = pg::as<TypeCast>(n)) to_domain(cast->typeName, "the rows an exclusion constraint indexes");
        pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
    };
    // PostgreSQL's own set_config() of a timeout in what ALTER TABLE evaluates over the existing
    // rows (attached_settings.hpp); elsewhere the session state reads it (analyzer_session.cpp).
    auto rows_settings = [&](const pg::Node* n, const std::string& via) {
        for (const std::string& name : attached_setting_names(n)) run_attached_setting(name, via, facts);
    };
    switch (node->type) {
        case T_SelectStmt:
        case T_InsertStmt:
        case T_UpdateStmt:
        case T_DeleteStmt:
        case T_MergeStmt:
        case T_ReturnStmt:
        case T_PLAssignStmt:
            expression(expression, node, false);
            return;
        case T_CallStmt:
            expression(expression, reinterpret_cast<const pg::Node*>(pg::as<CallStmt>(node)->funccall), false);
            return;
        case T_CreateTableAsStmt: {
            const auto* s = pg::as<CreateTableAsStmt>(node);
            if (s->into == nullptr || !s->into->skipData) expression(expression, s->query, false);
            return;
        }
        case T_CopyStmt:
            expression(expression, pg::as<CopyStmt>(node)->query, false);
            return;
        case T_DeclareCursorStmt:
            expression(expression, pg::as<DeclareCursorStmt>(node)->query, false);
            return;
        // EXPLAIN ANALYZE runs its query; PREPARE keeps it for the EXECUTEs that follow: both are
        // read as running it (more, never less).
        case T_ExplainStmt:
            expression(expression, pg::as<ExplainStmt>(node)->query, false);
            return;
        case T_PrepareStmt:
            // Its parameters' types: each EXECUTE converts its arguments to them.
            for (const TypeName* type : pg::each<TypeName>(pg::as<PrepareStmt>(node)->argtypes)) to_domain(type, "a parameter of it");
            expression(expression, pg::as<PrepareStmt>(node)->query, false);
            return;
        case T_AlterDomainStmt: {
            // VALIDATE CONSTRAINT checks the values of every column of the domain, or of one over it.
            const auto* alter = pg::as<AlterDomainStmt>(node);
            if (alter->subtype != 'V' || pg::length(alter->typeName) == 0) return;
            const std::string domain(pg::last_name(alter->typeName));
            for (const std::string& over : m_ctx->catalog.domains_over(domain)) {
                if (m_ctx->catalog.tables_using_type(over).empty()) continue;
                follow_domain_checks(domain, facts, "the columns it validates");
                break;
            }
            return;
        }
        case T_AlterTableStmt:
            // ADD COLUMN's default fills the existing rows, a type change's USING converts them,
            // a CHECK checks them.
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(pg::as<AlterTableStmt>(node)->cmds)) {
                if (cmd->subtype == AT_AddColumn || cmd->subtype == AT_AlterColumnType) {
                    if (const ColumnDef* def = pg::as<ColumnDef>(cmd->def)) {
                        // ALTER COLUMN ... TYPE d converts every row to the domain (ADD COLUMN's
                        // domain is attached, and run, by function_attach.cpp).
                        if (cmd->subtype == AT_AlterColumnType) to_domain(def->typeName, "the rows ALTER COLUMN ... TYPE converts");
                        expression(expression, def->raw_default, true);
                        for (const Constraint* c : pg::each<Constraint>(def->constraints)) expression(expression, c->raw_expr, true);
                        const std::string via = "the rows " + std::string(cmd->subtype == AT_AddColumn ? "ADD COLUMN fills" : "ALTER COLUMN ... TYPE converts");
                        rows_settings(def->raw_default, via);
                        for (const Constraint* c : pg::each<Constraint>(def->constraints)) rows_settings(c->raw_expr, via);
                    }
                } else if (cmd->subtype == AT_AddConstraint) {
                    const Constraint* c = pg::as<Constraint>(cmd->def);
                    if (c != nullptr && !c->skip_validation) expression(expression, c->raw_expr, true);
                    if (c != nullptr && !c->skip_validation) rows_settings(c->raw_expr, "the rows ADD CONSTRAINT checks");
                    if (c != nullptr && c->contype == CONSTR_EXCLUSION) {
                        casts(casts, reinterpret_cast<const pg::Node*>(c->exclusions));
                        casts(casts, c->where_clause);
                    }
                }
            }
            return;
        default:
            return;
    }
}

void CallFollower::unknown(StatementFacts& facts, const std::string& why) {
    facts.status = StatementStatus::Unknown;
    facts.runs_user_code = true;
    std::string where = m_stack.empty() ? std::string() : "inside " + m_stack.back().chain + ": ";
    add_note_once(facts, "not visible to static analysis: " + where + why);
}

void CallFollower::follow_call(const FuncCall* call, StatementFacts& facts, bool per_row) {
    if (pg::length(call->funcname) == 0) return;
    std::string name(pg::last_name(call->funcname));
    std::string schema = schema_of(call->funcname);
    std::string shown = (schema.empty() ? "" : schema + ".") + name + "()";
    auto functions = matching(m_ctx->catalog, name, schema);
    if (!functions.empty()) {
        // Which overload runs depends on argument types the SQL does not show: all of them.
        for (const auto& f : functions) {
            if (!per_row) {
                run_body(*f, facts);
                continue;
            }
            StatementFacts scratch = facts_inside(facts);
            run_body(*f, scratch);
            absorb(facts, scratch, true);
        }
        return;
    }
    if (is_known_function(name)) {
        if (runs_sql_text(name)) unknown(facts, "calls " + shown + ", which runs SQL given as text");
        // A built-in that may act outside the statement (analyze/volatile_builtins.hpp): what it
        // does to the application's data or sessions is not modelled, so a person judges it.
        if (const std::string_view why = unmodelled_volatile_builtin(name); !why.empty()) {
            unknown(facts, "calls " + shown + ", a built-in function that acts outside the statement: " + std::string(why));
        }
        return;
    }
    unknown(facts, "calls " + shown + ", a function not created in these migrations or their history, so its body is not known");
}

namespace function_calls_detail {
// The events a write statement fires on its target table (function_attach.cpp fired_by).
unsigned write_events(const pg::Node* stmt) {
    using Event = AttachedFunction::Event;
    if (const auto* s = pg::as<InsertStmt>(stmt)) {
        const bool upsert = s->onConflictClause != nullptr && s->onConflictClause->action == ONCONFLICT_UPDATE;
        return Event::Insert | (upsert ? Event::Update : 0u);
    }
    if (pg::is<UpdateStmt>(stmt)) return Event::Update;
    if (pg::is<DeleteStmt>(stmt)) return Event::Delete;
    if (pg::is<MergeStmt>(stmt)) return Event::Insert | Event::Update | Event::Delete;
    if (const auto* s = pg::as<CopyStmt>(stmt); s != nullptr && s->is_from) return Event::Insert;
    if (pg::is<TruncateStmt>(stmt)) return Event::Truncate;
    return 0;
}
}  // namespace function_calls_detail

void CallFollower::keep_outside(const pg::Node* stmt, const std::vector<Attachment>& attached) {
    // DROP TRIGGER / DROP RULE and CREATE OR REPLACE RULE detach, as record_attachments does.
    auto detach = [&](const std::string& relname, const std::string& key, bool rule) {
        auto it = m_outside.find(relname);
        if (it == m_outside.end()) return;
        erase_if(it->second, [&](const AttachedFunction& f) { return f.trigger == key && f.via.starts_with("rule ") == rule; });
    };
    if (const auto* drop = pg::as<DropStmt>(stmt);
        drop != nullptr && (drop->removeType == OBJECT_TRIGGER || drop->removeType == OBJECT_RULE)) {
        for (const pg::Node* o : pg::each(drop->objects)) {
            const List* items = pg::as<List>(o);
            if (pg::length(items) < 2) continue;
            const bool rule = drop->removeType == OBJECT_RULE;
            detach(std::string(pg::text(pg::nth(items, pg::length(items) - 2))),
                   (rule ? "rule " : "") + std::string(pg::text(pg::last(items))), rule);
        }
    }
    if (const auto* rule = pg::as<RuleStmt>(stmt); rule != nullptr && rule->relation != nullptr && rule->rulename != nullptr) {
        detach(std::string(pg::relname(rule->relation)), "rule " + std::string(pg::text(rule->rulename)), true);
    }
    for (const Attachment& a : attached) {
        if (a.relname.empty() || a.function.events == 0 || std::as_const(m_ctx->catalog).find(a.relname) != nullptr) continue;
        std::vector<AttachedFunction>& list = m_outside[a.relname];
        if (list.size() <= k_max_attached) list.push_back(a.function);
    }
}

}  // namespace pgfence::analyze
