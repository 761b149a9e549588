#include "analyze/function_calls.hpp"

#include "analyze/event_triggers.hpp"
#include "analyze/rule_actions.hpp"

#include <algorithm>
#include <optional>
#include <cctype>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "analyze/function_attach.hpp"
#include "analyze/model/model.hpp"
#include "analyze/pg_parser.hpp"
#include "analyze/pg_walk.hpp"
#include "analyze/splitter.hpp"
#include "analyze/volatile_builtins.hpp"

namespace pgfence::analyze {
namespace {

using calls::facts_inside;
using calls::matching;

// What a body run inside `facts`' statement did, added to it (conditional: only when rows make it
// run); a body pgfence cannot see makes the statement Unknown.
void absorb(StatementFacts& facts, const StatementFacts& inner, bool conditional) {
    merge_facts(facts, inner, conditional);
    if (inner.status == StatementStatus::Unknown) {
        facts.status = StatementStatus::Unknown;
        facts.runs_user_code = true;
    }
}

// The list generated from analyze/known_functions.txt at build time.
constexpr std::string_view k_known_functions[] = {
#include "analyze/known_functions.inc"
};

// Functions PostgreSQL ships that run SQL they are given as text: what that SQL does is as
// hidden as an EXECUTE's.
bool runs_sql_text(std::string_view name) {
    static const std::unordered_set<std::string_view> k_set = {
        "dblink",     "dblink_exec", "dblink_open", "dblink_send_query", "query_to_xml", "query_to_xmlschema",
        "query_to_xml_and_xmlschema", "ts_stat", "crosstab", "crosstab2", "crosstab3", "crosstab4", "xpath_table"};
    return k_set.count(name) > 0;
}

// Input argument types, canonical: what tells overloads apart.
std::string signature_of(const List* parameters) {
    std::string out;
    for (const FunctionParameter* p : pg::each<FunctionParameter>(parameters)) {
        if (p->mode == FUNC_PARAM_OUT || p->mode == FUNC_PARAM_TABLE) continue;
        out += (out.empty() ? "" : ",") + (p->argType ? canonical_type(p->argType) : std::string());
    }
    return out;
}

std::string signature_of_types(const List* types) {
    std::string out;
    for (const TypeName* t : pg::each<TypeName>(types)) out += (out.empty() ? "" : ",") + canonical_type(t);
    return out;
}

std::string schema_of(const List* names) {
    int n = pg::length(names);
    return n > 1 ? std::string(pg::text(pg::nth(names, n - 2))) : std::string();
}

// The language and, for a body given as a string, that string.
void language_and_body(const CreateFunctionStmt* stmt, std::string& language, std::string& body) {
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) {
        std::string_view name = pg::text(d->defname);
        if (name == "language") language = std::string(pg::text(d->arg));
        if (name == "as") {
            const List* items = pg::as<List>(d->arg);
            if (pg::length(items) >= 1) body = std::string(pg::text(pg::nth(items, 0)));
        }
    }
    if (stmt->sql_body != nullptr) language = "sql";
    std::transform(language.begin(), language.end(), language.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
}

// A trigger function's body as the body of an ordinary one, whose outer block declares what
// PostgreSQL gives a trigger (NEW, OLD, TG_*): libpg_query's PL/pgSQL output for a function
// RETURNS trigger is not valid JSON (pganalyze/libpg_query#337), so it is read this way.
std::string as_plain_function(std::string_view body) {
    std::size_t end = body.size();
    while (end > 0 && (std::isspace(static_cast<unsigned char>(body[end - 1])) != 0 || body[end - 1] == ';')) --end;
    std::string inner(body.substr(0, end));
    std::string tag = "$pgfence$";
    while (inner.find(tag) != std::string::npos) tag.insert(tag.size() - 1, "_");
    return "CREATE FUNCTION pgfence_trigger() RETURNS text LANGUAGE plpgsql AS " + tag +
           "DECLARE new record; old record; tg_name name; tg_when text; tg_level text; tg_op text; tg_relid oid; "
           "tg_relname name; tg_table_name name; tg_table_schema name; tg_nargs integer; tg_argv text[]; tg_event text; "
           "tg_tag text;\nBEGIN\n" + inner + ";\nEND" + tag;
}

bool returns_trigger(const CreateFunctionStmt* create) {
    if (create->returnType == nullptr || pg::length(create->returnType->names) == 0) return false;
    std::string_view type = pg::last_name(create->returnType->names);
    return type == "trigger" || type == "event_trigger";
}

// A rule's actions (rule_actions.hpp) are shown as the rule: "rule r on t".
bool is_rule_actions(const FunctionInfo& f) { return f.signature == k_rule_signature && is_rule_function_name(f.name); }
std::string display(const FunctionInfo& f) {
    return is_rule_actions(f) ? f.name : (f.schema.empty() ? "" : f.schema + ".") + f.name + "()";
}

void add_note_once(StatementFacts& facts, std::string note) {
    if (std::find(facts.notes.begin(), facts.notes.end(), note) == facts.notes.end()) facts.notes.push_back(std::move(note));
}

// A body run indirectly that only reads: no lock above ACCESS SHARE, nothing rewritten, nothing
// unknown, and (when its statements are kept) only queries.
bool only_reads(const StatementFacts& facts, const std::vector<rules::CalledStatement>* out, std::size_t from) {
    if (facts.status != StatementStatus::Analyzed || !facts.rewrites.empty() || facts.no_transaction_block) return false;
    for (const LockFact& l : facts.locks) {
        if (l.mode > LockMode::AccessShare) return false;
    }
    if (out == nullptr) return true;
    for (std::size_t i = from; i < out->size(); ++i) {
        const pg::Node* stmt = (*out)[i].stmt;
        if (stmt == nullptr) continue;
        const SelectStmt* select = pg::as<SelectStmt>(stmt);
        if (select != nullptr && select->intoClause == nullptr && select->lockingClause == nullptr) continue;
        if (pg::is<ReturnStmt>(stmt) || pg::is<PLAssignStmt>(stmt)) continue;
        return false;
    }
    return true;
}

}  // namespace

bool is_known_function(std::string_view name) {
    static const std::unordered_set<std::string_view> k_set(std::begin(k_known_functions), std::end(k_known_functions));
    return k_set.count(name) > 0;
}

namespace {

// Copies of the catalog's functions an ALTER or RENAME names: by name, in its schema when it
// gives one, with its argument types when it lists them.
std::vector<FunctionInfo> named_overloads(const ObjectWithArgs* o, const Catalog& catalog) {
    std::vector<FunctionInfo> out;
    std::string schema = schema_of(o->objname);
    std::optional<std::string> signature;
    if (!o->args_unspecified) signature = signature_of_types(o->objargs);
    const auto* overloads = catalog.functions(std::string(pg::last_name(o->objname)));
    if (overloads == nullptr) return out;
    for (const auto& f : *overloads) {
        if ((schema.empty() || f->schema.empty() || f->schema == schema) && (!signature || f->signature == *signature)) out.push_back(*f);
    }
    return out;
}

// Whether PostgreSQL's planner inlines a call of the function (inline_function in
// optimizer/util/clauses.c: LANGUAGE sql, not SECURITY DEFINER, no SET, not
// RETURNS SETOF, a body that is one SELECT of one expression with no other clause), and then
// how volatile the inlined body is (FunctionInfo::inlining). A STRICT one is inlined only when its
// body is strict too: not judged.
std::string inlining(const CreateFunctionStmt* create, const std::string& language, const std::string& body,
                     const Catalog& catalog) {
    if (language != "sql") return "not-inlined";
    // (With parameters, an argument used twice that is costly keeps the call from being
    // inlined: only a function without parameters is judged.)
    if (create->returnType == nullptr || create->returnType->setof || create->sql_body != nullptr ||
        pg::length(create->parameters) > 0) {
        return "";
    }
    for (const DefElem* d : pg::each<DefElem>(create->options)) {
        std::string_view name = pg::text(d->defname);
        if (name == "set") return "not-inlined";
        const auto* flag = pg::as<Boolean>(d->arg);
        if (name == "security" && (flag == nullptr || flag->boolval)) return "not-inlined";
        // STRICT: inlined only when the body is strict too, which is not judged here.
        if (name == "strict" && (flag == nullptr || flag->boolval)) return "";
    }
    // One statement only: PostgreSQL inlines no body of several (and runs each for every row).
    std::vector<RawStatement> statements = split_statements(body, Region{0, body.size(), false, false});
    if (statements.size() != 1) return statements.empty() ? "" : "not-inlined";
    ParsedStatement parsed = parse_statement(std::string_view(body).substr(statements[0].begin, statements[0].end - statements[0].begin));
    const auto* select = parsed.failure ? nullptr : pg::as<SelectStmt>(parsed.stmt);
    if (select == nullptr || select->op != SETOP_NONE || select->fromClause != nullptr || select->whereClause != nullptr ||
        select->groupClause != nullptr || select->havingClause != nullptr || select->sortClause != nullptr ||
        select->limitCount != nullptr || select->limitOffset != nullptr || select->withClause != nullptr ||
        select->valuesLists != nullptr || select->distinctClause != nullptr || select->lockingClause != nullptr ||
        select->intoClause != nullptr || pg::length(select->targetList) != 1) {
        return "";
    }
    const auto* target = pg::as<ResTarget>(pg::nth(select->targetList, 0));
    if (target == nullptr || target->val == nullptr) return "";
    // A subquery keeps PostgreSQL from inlining it (inline_function: contain_subplans); a call of
    // another function the migrations made is judged by that function as it is now, which a
    // later CREATE OR REPLACE may change: neither is judged.
    bool subquery = false, user_call = false;
    auto walk = [&](auto&& self, const pg::Node* node) -> void {
        if (node == nullptr) return;
        if (pg::is<SubLink>(node)) subquery = true;
        if (const auto* call = pg::as<FuncCall>(node); call != nullptr && catalog.functions(std::string(pg::last_name(call->funcname))) != nullptr) {
            user_call = true;
        }
        if (const auto* list = pg::as<List>(node)) {
            for (const pg::Node* item : pg::each(list)) self(self, item);
            return;
        }
        pg::each_child(node, [&](const pg::Node* child) { self(self, child); });
    };
    walk(walk, target->val);
    if (subquery) return "not-inlined";
    if (user_call) return "";
    switch (model::expression_volatility(target->val, &catalog)) {
        case model::Volatility::NotVolatile: return "inlined-not-volatile";
        case model::Volatility::Volatile: return "inlined-volatile";
        case model::Volatility::Unknown: break;
    }
    return "";
}

// Does CREATE OR REPLACE `create` (made into `info`, its string body `body`) give another body to
// a function earlier migrations (or the history) made? The same name, schema (or either unwritten)
// and argument types; the body compared as written (a string body byte for byte, a BEGIN ATOMIC
// one by PostgreSQL's equal()), and the language, with the body it had until this statement (an
// earlier replacement in this migration included: the same body first, another next, is another).
// Sets info.pre_existing.
bool replaces_existing_body(const CreateFunctionStmt* create, FunctionInfo& info, const std::string& body, const Catalog& catalog) {
    const auto* overloads = catalog.functions(info.name);
    if (overloads == nullptr) return false;
    for (const auto& old : *overloads) {
        if (old->signature != info.signature || (!old->schema.empty() && !info.schema.empty() && old->schema != info.schema)) continue;
        info.pre_existing = old->pre_existing || old->order < catalog.functions_existing();
        if (!info.pre_existing) return false;  // made by this migration
        ParsedStatement parsed = parse_statement(old->definition);
        const auto* before = parsed.failure ? nullptr : pg::as<CreateFunctionStmt>(parsed.stmt);
        if (before == nullptr) return true;
        std::string language, old_body;
        language_and_body(before, language, old_body);
        return language != info.language || old_body != body || !::equal(before->sql_body, create->sql_body);
    }
    return false;
}

}  // namespace

void record_function(const pg::Node* stmt, std::string_view sql, Catalog& catalog) {
    if (const CreateFunctionStmt* create = pg::as<CreateFunctionStmt>(stmt)) {
        if (pg::length(create->funcname) == 0) return;
        FunctionInfo info;
        info.name = std::string(pg::last_name(create->funcname));
        info.schema = schema_of(create->funcname);
        info.signature = signature_of(create->parameters);
        std::string body;
        language_and_body(create, info.language, body);
        for (const DefElem* d : pg::each<DefElem>(create->options)) {
            if (pg::text(d->defname) == "volatility") info.volatility = std::string(pg::text(d->arg));
            if (pg::text(d->defname) == "security") {
                const auto* flag = pg::as<Boolean>(d->arg);
                info.security_definer = flag == nullptr || flag->boolval;
            }
        }
        info.definition = std::string(sql);
        info.inlining = inlining(create, info.language, body, catalog);
        info.replaced_existing = create->replace && replaces_existing_body(create, info, body, catalog);
        catalog.add_function(std::move(info));
        return;
    }
    if (const RuleStmt* rule = pg::as<RuleStmt>(stmt)) {
        // Its actions, as the function later writes of the table fire (rule_actions.hpp).
        if (rule->relation == nullptr || rule->rulename == nullptr) return;
        FunctionInfo info;
        info.name = rule_function_name(pg::text(rule->rulename), pg::relname(rule->relation));
        info.language = "sql";
        std::optional<std::string> actions = rule_actions_text(sql);
        if (!actions || (rule->event != CMD_INSERT && rule->event != CMD_UPDATE && rule->event != CMD_DELETE)) {
            catalog.remove_function(info.name, "", std::string(k_rule_signature));  // CREATE OR REPLACE ... DO NOTHING
            return;
        }
        info.signature = std::string(k_rule_signature);
        info.definition = rule_function_definition(info.name, *actions);
        catalog.add_function(std::move(info));
        return;
    }
    if (const AlterFunctionStmt* alter = pg::as<AlterFunctionStmt>(stmt)) {
        // ALTER FUNCTION f(...) IMMUTABLE | STABLE | VOLATILE: the declared volatility changes.
        // SET, SECURITY DEFINER and STRICT keep PostgreSQL from inlining it (as at CREATE).
        const ObjectWithArgs* o = alter->func;
        if (o == nullptr || pg::length(o->objname) == 0) return;
        std::string volatility;
        bool not_inlined = false, strict = false;
        std::optional<bool> definer;
        for (const DefElem* d : pg::each<DefElem>(alter->actions)) {
            std::string_view name = pg::text(d->defname);
            const auto* flag = pg::as<Boolean>(d->arg);
            if (name == "volatility") volatility = std::string(pg::text(d->arg));
            if (name == "security") definer = flag == nullptr || flag->boolval;
            if (name == "set" || (name == "security" && (flag == nullptr || flag->boolval))) not_inlined = true;
            if (name == "strict" && (flag == nullptr || flag->boolval)) strict = true;
        }
        if (volatility.empty() && !not_inlined && !strict && !definer) return;
        for (FunctionInfo& f : named_overloads(o, catalog)) {
            if (!volatility.empty()) f.volatility = volatility;
            if (definer) f.security_definer = *definer;
            if (not_inlined && f.inlining.rfind("inlined", 0) == 0) f.inlining = "not-inlined";
            if (strict && f.inlining.rfind("inlined", 0) == 0) f.inlining = "";
            catalog.add_function(std::move(f));
        }
        return;
    }
    if (const DropStmt* drop = pg::as<DropStmt>(stmt)) {
        if (drop->removeType != OBJECT_FUNCTION && drop->removeType != OBJECT_PROCEDURE && drop->removeType != OBJECT_ROUTINE) {
            return;
        }
        for (const ObjectWithArgs* o : pg::each<ObjectWithArgs>(drop->objects)) {
            if (pg::length(o->objname) == 0 || is_rule_function_name(pg::last_name(o->objname))) continue;
            std::optional<std::string> signature;
            if (!o->args_unspecified) signature = signature_of_types(o->objargs);
            catalog.remove_function(std::string(pg::last_name(o->objname)), schema_of(o->objname), signature);
        }
        return;
    }
    if (const RenameStmt* rename = pg::as<RenameStmt>(stmt)) {
        if (rename->renameType != OBJECT_FUNCTION && rename->renameType != OBJECT_PROCEDURE &&
            rename->renameType != OBJECT_ROUTINE) {
            return;
        }
        const ObjectWithArgs* o = pg::as<ObjectWithArgs>(rename->object);
        if (o == nullptr || pg::length(o->objname) == 0 || rename->newname == nullptr) return;
        if (is_rule_function_name(pg::last_name(o->objname)) || is_rule_function_name(pg::text(rename->newname))) return;
        std::vector<FunctionInfo> moved = named_overloads(o, catalog);
        std::optional<std::string> signature;
        if (!o->args_unspecified) signature = signature_of_types(o->objargs);
        catalog.remove_function(std::string(pg::last_name(o->objname)), schema_of(o->objname), signature);
        for (FunctionInfo& f : moved) {
            // The definition still names the old function; only its body is read from it.
            f.name = rename->newname;
            catalog.add_function(std::move(f));
        }
    }
}

// The hooks a PL/pgSQL body is walked with: the calls in its statements and expressions are
// followed; its statements are kept for the rules, those of a function as run by its call, those of
// a DO block at their own line.
class BodyWalk : public BodyHooks {
public:
    explicit BodyWalk(CallFollower& follower) : m_follower(follower) {}
    const std::shared_ptr<void>& arena() const override { return m_follower.m_arena; }
    void statement(const pg::Node* stmt, StatementFacts& inner, int line) override {
        ++m_follower.m_body_statements;
        // DDL of the body into the catalog as at top level (analyzer.cpp: model, record_function,
        // follow), so that a CREATE OR REPLACE FUNCTION in a DO block, through EXECUTE or in a
        // called function is judged as the same statement alone (replaced-function-in-use,
        // stored-call-writes, the function_uses callers).
        if (!inner.sql.empty()) record_function(stmt, inner.sql, m_follower.m_ctx->catalog);
        m_follower.follow(stmt, inner, *m_follower.m_ctx);
        if (m_follower.m_out == nullptr) return;
        if (m_follower.m_stack.empty()) {
            m_follower.m_out->push_back(rules::CalledStatement{inner.index, "DO block", inner, stmt, line});
        } else {
            m_follower.m_out->push_back(rules::CalledStatement{inner.index, m_follower.m_stack.back().chain, inner, stmt});
        }
    }
    void expression(const pg::Node* stmt, StatementFacts& body) override { m_follower.follow_calls(stmt, body); }

private:
    CallFollower& m_follower;
};

CallFollower::CallFollower(std::shared_ptr<void> arena, std::vector<rules::CalledStatement>* out)
    : m_arena(std::move(arena)), m_out(out), m_do_hooks(std::make_unique<BodyWalk>(*this)) {}

CallFollower::~CallFollower() = default;

BodyHooks& CallFollower::do_block_hooks(model::Context& ctx) {
    m_ctx = &ctx;
    return *m_do_hooks;
}

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
    auto expression = [&](auto&& self, const pg::Node* n, bool per_row) -> void {
        if (n == nullptr) return;
        if (const SelectStmt* select = pg::as<SelectStmt>(n); select != nullptr && pg::length(select->fromClause) > 0) per_row = true;
        if (pg::is<UpdateStmt>(n) || pg::is<DeleteStmt>(n) || pg::is<MergeStmt>(n)) per_row = true;
        if (const FuncCall* call = pg::as<FuncCall>(n)) follow_call(call, facts, per_row);
        pg::each_child(n, [&](const pg::Node* child) { self(self, child, per_row); });
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
            expression(expression, pg::as<PrepareStmt>(node)->query, false);
            return;
        case T_AlterTableStmt:
            // ADD COLUMN's default fills the existing rows, a type change's USING converts them,
            // a CHECK checks them.
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(pg::as<AlterTableStmt>(node)->cmds)) {
                if (cmd->subtype == AT_AddColumn || cmd->subtype == AT_AlterColumnType) {
                    if (const ColumnDef* def = pg::as<ColumnDef>(cmd->def)) {
                        expression(expression, def->raw_default, true);
                        for (const Constraint* c : pg::each<Constraint>(def->constraints)) expression(expression, c->raw_expr, true);
                    }
                } else if (cmd->subtype == AT_AddConstraint) {
                    const Constraint* c = pg::as<Constraint>(cmd->def);
                    if (c != nullptr && !c->skip_validation) expression(expression, c->raw_expr, true);
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

namespace {
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
}  // namespace

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
        if (a.relname.empty() || a.function.events == 0 || m_ctx->catalog.find(a.relname) != nullptr) continue;
        std::vector<AttachedFunction>& list = m_outside[a.relname];
        if (list.size() <= k_max_attached) list.push_back(a.function);
    }
}

void CallFollower::follow_attached(const pg::Node* stmt, StatementFacts& facts) {
    if (stmt == nullptr) return;
    // What it fires first: a CHECK this ALTER TABLE adds is run by follow_calls already.
    Fired fired = fired_by(stmt, facts, m_ctx->catalog);
    // The event triggers of the catalog a DDL statement fires (event_triggers.hpp), with their
    // functions' bodies as they are now; taken before a CREATE or DROP EVENT TRIGGER is recorded.
    // Past k_max_attached event triggers, a DDL statement is unknown (a hostile file stays linear).
    const bool too_many_events = m_ctx->catalog.event_triggers().size() > k_max_attached && fires_event_triggers(stmt);
    const std::vector<FiredEventTrigger> events =
        too_many_events ? std::vector<FiredEventTrigger>{} : event_triggers_fired(stmt, facts.tag, m_ctx->catalog);
    if (too_many_events) {
        unknown(facts, "fires the database's event triggers, more than " + std::to_string(k_max_attached) + ": not followed");
    }
    std::vector<Attachment> attached = attachments_of(stmt, m_ctx->catalog);
    m_attached = attached;
    record_attachments(stmt, attached, m_ctx->catalog);
    keep_outside(stmt, attached);
    for (const std::string& relname : fired.written) {
        auto outside = m_outside.find(relname);
        if (outside == m_outside.end() || m_ctx->catalog.find(relname) != nullptr) continue;
        const unsigned events = write_events(stmt);
        for (const AttachedFunction& f : outside->second) {
            if ((f.events & events) != 0) fired.functions.push_back(f);
        }
    }
    // What a body reads may now run something else (a view replaced, a function created): bodies
    // that only read are read again.
    if (pg::is<CreateFunctionStmt>(stmt) || pg::is<ViewStmt>(stmt) || pg::is<RenameStmt>(stmt) || pg::is<DropStmt>(stmt)) {
        m_only_reads.clear();
    }
    // Past the budget of body statements, one note says so (not one per function).
    auto budget_left = [&] {
        if (m_body_statements < k_max_body_statements) return true;
        unknown(facts, "runs functions attached to what it writes or reads after " + std::to_string(k_max_body_statements) +
                           " function-body statements in this file: not followed");
        return false;
    };
    std::set<const FunctionInfo*> ran;  // each body once per statement
    for (const Attachment& a : attached) {
        const AttachedFunction& f = a.function;
        std::string shown = (f.schema.empty() ? "" : f.schema + ".") + f.name + "()";
        auto functions = matching(m_ctx->catalog, f.name, f.schema);
        if (functions.empty()) {
            if (f.schema == "pg_catalog" || (is_known_function(f.name) && !runs_sql_text(f.name))) continue;
            unknown(facts, "attaches " + shown + " (" + f.via + "), a function not created in these migrations or their history, "
                           "so the body it runs is not known");
            continue;
        }
        if (!a.runs_now) continue;
        for (const auto& function : functions) {
            if (!ran.insert(function.get()).second) continue;
            if (!budget_left()) return;
            run_indirect(function, facts, f.via);
        }
    }
    // CREATE [OR REPLACE] FUNCTION of a name existing objects call (function_uses.hpp): the
    // triggers, defaults, views, operators, casts, policies and earlier functions that call it may
    // run the new body from the moment it commits, without the migration touching them (a new
    // overload of a closer argument type, or one in a schema earlier on the path, wins PostgreSQL's
    // resolution). The body is analysed apart (its locks are not this statement's) and its
    // statements are judged here, each with how it is reached. Linear: a file's first 1,000
    // such statements are looked up, past them each is unknown.
    if (const CreateFunctionStmt* create = pg::as<CreateFunctionStmt>(stmt); create != nullptr && pg::length(create->funcname) > 0) {
        const std::string name(pg::last_name(create->funcname));
        const std::string schema = pg::length(create->funcname) > 1 ? std::string(pg::text(pg::nth(create->funcname, pg::length(create->funcname) - 2))) : std::string();
        if (++m_replaced > 1000) {
            unknown(facts, "creates " + name + "(), past 1000 created functions in this file: the triggers and defaults that run it are not looked up");
        } else {
            const std::vector<std::string> uses = m_uses.of(m_ctx->catalog, name, schema);
            // A name PostgreSQL ships: which of the two an existing call runs depends on its
            // argument types and search_path, which pgfence does not resolve.
            if (!uses.empty() && schema != "pg_catalog" && is_known_function(name)) {
                unknown(facts, "creates " + (schema.empty() ? "" : schema + ".") + name + "(), a name PostgreSQL ships, called by the " + uses.front() +
                                   ": PostgreSQL may run this function there instead of its own (a closer match for the argument types, "
                                   "or a schema earlier on the search_path), which pgfence does not decide");
            }
            // The function this statement made (record_function added it last), else every overload.
            const auto& added = m_ctx->catalog.functions_added();
            std::vector<std::shared_ptr<const FunctionInfo>> made;
            if (!added.empty() && added.back()->name == name) made.push_back(added.back());
            else made = matching(m_ctx->catalog, name, schema);
            // Another body for a function that CHECKs, defaults, indexes, triggers or policies
            // made before the migration call: they run it from the moment it commits.
            if (!added.empty() && added.back()->name == name && added.back()->replaced_existing) {
                std::vector<std::string> guards = guarding_uses(m_ctx->catalog, name, schema);
                // Triggers last, BEFORE ROW ones before the others: the note names a trigger first only
                // when triggers are all that call it, and a plain "trigger" first only when none of them
                // is BEFORE ROW (replaced-function-in-use weighs the new body by that).
                const auto rank = [](const std::string& via) { return via.starts_with("trigger ") ? 2 : via.starts_with("BEFORE ROW trigger ") ? 1 : 0; };
                std::stable_sort(guards.begin(), guards.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
                if (!guards.empty()) {
                    facts.notes.push_back(replaced_function_note(
                        display(*added.back()), guards.front() + (guards.size() > 1 ? " (and " + std::to_string(guards.size() - 1) + " more)" : "")));
                }
            }
            for (const std::string& via : uses) {
                for (const auto& function : made) {
                    if (!budget_left()) return;
                    StatementFacts apart = facts_inside(facts);
                    m_only_reads.erase(function.get());
                    const std::size_t first = m_out != nullptr ? m_out->size() : 0;
                    run_indirect(function, apart, via);
                    // Its statements run at the callers, in the application's transactions,
                    // not in the migration's (rules::CalledStatement::apart).
                    std::size_t writes = 0;
                    std::string first_write;
                    if (m_out != nullptr) {
                        for (std::size_t k = first; k < m_out->size(); ++k) {
                            (*m_out)[k].apart = true;
                            if (!writes_or_ddl((*m_out)[k].stmt) || writes++ > 0) continue;
                            first_write = (*m_out)[k].facts.sql.empty() ? std::string(pg::kind_name((*m_out)[k].stmt)) : (*m_out)[k].facts.sql;
                        }
                    }
                    if (apart.status == StatementStatus::Unknown) unknown(facts, "the new body of " + name + "() runs where the " + via + ", and pgfence cannot read all of it");
                    // A body that writes, behind a view, DEFAULT, CHECK, policy... (not a trigger,
                    // whose function is meant to run on writes): the stored-call-writes rule.
                    // A function that calls it is judged where that function runs (as a
                    // trigger's, usually): one note per statement.
                    if (writes > 0 && !via.starts_with("trigger ") && !via.starts_with("function ") &&
                        std::none_of(facts.notes.begin(), facts.notes.end(), [](const std::string& n) { return n.starts_with(k_stored_write_note); })) {
                        facts.notes.push_back(std::string(k_stored_write_note) + "the new body of " + display(*function) +
                                              " writes or runs DDL (`" + first_write.substr(0, 120) + (first_write.size() > 120 ? "..." : "") + "`" +
                                              (writes > 1 ? " and " + std::to_string(writes - 1) + " more" : std::string()) + ") and runs where the " +
                                              via + ", in the application's transactions and with its locks");
                    }
                }
            }
        }
    }
    if (std::string change; const ObjectWithArgs* altered = altered_function(stmt, change)) {
        const std::string name(pg::last_name(altered->objname));
        const std::string schema = pg::length(altered->objname) > 1 ? std::string(pg::text(pg::nth(altered->objname, pg::length(altered->objname) - 2))) : std::string();
        const std::vector<std::string> uses = ++m_replaced > 1000 ? std::vector<std::string>{"objects not looked up (past 1000 in this file)"}
                                                                  : m_uses.of(m_ctx->catalog, name, schema);
        // A new owner changes what a SECURITY DEFINER body may do, and nothing of an invoker's
        // function (its body, what its names resolve to and the rights it runs with stay).
        bool matters = true;
        if (change == "OWNER TO") {
            const auto functions = matching(m_ctx->catalog, name, schema);
            matters = functions.empty() ||
                      std::any_of(functions.begin(), functions.end(), [](const auto& f) { return f->security_definer; });
        }
        if (!uses.empty() && matters) {
            unknown(facts, change + " of " + name + "() changes what runs where the " + uses.front() +
                               (uses.size() > 1 ? " (and " + std::to_string(uses.size() - 1) + " more)" : "") +
                               ": the functions its body then resolves, the rights it runs with, or whether it is found at all; not judged");
        }
    }
    for (const FiredEventTrigger& e : events) {
        auto functions = matching(m_ctx->catalog, e.function, e.schema);
        if (functions.empty() && !(e.schema == "pg_catalog" || (is_known_function(e.function) && !runs_sql_text(e.function)))) {
            unknown(facts, "runs " + e.function + "() (" + e.via + "), a function whose body is not known");
        }
        for (const auto& function : functions) {
            if (!ran.insert(function.get()).second) continue;
            if (!budget_left()) return;
            run_indirect(function, facts, e.via);
        }
    }
    for (const std::string& relation : fired.overflowed) {
        unknown(facts, "runs the functions attached to " + relation + ", more than " + std::to_string(k_max_attached) +
                           ": not followed");
    }
    for (const AttachedFunction& f : fired.functions) {
        // A function not known was reported where it was attached.
        for (const auto& function : matching(m_ctx->catalog, f.name, f.schema)) {
            if (!ran.insert(function.get()).second) continue;
            if (auto known = m_only_reads.find(function.get()); known != m_only_reads.end()) {
                absorb(facts, known->second.reads, true);
                continue;
            }
            if (!budget_left()) return;
            run_indirect(function, facts, f.via);
        }
    }
    // The model's "fires the table's triggers; locks their functions take are not shown" gives
    // way when every trigger's function was followed.
    for (const std::string& relname : fired.written) {
        const RelationInfo* rel = m_ctx->catalog.find(relname);
        if (rel == nullptr || rel->triggers.empty() || rel->triggers.size() > k_max_attached) continue;
        bool all = std::all_of(rel->triggers.begin(), rel->triggers.end(), [&](const auto& t) {
            return m_ctx->catalog.functions(t.second) != nullptr || is_known_function(t.second);
        });
        if (all) erase_if(facts.notes, [](const std::string& n) { return n.ends_with(" fires the table's triggers; locks their functions take are not shown"); });
    }
}

void CallFollower::run_indirect(const std::shared_ptr<const FunctionInfo>& function, StatementFacts& facts,
                                const std::string& via) {
    if (auto known = m_only_reads.find(function.get()); known != m_only_reads.end()) {
        absorb(facts, known->second.reads, true);
        return;
    }
    std::string name = display(*function);
    for (const Frame& frame : m_stack) {
        if (frame.function == function.get() ||
            (frame.function->name == function->name && frame.function->schema == function->schema &&
             frame.function->signature == function->signature)) {
            unknown(facts, "runs " + name + " again (" + via + ") while it runs: the recursion is not followed");
            return;
        }
    }
    StatementFacts scratch = facts_inside(facts);
    std::size_t from = m_out != nullptr ? m_out->size() : 0;
    run_body(*function, scratch, via);
    if (only_reads(scratch, m_out, from)) {
        if (m_out != nullptr) m_out->erase(m_out->begin() + static_cast<long>(from), m_out->end());
        StatementFacts reads;
        reads.locks = scratch.locks;
        absorb(facts, reads, true);
        m_only_reads.emplace(function.get(), OnlyReads{function, std::move(reads)});
        return;
    }
    // Triggers, defaults, index expressions, checks: run for the rows written or read.
    absorb(facts, scratch, true);
}

void CallFollower::run_body(const FunctionInfo& function, StatementFacts& facts, const std::string& via) {
    if (m_stack.size() == m_ran_depth) m_ran_here.push_back(&function);
    std::string name = display(function);
    std::string chain = (m_stack.empty() ? name : m_stack.back().chain + " -> " + name) +
                        (via.empty() || is_rule_actions(function) ? "" : " (" + via + ")");
    for (const Frame& frame : m_stack) {
        if (frame.function->name == function.name && frame.function->schema == function.schema &&
            frame.function->signature == function.signature) {
            add_note_once(facts, "recursive call of " + name + ": its body is analysed once");
            return;
        }
    }
    if (m_stack.size() >= static_cast<std::size_t>(k_max_depth)) {
        unknown(facts, "calls " + name + ", nested deeper than " + std::to_string(k_max_depth) + " calls: not followed");
        return;
    }
    if (m_body_statements >= k_max_body_statements) {
        unknown(facts, "calls " + name + " after " + std::to_string(k_max_body_statements) +
                           " function-body statements in this file: not followed");
        return;
    }
    ParsedStatement parsed = parse_statement(function.definition, m_arena);
    const CreateFunctionStmt* create = pg::as<CreateFunctionStmt>(parsed.stmt);
    if (create == nullptr) {
        unknown(facts, "calls " + name + ", whose definition could not be read again");
        return;
    }
    std::string language, body;
    language_and_body(create, language, body);
    std::string from = function.source.empty() ? "" : " (created in " + function.source + ")";
    if (language != "sql" && language != "plpgsql") {
        unknown(facts, "calls " + name + from + ", a LANGUAGE " + (language.empty() ? "?" : language) +
                           " function whose body is not SQL");
        return;
    }
    m_stack.push_back(Frame{&function, chain});
    struct Pop {
        std::vector<Frame>& stack;
        ~Pop() { stack.pop_back(); }
    } pop{m_stack};
    // A parameter's DEFAULT is evaluated for each call that leaves the argument out (PostgreSQL
    // adds it to the call's arguments, funcapi.c expand_function_arguments): its calls are
    // followed with the body's, for every call (which arguments a call leaves out is not judged).
    for (const FunctionParameter* p : pg::each<FunctionParameter>(create->parameters)) {
        auto walk = [&](auto&& self, const pg::Node* n) -> void {
            if (n == nullptr) return;
            if (const FuncCall* call = pg::as<FuncCall>(n)) follow_call(call, facts, false);
            pg::each_child(n, [&](const pg::Node* child) { self(self, child); });
        };
        walk(walk, p->defexpr);
    }
    if (create->sql_body != nullptr) {
        // BEGIN ATOMIC ... END: a list holding the list of statements; RETURN expr: one statement.
        std::size_t count = 0;
        auto each = [&](auto&& self, const pg::Node* n) -> void {
            if (const List* list = pg::as<List>(n)) {
                for (const pg::Node* item : pg::each(list)) self(self, item);
            } else if (n != nullptr) {
                ++count;
                run_statement(n, {}, facts);
            }
        };
        each(each, create->sql_body);
        facts.notes.push_back("calls " + chain + from + ": its body's " + std::to_string(count) +
                              (count == 1 ? " statement is" : " statements are") + " analysed here");
    } else if (language == "sql") {
        std::size_t count = 0;
        for (const RawStatement& raw : split_statements(body, Region{0, body.size(), false, false})) {
            std::string_view text = std::string_view(body).substr(raw.begin, raw.end - raw.begin);
            ParsedStatement statement = parse_statement(text, m_arena);
            ++count;
            if (statement.failure) {
                unknown(facts, "a statement of its body does not parse: " + statement.failure->message);
                continue;
            }
            run_statement(statement.stmt, text, facts);
        }
        facts.notes.push_back("calls " + chain + from + ": its body's " + std::to_string(count) +
                              (count == 1 ? " statement is" : " statements are") + " analysed here");
    } else {
        StatementFacts inner = facts_inside(facts);
        BodyWalk hooks(*this);
        model_plpgsql_body(body, chain + from, inner, *m_ctx, 1, &hooks,
                           returns_trigger(create) ? as_plain_function(body) : function.definition);
        absorb(facts, inner, false);
    }
}

void CallFollower::run_statement(const pg::Node* stmt, std::string_view sql, StatementFacts& facts) {
    ++m_body_statements;
    StatementFacts inner = facts_inside(facts);
    inner.sql = std::string(sql);
    model::model_statement(stmt, inner, *m_ctx);
    if (!sql.empty()) record_function(stmt, sql, m_ctx->catalog);
    follow_statement(stmt, inner);
    const std::string& chain = m_stack.back().chain;
    std::string what = inner.tag.empty() ? std::string(pg::kind_name(stmt)) : inner.tag;
    if (inner.status == StatementStatus::Unknown) {
        facts.status = StatementStatus::Unknown;
        facts.runs_user_code = true;
        add_note_once(facts, "not visible to static analysis: " + what + " inside " + chain);
    }
    if (inner.no_transaction_block) {
        add_note_once(facts, what + " inside " + chain + " cannot run: a function always runs in a transaction");
    }
    merge_facts(facts, inner);
    if (m_out != nullptr) m_out->push_back(rules::CalledStatement{facts.index, chain, std::move(inner), stmt});
}

}  // namespace pgfence::analyze
