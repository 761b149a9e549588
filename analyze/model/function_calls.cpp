#include "analyze/model/function_calls.hpp"
#include "analyze/model/function_calls_parts.hpp"
#include "analyze/model/body_settings.hpp"

#include "analyze/model/event_triggers.hpp"
#include "analyze/model/rule_actions.hpp"

#include <algorithm>
#include <optional>
#include <cctype>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "analyze/model/function_attach.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/model/volatile_builtins.hpp"

namespace pgfence::analyze {
namespace function_calls_detail {

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

}  // namespace function_calls_detail

bool is_known_function(std::string_view name) {
    static const std::unordered_set<std::string_view> k_set(std::begin(k_known_functions), std::end(k_known_functions));
    return k_set.count(name) > 0;
}

namespace function_calls_detail {

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

// The overloads a CREATE of `info` replaces: the same name, schema (or either unwritten) and
// argument types.
std::vector<FunctionInfo> named_overloads_of(const FunctionInfo& info, const Catalog& catalog) {
    std::vector<FunctionInfo> out;
    const auto* overloads = catalog.functions(info.name);
    for (std::size_t i = 0; overloads != nullptr && i < overloads->size(); ++i) {
        const FunctionInfo& f = *(*overloads)[i];
        if ((info.schema.empty() || f.schema.empty() || f.schema == info.schema) && f.signature == info.signature) out.push_back(f);
    }
    return out;
}

// GRANT | REVOKE EXECUTE (or ALL) ON FUNCTION | PROCEDURE | ROUTINE f(...): the roles that may
// call it (FunctionInfo::grantees; PUBLIC, which a new routine has, as public_revoked). A REVOKE of
// EXECUTE takes a role's EXECUTE away whatever else it names. ON ALL FUNCTIONS IN SCHEMA is not
// followed: the grants are then not known, and none is said lost.
void record_routine_grant(const GrantStmt* grant, Catalog& catalog) {
    if (grant->targtype == ACL_TARGET_DEFAULTS && grant->objtype == OBJECT_FUNCTION) {  // ALTER DEFAULT PRIVILEGES
        bool execute = pg::length(grant->privileges) == 0;
        for (const AccessPriv* p : pg::each<AccessPriv>(grant->privileges)) execute = execute || pg::text(p->priv_name) == "execute";
        for (const RoleSpec* role : pg::each<RoleSpec>(grant->grantees)) {
            if (execute && role->roletype == ROLESPEC_PUBLIC && !(grant->grant_option && !grant->is_grant)) {
                catalog.set_routines_public_by_default(grant->is_grant);
            }
        }
        return;
    }
    if (grant->targtype != ACL_TARGET_OBJECT ||
        (grant->objtype != OBJECT_FUNCTION && grant->objtype != OBJECT_PROCEDURE && grant->objtype != OBJECT_ROUTINE)) {
        return;
    }
    bool execute = pg::length(grant->privileges) == 0;  // ALL [PRIVILEGES]
    for (const AccessPriv* p : pg::each<AccessPriv>(grant->privileges)) execute = execute || pg::text(p->priv_name) == "execute";
    if (!execute || (!grant->is_grant && grant->grant_option)) return;  // REVOKE GRANT OPTION FOR keeps EXECUTE
    for (const ObjectWithArgs* o : pg::each<ObjectWithArgs>(grant->objects)) {
        if (pg::length(o->objname) == 0) continue;
        for (FunctionInfo& f : named_overloads(o, catalog)) {
            f.pre_existing = f.pre_existing || f.order < catalog.functions_existing();
            for (const RoleSpec* role : pg::each<RoleSpec>(grant->grantees)) {
                if (role->roletype == ROLESPEC_PUBLIC) {
                    f.public_revoked = !grant->is_grant;
                    continue;
                }
                if (role->roletype != ROLESPEC_CSTRING) continue;
                const std::string name(pg::text(role->rolename));
                std::erase(f.grantees, name);
                if (grant->is_grant) f.grantees.push_back(name);
            }
            catalog.add_function(std::move(f));
        }
    }
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

}  // namespace function_calls_detail

namespace {

// ALTER FUNCTION ... SET lock_timeout | statement_timeout, as CREATE FUNCTION clauses: its call
// reads the routine's SET clauses from its definition (body_settings.hpp routine_settings).
std::string timeout_clauses(const List* actions) {
    std::string out;
    for (const DefElem* d : pg::each<DefElem>(actions)) {
        const auto* set = pg::text(d->defname) == "set" ? pg::as<VariableSetStmt>(d->arg) : nullptr;
        if (set == nullptr) continue;
        for (const BodySetting& s : body_settings_of(reinterpret_cast<const pg::Node*>(set))) {
            if (!s.known) {
                out += "SET " + s.name + " FROM CURRENT ";
            } else if (s.value) {
                std::string quoted;
                for (char c : *s.value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
                out += "SET " + s.name + " = '" + quoted + "' ";
            }
        }
    }
    return out;
}

// The definition with `clauses` before its first option (options may come in any order).
std::string with_clauses(const std::string& definition, const std::string& clauses) {
    ParsedStatement parsed = parse_statement(definition);
    const auto* create = parsed.failure ? nullptr : pg::as<CreateFunctionStmt>(parsed.stmt);
    const DefElem* first = create != nullptr ? pg::as<DefElem>(pg::nth(create->options, 0)) : nullptr;
    if (first == nullptr || first->location < 0 || static_cast<std::size_t>(first->location) > definition.size()) return definition;
    std::string out = definition;
    out.insert(static_cast<std::size_t>(first->location), clauses);
    return out;
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
        // A replacement keeps the old one's privileges (ProcedureCreate keeps proacl); a CREATE of
        // one an earlier DROP removed starts from the defaults (routine_note.hpp).
        for (const FunctionInfo& old : create->replace ? named_overloads_of(info, catalog) : std::vector<FunctionInfo>{}) {
            info.grantees = old.grantees;
            info.public_revoked = old.public_revoked;
        }
        catalog.take_dropped_function(info.name, info.schema, info.signature);
        catalog.add_function(std::move(info));
        return;
    }
    if (const GrantStmt* grant = pg::as<GrantStmt>(stmt)) {
        record_routine_grant(grant, catalog);
        return;
    }
    if (const auto* defaults = pg::as<AlterDefaultPrivilegesStmt>(stmt)) {
        // IN SCHEMA s adds to the global defaults and cannot take PUBLIC's EXECUTE away.
        bool in_schema = false;
        for (const DefElem* d : pg::each<DefElem>(defaults->options)) in_schema = in_schema || pg::text(d->defname) == "schemas";
        if (!in_schema && defaults->action != nullptr) record_routine_grant(defaults->action, catalog);
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
        const std::string timeouts = timeout_clauses(alter->actions);
        for (FunctionInfo& f : named_overloads(o, catalog)) {
            if (!timeouts.empty()) f.definition = with_clauses(f.definition, timeouts);
            // Added again, after the migration's own: one made before it stays one (routine_note.hpp).
            f.pre_existing = f.pre_existing || f.order < catalog.functions_existing();
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
            // (Kept for a CREATE of it again by the lock model: routine_note.hpp keep_routines_aside.)
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
            // The definition still names the old function; only its body is read from it. (The old
            // name is free: routine_note.hpp keep_routines_aside.)
            f.pre_existing = f.pre_existing || f.order < catalog.functions_existing();
            f.name = rename->newname;
            catalog.add_function(std::move(f));
        }
        return;
    }
    // ALTER FUNCTION | PROCEDURE | ROUTINE ... SET SCHEMA: the routine, its options and privileges
    // move to the new schema (it keeps its OID; ALTER FUNCTION: "new_schema: The new schema for
    // the function"), and its name is free in the old one, as after a DROP (red team R72 F3;
    // routine_note.hpp keep_routines_aside).
    if (const AlterObjectSchemaStmt* moved = pg::as<AlterObjectSchemaStmt>(stmt)) {
        if (moved->objectType != OBJECT_FUNCTION && moved->objectType != OBJECT_PROCEDURE && moved->objectType != OBJECT_ROUTINE) return;
        const ObjectWithArgs* o = pg::as<ObjectWithArgs>(moved->object);
        if (o == nullptr || pg::length(o->objname) == 0 || moved->newschema == nullptr) return;
        if (is_rule_function_name(pg::last_name(o->objname))) return;
        std::vector<FunctionInfo> overloads = named_overloads(o, catalog);
        std::optional<std::string> signature;
        if (!o->args_unspecified) signature = signature_of_types(o->objargs);
        catalog.remove_function(std::string(pg::last_name(o->objname)), schema_of(o->objname), signature);
        for (FunctionInfo& f : overloads) {
            f.pre_existing = f.pre_existing || f.order < catalog.functions_existing();  // added again: as the ALTER above
            f.schema = moved->newschema;
            catalog.add_function(std::move(f));
        }
    }
}

CallFollower::CallFollower(std::shared_ptr<void> arena, std::vector<rules::CalledStatement>* out)
    : m_arena(std::move(arena)), m_out(out), m_do_hooks(std::make_unique<BodyWalk>(*this)) {}

CallFollower::~CallFollower() = default;

BodyHooks& CallFollower::do_block_hooks(model::Context& ctx) {
    m_ctx = &ctx;
    return *m_do_hooks;
}

}  // namespace pgfence::analyze
