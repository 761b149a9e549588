#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "analyze/model/domain_defaults.hpp"
#include "analyze/model/collations.hpp"
#include "analyze/model/integrity.hpp"
#include "analyze/model/model.hpp"
#include "analyze/model/publication_identity.hpp"
#include "analyze/model/sequence_types.hpp"
#include "analyze/model/table_swap.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/domain_columns.hpp"
#include "analyze/model/policy_filter.hpp"
#include "analyze/model/trigger_enable.hpp"
#include "analyze/model/plpgsql/plpgsql.hpp"
#include "analyze/parse/splitter.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

// A boolean option of a DefElem list: present, and not written as false.
bool option_set(const List* options, std::string_view name) {
    for (const DefElem* d : pg::each<DefElem>(options)) {
        if (pg::text(d->defname) != name) continue;
        if (const Boolean* b = pg::as<Boolean>(d->arg)) return b->boolval;
        if (const String* v = pg::as<String>(d->arg)) {
            std::string_view text = pg::text(v->sval);
            if (text == "false" || text == "off" || text == "0") return false;
        }
        if (const Integer* i = pg::as<Integer>(d->arg)) return i->ival != 0;
        return true;
    }
    return false;
}

bool model_vacuum(const VacuumStmt* stmt, StatementFacts& facts, Context& ctx) {
    bool vacuum = stmt->is_vacuumcmd;
    bool full = vacuum && option_set(stmt->options, "full");
    bool analyze = !vacuum || option_set(stmt->options, "analyze");
    facts.tag = vacuum ? (full ? "VACUUM FULL" : "VACUUM") : "ANALYZE";
    if (vacuum) facts.no_transaction_block = true;
    if (pg::length(stmt->rels) == 0) facts.notes.push_back(facts.tag + " without a table processes every table in the database");
    for (const VacuumRelation* vr : pg::each<VacuumRelation>(stmt->rels)) {
        const RangeVar* rv = vr->relation;
        if (rv == nullptr) continue;
        std::string relname(pg::relname(rv));
        std::string display = pg::display_name(rv);
        M mode = full ? M::AccessExclusive : M::ShareUpdateExclusive;
        lock_range_var(facts, ctx, rv, mode, facts.tag);
        if (full) add_rewrite_tree(facts, ctx, relname, display, "VACUUM FULL copies the table into new storage");
        else if (vacuum) add_scan(facts, display, "VACUUM reads the table's pages", true);
        if (analyze && !vacuum) add_scan(facts, display, "ANALYZE reads a sample of the table", true);
        if (range_var_inh(rv)) lock_descendants(facts, ctx, relname, mode, facts.tag + " processes every partition");
    }
    return true;
}

bool model_cluster(const ClusterStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "CLUSTER";
    if (stmt->relation == nullptr) {
        facts.no_transaction_block = true;
        facts.notes.push_back("CLUSTER without a table re-clusters every previously clustered table");
        return true;
    }
    lock_range_var(facts, ctx, stmt->relation, M::AccessExclusive, "CLUSTER: rewrites the table in index order");
    add_rewrite(facts, pg::display_name(stmt->relation), "CLUSTER copies the table into new storage in index order");
    return true;
}

bool model_refresh(const RefreshMatViewStmt* stmt, StatementFacts& facts, Context& ctx) {
    bool concurrent = stmt->concurrent;
    facts.tag = std::string("REFRESH MATERIALIZED VIEW") + (concurrent ? " CONCURRENTLY" : "");
    const RangeVar* rv = stmt->relation;
    lock_range_var(facts, ctx, rv, concurrent ? M::Exclusive : M::AccessExclusive,
                   concurrent ? "REFRESH ... CONCURRENTLY: blocks writes, allows reads"
                              : "REFRESH: blocks reads and writes of the view",
                   "materialized view");
    if (!concurrent) add_rewrite(facts, pg::display_name(rv), "REFRESH fills new storage and swaps it in");
    if (stmt->skipData) return true;  // WITH NO DATA: the query is not run
    if (const RelationInfo* info = std::as_const(ctx.catalog).find(std::string(pg::relname(rv)))) {
        for (const auto& [name, display] : std::vector<std::pair<std::string, std::string>>(info->sources)) {
            lock_relation(facts, ctx, name, display, M::AccessShare, QueryUse::Execute, "REFRESH runs the view's query over it");
        }
    } else {
        facts.notes.push_back("the tables the view reads are locked ACCESS SHARE while its query runs");
    }
    return true;
}

// What the catalog knows of a BEFORE ... FOR EACH ROW trigger's function, as a note the
// create-trigger rule reads (trigger_function_note): its PL/pgSQL body returns NULL at the top
// level (every write it fires on is skipped), or its body is one pgfence does not read.
void note_trigger_function(const CreateTrigStmt* stmt, StatementFacts& facts, const Context& ctx) {
    constexpr int k_before = 2;
    if (!stmt->row || (stmt->timing & k_before) == 0 || (stmt->events & (4 | 8 | 16)) == 0) return;
    note_trigger_function_named(std::string(pg::last_name(stmt->funcname)), facts, ctx);
}

}  // namespace

// The same note for a trigger function by name (ENABLE TRIGGER, trigger_enable.hpp).
void note_trigger_function_named(const std::string& name, StatementFacts& facts, const Context& ctx) {
    const auto* overloads = ctx.catalog.functions(name);
    if (overloads == nullptr) return;
    const FunctionInfo* function = nullptr;
    for (const auto& overload : *overloads) {
        if (overload->signature.empty()) function = overload.get();  // a trigger function takes no arguments
    }
    if (function == nullptr) return;
    // Where it was made, when the catalog says (a function's source is not always handed on).
    const std::string from = function->source.empty() ? std::string() : " (created by " + function->source + ")";
    if (function->language != "plpgsql") {
        facts.notes.push_back(trigger_function_note(name, "LANGUAGE " + function->language + from +
                                                              ", whose body pgfence does not read"));
        return;
    }
    ParsedStatement parsed = parse_statement(function->definition);
    const auto* create = parsed.failure ? nullptr : pg::as<CreateFunctionStmt>(parsed.stmt);
    std::string body;
    for (const DefElem* d : pg::each<DefElem>(create != nullptr ? create->options : nullptr)) {
        if (pg::text(d->defname) == "as" && pg::as<List>(d->arg) != nullptr) body = std::string(pg::text(pg::nth(pg::as<List>(d->arg), 0)));
    }
    if (body.empty()) {
        facts.notes.push_back(trigger_function_note(name, "a function whose body pgfence could not read" + from));
    } else if (trigger_returns_null_always(body)) {
        facts.notes.push_back(trigger_function_note(name, "returns NULL at the top level of its body" + from));
    }
}

namespace {

bool model_trigger(const CreateTrigStmt* stmt, StatementFacts& facts, Context& ctx) {
    note_trigger_function(stmt, facts, ctx);
    note_tsvector_trigger(stmt, facts, ctx);
    bool replace = stmt->replace;
    facts.tag = replace ? "CREATE OR REPLACE TRIGGER" : "CREATE TRIGGER";
    if (replace && ctx.pg_version < 14) facts.notes.push_back("CREATE OR REPLACE TRIGGER needs PostgreSQL 14 or later");
    const RangeVar* rv = stmt->relation;
    std::string relname(pg::relname(rv));
    lock_range_var(facts, ctx, rv, M::ShareRowExclusive, "CREATE TRIGGER: blocks writes while the trigger is added");
    // A row trigger on a partitioned table is cloned onto every partition.
    if (stmt->row && relation_kind(ctx, relname, "") == "partitioned table") {
        lock_descendants(facts, ctx, relname, M::ShareRowExclusive, "CREATE TRIGGER: cloned onto every partition");
    }
    if (auto* info = ctx.catalog.find(relname); info && pg::length(stmt->funcname) > 0) {
        info->triggers[std::string(pg::text(stmt->trigname))] = pg::last_name(stmt->funcname);
    }
    if (stmt->constrrel != nullptr) {
        lock_range_var(facts, ctx, stmt->constrrel, M::AccessShare, "CREATE CONSTRAINT TRIGGER ... FROM");
    }
    return true;
}

}  // namespace

// As table_swap.hpp says (a CREATE POLICY on a copy-and-swap's new table is compared there).
std::string policy_roles(const List* roles) {
    std::set<std::string> names;
    for (const RoleSpec* role : pg::each<RoleSpec>(roles)) {
        if (role->roletype == ROLESPEC_PUBLIC) return {};
        names.insert(role->roletype == ROLESPEC_CSTRING ? std::string(pg::text(role->rolename)) : "current role");
    }
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ",") + name;
    return out;
}

namespace {

// Why ALTER POLICY ... TO `roles` hides no row from a role that `kept` showed it, or "" when it
// may: a permissive policy (ORed with the others) that still applies to every role it applied
// to, or a restrictive one (ANDed) that now applies to fewer. Roles are the names policy_roles
// gives ("" for PUBLIC); a role granted another's membership is not followed, so only the same
// names count.
std::string roles_kept(const PolicyInfo& kept, const std::string& roles) {
    auto names = [](const std::string& list) {
        std::set<std::string> out;
        std::size_t at = 0;
        while (at <= list.size() && !list.empty()) {
            const std::size_t comma = std::min(list.find(',', at), list.size());
            out.insert(list.substr(at, comma - at));
            at = comma + 1;
        }
        return out;
    };
    if (roles == kept.roles) return "the same roles as before (" + (roles.empty() ? std::string("PUBLIC") : roles) + ")";
    const std::set<std::string> before = names(kept.roles), after = names(roles);
    auto includes = [](const std::set<std::string>& all, const std::set<std::string>& some) {
        return std::includes(all.begin(), all.end(), some.begin(), some.end());
    };
    if (kept.permissive) {
        if (roles.empty()) return "a permissive policy, now for PUBLIC: every role it applied to keeps the rows it grants";
        if (!kept.roles.empty() && includes(after, before)) {
            return "a permissive policy that keeps every role it applied to (" + kept.roles + ")";
        }
        return {};
    }
    if (kept.roles.empty() && !roles.empty()) return "a restrictive policy that applied to PUBLIC and now applies to fewer roles";
    if (!roles.empty() && includes(before, after)) {
        return "a restrictive policy that now applies to no role it did not apply to (" + kept.roles + ")";
    }
    return {};
}

bool model_policy(const RangeVar* table, const pg::Node* qual, const pg::Node* with_check, StatementFacts& facts,
                  Context& ctx) {
    for (const pg::Node* part : {qual, with_check}) {
        if (part != nullptr) lock_query(facts, ctx, part, QueryUse::Parse, "the policy's expression names it");
    }
    lock_range_var(facts, ctx, table, M::AccessExclusive, facts.tag + ": changes who sees which rows");
    return true;
}

namespace {

// The relation's name as PostgreSQL stores it, from a lock's display name ("billing.invoices",
// "\"Audit\"\"Log\"").
std::string stored_name(const std::string& display) {
    std::string name;
    bool quoted = false;
    for (std::size_t i = 0; i < display.size(); ++i) {
        char c = display[i];
        if (c == '"' && quoted && i + 1 < display.size() && display[i + 1] == '"') {
            name += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == '.' && !quoted) {
            name.clear();
        } else {
            name += c;
        }
    }
    return name;
}

// What a rule's actions lock each time a statement of its event runs on the table: they are
// planned and run with it (views opened, partitions, foreign-key checks). NEW and OLD name
// the statement's own rows, not relations.
RuleInfo rule_actions(const RuleStmt* stmt, Context& ctx) {
    RuleInfo rule;
    rule.event = stmt->event;
    StatementFacts scratch;
    for (const pg::Node* a : pg::each(stmt->actions)) lock_query(scratch, ctx, a, QueryUse::Execute, "the rule's action");
    if (stmt->whereClause != nullptr) lock_query(scratch, ctx, stmt->whereClause, QueryUse::Execute, "the rule's condition");
    for (const LockFact& l : scratch.locks) {
        std::string relname = stored_name(l.relation);
        if (relname == "new" || relname == "old") continue;
        rule.locks.push_back({relname, l.relation, l.mode});
    }
    return rule;
}

}  // namespace

bool model_rule(const RuleStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "CREATE RULE";
    // The actions are parsed: tables they write get ROW EXCLUSIVE, tables they read ACCESS SHARE.
    for (const pg::Node* a : pg::each(stmt->actions)) lock_query(facts, ctx, a, QueryUse::Parse, "the rule's action names it");
    lock_range_var(facts, ctx, stmt->relation, M::AccessExclusive, "CREATE RULE: changes how the table is queried");
    if (RelationInfo* info = ctx.catalog.find(std::string(pg::relname(stmt->relation)))) {
        std::string name(pg::text(stmt->rulename));
        if (stmt->event == CMD_INSERT || stmt->event == CMD_UPDATE || stmt->event == CMD_DELETE) {
            RuleInfo rule = rule_actions(stmt, ctx);
            info = ctx.catalog.find(std::string(pg::relname(stmt->relation)));  // the actions' walk may add relations
            info->rules[name] = std::move(rule);
        } else {
            info->rules.erase(name);  // CREATE OR REPLACE with another event
        }
    }
    return true;
}

bool model_comment(const CommentStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "COMMENT";
    ObjectType type = stmt->objtype;
    const List* items = pg::as<List>(stmt->object);
    int count = pg::length(items);
    switch (type) {
        case OBJECT_TABLE:
        case OBJECT_VIEW:
        case OBJECT_MATVIEW:
        case OBJECT_INDEX:
        case OBJECT_SEQUENCE:
        case OBJECT_FOREIGN_TABLE:
        case OBJECT_COLUMN: {
            int names = type == OBJECT_COLUMN ? count - 1 : count;  // a column's name ends the list
            if (names <= 0) return true;
            std::string kind = type == OBJECT_INDEX ? "index" : type == OBJECT_SEQUENCE ? "sequence"
                             : type == OBJECT_VIEW ? "view" : type == OBJECT_MATVIEW ? "materialized view" : "";
            add_lock(facts, ctx, std::string(pg::text(pg::nth(items, names - 1))), pg::qualified_name(items, names),
                     M::ShareUpdateExclusive, kind, "COMMENT ON: locks the object against concurrent DDL");
            return true;
        }
        case OBJECT_TABCONSTRAINT:
        case OBJECT_TRIGGER:
        case OBJECT_POLICY:
        case OBJECT_RULE:
            if (count < 2) return true;
            add_lock(facts, ctx, std::string(pg::text(pg::nth(items, count - 2))), pg::qualified_name(items, count - 1),
                     M::AccessShare, "", "COMMENT ON: opens the table the object belongs to");
            return true;
        default:
            return true;
    }
}

// "things.qty, orders.n": the columns of the domain `base` the catalog knows, at most a few.
std::string domain_columns(const Catalog& catalog, const std::string& base) {
    constexpr int k_shown = 5;
    std::string out;
    int shown = 0;
    for (const auto& t : catalog.tables_using_type(base)) {
        const RelationInfo* info = std::as_const(catalog).find(t);
        if (info == nullptr) continue;
        for (const auto& c : info->columns) {
            if (type_base(c.type) != base) continue;
            if (shown++ == k_shown) return out + " and more";
            out += (out.empty() ? "" : ", ") + info->display + "." + quote_ident(c.name);
        }
    }
    return out;
}

bool model_alter_domain(const AlterDomainStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "ALTER DOMAIN";
    char sub = stmt->subtype;
    std::string name = pg::qualified_name(stmt->typeName);
    std::string base(pg::last_name(stmt->typeName));
    bool checks_rows = false;
    if (sub == 'C') {
        const Constraint* con = pg::as<Constraint>(stmt->def);
        checks_rows = con == nullptr || !con->skip_validation;
    } else if (sub == 'V' || sub == 'O') {
        checks_rows = true;
    }
    if (sub == 'C' || sub == 'O') ctx.catalog.add_domain(base, true);
    if (sub == 'N') facts.notes.push_back(domain_columns_note(name, domain_columns(ctx.catalog, base)));
    if (checks_rows) {
        // The columns of the domains over it too: PostgreSQL 15 validates a domain over this one
        // as well (typecmds.c validateDomainCheckConstraint / validateDomainNotNullConstraint
        // via get_rels_with_domain, which follows the domains built on it).
        std::vector<std::string> tables;
        for (const auto& domain : ctx.catalog.domains_over(base)) {
            for (const auto& t : ctx.catalog.tables_using_type(domain)) {
                if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(t);
            }
        }
        for (const auto& t : tables) {
            const RelationInfo* info = std::as_const(ctx.catalog).find(t);
            std::string display = info ? info->display : quote_ident(t);
            add_lock(facts, ctx, t, display, M::Share, "", "ALTER DOMAIN: checks every row of the columns that use it");
            add_scan(facts, display, "ALTER DOMAIN: existing values are checked against the new constraint");
        }
        facts.notes.push_back("every table with a column of domain " + name +
                              " or of a domain over it is locked SHARE (blocks writes) and scanned");
    }
    return true;
}

bool model_publication(const List* pubobjects, StatementFacts& facts, Context& ctx) {
    for (const PublicationObjSpec* spec : pg::each<PublicationObjSpec>(pubobjects)) {
        if (spec->pubtable != nullptr && spec->pubtable->relation != nullptr) {
            lock_range_var(facts, ctx, spec->pubtable->relation, M::ShareUpdateExclusive, facts.tag + ": adds the table");
        }
    }
    return true;
}

// OWNED BY table.column opens the table (ACCESS SHARE) to check the column.
void lock_owner(const List* options, StatementFacts& facts, Context& ctx) {
    for (const DefElem* d : pg::each<DefElem>(options)) {
        if (pg::text(d->defname) != "owned_by") continue;
        const List* names = pg::as<List>(d->arg);
        int count = pg::length(names);
        if (count < 2) continue;  // OWNED BY NONE
        add_lock(facts, ctx, std::string(pg::text(pg::nth(names, count - 2))), pg::qualified_name(names, count - 1),
                 M::AccessShare, "", "OWNED BY: the owning table is opened");
    }
}

// The type an AS option names (2, 4, 8), or 0 when none does.
std::uint8_t sequence_as(const List* options) {
    for (const DefElem* d : pg::each<DefElem>(options)) {
        if (pg::text(d->defname) == "as") return sequence_bytes(canonical_type(pg::as<TypeName>(d->arg)));
    }
    return 0;
}

bool model_create_sequence(const CreateSeqStmt* stmt, StatementFacts& facts, Context& ctx) {
    const RangeVar* rv = stmt->sequence;
    lock_owner(stmt->options, facts, ctx);
    facts.tag = "CREATE SEQUENCE";
    std::string relname(pg::relname(rv));
    if (stmt->if_not_exists && ctx.catalog.find(relname)) return true;
    RelationInfo& info = ctx.catalog.add(relname, pg::display_name(rv), "sequence");
    mark_new(ctx, info, is_temporary(rv));
    info.temporary = is_temporary(rv);
    info.sequence_bytes = 8;  // bigint unless AS says otherwise
    if (const std::uint8_t as = sequence_as(stmt->options); as != 0) info.sequence_bytes = as;
    lock_range_var(facts, ctx, rv, M::AccessExclusive, "CREATE SEQUENCE: the new sequence", "sequence");
    return true;
}

bool model_alter_sequence(const AlterSeqStmt* stmt, StatementFacts& facts, Context& ctx) {
    lock_owner(stmt->options, facts, ctx);
    facts.tag = "ALTER SEQUENCE";
    lock_range_var(facts, ctx, stmt->sequence, M::ShareRowExclusive, "ALTER SEQUENCE", "sequence");
    // Its type as it was (sequence-limit-lowered weighs INCREMENT and CACHE against it), then AS's.
    const std::string relname(stmt->sequence != nullptr ? pg::relname(stmt->sequence) : std::string_view());
    const RelationInfo* known = std::as_const(ctx.catalog).find(relname);
    if (known != nullptr && known->kind == "sequence" && known->sequence_bytes != 0) {
        facts.notes.push_back(sequence_type_note(relname, known->sequence_bytes));
    }
    if (const std::uint8_t as = sequence_as(stmt->options); as != 0 && known != nullptr && known->kind == "sequence") {
        ctx.catalog.find(relname)->sequence_bytes = as;
    }
    return true;
}

bool model_object_schema(const AlterObjectSchemaStmt* stmt, StatementFacts& facts, Context& ctx) {
    ObjectType type = stmt->objectType;
    facts.tag = "ALTER ... SET SCHEMA";
    if (stmt->relation != nullptr) {
        std::string kind = type == OBJECT_SEQUENCE ? "sequence" : type == OBJECT_VIEW ? "view"
                         : type == OBJECT_MATVIEW ? "materialized view" : "";
        lock_range_var(facts, ctx, stmt->relation, M::AccessExclusive, "SET SCHEMA moves the relation", kind);
        // Its name is now in the new schema: a later DROP SCHEMA ... CASCADE of it drops it.
        std::string relname(pg::relname(stmt->relation));
        if (RelationInfo* info = stmt->newschema != nullptr ? ctx.catalog.find(relname) : nullptr) {
            info->display = quote_ident(pg::text(stmt->newschema)) + "." + quote_ident(relname);
        }
    }
    return true;
}

bool model_create_schema(const CreateSchemaStmt* stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "CREATE SCHEMA";
    for (const pg::Node* elt : pg::each(stmt->schemaElts)) {
        if (elt == nullptr) continue;
        StatementFacts inner;
        if (!model_schema_element(elt, stmt->schemaname, inner, ctx)) facts.status = StatementStatus::Unknown;
        for (auto& l : inner.locks) {
            bool merged = false;
            for (auto& existing : facts.locks) {
                if (existing.relation == l.relation) {
                    if (l.mode > existing.mode) existing.mode = l.mode;
                    existing.cascades = existing.cascades || l.cascades;
                    merged = true;
                }
            }
            if (!merged) facts.locks.push_back(l);
        }
        for (auto& r : inner.rewrites) facts.rewrites.push_back(r);
        for (auto& s : inner.scans) facts.scans.push_back(s);
    }
    return true;
}

// Statements that take no lock on any table (catalog-only or session-level).
const std::map<NodeTag, std::string>& lockless() {
    static const std::map<NodeTag, std::string> k_map = {
        {T_CreateExtensionStmt, "CREATE EXTENSION"}, {T_AlterExtensionStmt, "ALTER EXTENSION"},
        {T_AlterExtensionContentsStmt, "ALTER EXTENSION"}, {T_CreateFunctionStmt, "CREATE FUNCTION"},
        {T_AlterFunctionStmt, "ALTER FUNCTION"}, {T_CreateEnumStmt, "CREATE TYPE"},
        {T_CreateDomainStmt, "CREATE DOMAIN"}, {T_CompositeTypeStmt, "CREATE TYPE"},
        {T_CreateRangeStmt, "CREATE TYPE"}, {T_DefineStmt, "CREATE"}, {T_CreateRoleStmt, "CREATE ROLE"},
        {T_AlterRoleStmt, "ALTER ROLE"}, {T_AlterRoleSetStmt, "ALTER ROLE"}, {T_DropRoleStmt, "DROP ROLE"},
        {T_GrantRoleStmt, "GRANT"}, {T_AlterDefaultPrivilegesStmt, "ALTER DEFAULT PRIVILEGES"},
        {T_AlterOwnerStmt, "ALTER OWNER"}, {T_CreateCastStmt, "CREATE CAST"},
        {T_CreateConversionStmt, "CREATE CONVERSION"}, {T_CreateOpClassStmt, "CREATE OPERATOR CLASS"},
        {T_CreateOpFamilyStmt, "CREATE OPERATOR FAMILY"}, {T_AlterOpFamilyStmt, "ALTER OPERATOR FAMILY"},
        {T_CreateEventTrigStmt, "CREATE EVENT TRIGGER"}, {T_AlterEventTrigStmt, "ALTER EVENT TRIGGER"},
        {T_CreateFdwStmt, "CREATE FOREIGN DATA WRAPPER"}, {T_CreateForeignServerStmt, "CREATE SERVER"},
        {T_CreateUserMappingStmt, "CREATE USER MAPPING"}, {T_AlterUserMappingStmt, "ALTER USER MAPPING"},
        {T_DropUserMappingStmt, "DROP USER MAPPING"}, {T_CreatePLangStmt, "CREATE LANGUAGE"},
        {T_CreateTransformStmt, "CREATE TRANSFORM"}, {T_CreateAmStmt, "CREATE ACCESS METHOD"},
        {T_AlterCollationStmt, "ALTER COLLATION"}, {T_AlterTSConfigurationStmt, "ALTER TEXT SEARCH CONFIGURATION"},
        {T_AlterTSDictionaryStmt, "ALTER TEXT SEARCH DICTIONARY"}, {T_AlterTypeStmt, "ALTER TYPE"},
        {T_AlterOperatorStmt, "ALTER OPERATOR"}, {T_AlterStatsStmt, "ALTER STATISTICS"},
        {T_AlterDatabaseStmt, "ALTER DATABASE"}, {T_AlterDatabaseSetStmt, "ALTER DATABASE"},
        {T_AlterDatabaseRefreshCollStmt, "ALTER DATABASE"}, {T_VariableSetStmt, "SET"},
        {T_VariableShowStmt, "SHOW"}, {T_TransactionStmt, "TRANSACTION"}, {T_DiscardStmt, "DISCARD"},
        {T_NotifyStmt, "NOTIFY"}, {T_ListenStmt, "LISTEN"}, {T_UnlistenStmt, "UNLISTEN"},
        {T_CheckPointStmt, "CHECKPOINT"}, {T_DeallocateStmt, "DEALLOCATE"}, {T_PrepareStmt, "PREPARE"},
        {T_ConstraintsSetStmt, "SET CONSTRAINTS"},
        {T_AlterForeignServerStmt, "ALTER SERVER"}, {T_AlterFdwStmt, "ALTER FOREIGN DATA WRAPPER"},
        {T_DropSubscriptionStmt, "DROP SUBSCRIPTION"}, {T_AlterEnumStmt, "ALTER TYPE"},
        {T_ReturnStmt, "RETURN"}};
    return k_map;
}

// SQL-language functions are parsed and analysed when created (check_function_bodies is on
// by default): the relations their statements name are opened, views down to their tables.
void model_sql_function(const CreateFunctionStmt* stmt, StatementFacts& facts, Context& ctx) {
    std::string_view language;
    std::string body;
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) {
        std::string_view name = pg::text(d->defname);
        if (name == "language") language = pg::text(d->arg);
        if (name == "as") {
            const List* items = pg::as<List>(d->arg);
            if (pg::length(items) == 1) body = pg::text(pg::nth(items, 0));
        }
    }
    std::string reason = "the SQL function's body is analysed when it is created";
    if (stmt->sql_body != nullptr) {
        lock_query(facts, ctx, stmt->sql_body, QueryUse::Rewrite, reason);
        return;
    }
    if (language != "sql" || body.empty()) return;
    for (const auto& raw : split_statements(body, Region{0, body.size(), false})) {
        ParsedStatement parsed = parse_statement(std::string_view(body).substr(raw.begin, raw.end - raw.begin));
        if (!parsed.failure) lock_query(facts, ctx, parsed.stmt, QueryUse::Rewrite, reason);
    }
}

// Types the migration creates: domains with constraints make added columns rewrite.
void record_type(const pg::Node* stmt, Context& ctx) {
    record_collation(stmt, ctx);
    if (const CreateDomainStmt* domain = pg::as<CreateDomainStmt>(stmt)) {
        if (pg::length(domain->domainname) == 0) return;
        bool constrained = false;
        bool own_default = false;
        const std::string name(pg::last_name(domain->domainname));
        for (const Constraint* c : pg::each<Constraint>(domain->constraints)) {
            constrained = constrained || c->contype == CONSTR_CHECK || c->contype == CONSTR_NOTNULL;
            own_default = own_default || c->contype == CONSTR_DEFAULT;
            // A volatile DEFAULT: a column of the domain added without a default of its own takes
            // it, one value per row, so the table is rewritten (tablecmds.c ATExecAddColumn:
            // build_column_default falls back to the domain's default; red team h1 T_DOMVOLDEF,
            // PostgreSQL 15: users' relfilenode changes). Kept as "constrained" (the rewrite) and
            // its reason among the catalog's object uses (domain_volatile_default).
            std::string why;
            if (c->contype == CONSTR_DEFAULT && c->raw_expr != nullptr && expression_is_volatile(c->raw_expr, why, &ctx.catalog)) {
                constrained = true;
                ctx.catalog.add_object_use(domain_volatile_default_key(name), why);
            }
        }
        // Over another domain: its constraints hold too (Catalog::domain_has_constraints follows
        // the base), and without a DEFAULT of its own it takes the base's (typecmds.c DefineDomain).
        const std::string base = type_base(canonical_type(domain->typeName));
        const std::vector<std::string>* inherited = ctx.catalog.object_uses(domain_volatile_default_key(base));
        if (!own_default && inherited != nullptr && !inherited->empty()) {
            constrained = true;
            ctx.catalog.add_object_use(domain_volatile_default_key(name), inherited->back());
        }
        ctx.catalog.add_domain(name, constrained, base);
    } else if (const CreateEnumStmt* e = pg::as<CreateEnumStmt>(stmt)) {
        if (pg::length(e->typeName) > 0) ctx.catalog.add_type(std::string(pg::last_name(e->typeName)));
    } else if (const CreateRangeStmt* r = pg::as<CreateRangeStmt>(stmt)) {
        if (pg::length(r->typeName) > 0) ctx.catalog.add_type(std::string(pg::last_name(r->typeName)));
    } else if (const CompositeTypeStmt* c = pg::as<CompositeTypeStmt>(stmt)) {
        ctx.catalog.add_type(std::string(pg::relname(c->typevar)));
    } else if (const DefineStmt* d = pg::as<DefineStmt>(stmt); d != nullptr && d->kind == OBJECT_TYPE && pg::length(d->defnames) > 0) {
        ctx.catalog.add_type(std::string(pg::last_name(d->defnames)));  // a base or shell type (CREATE TYPE app.text)
    }
}

// Statements that run code the model cannot see: never reported as safe.
bool model_user_code(const pg::Node* stmt, StatementFacts& facts) {
    NodeTag tag = stmt->type;
    facts.tag = tag == T_DoStmt ? "DO" : tag == T_CallStmt ? "CALL" : tag == T_ExecuteStmt ? "EXECUTE" : "EXPLAIN";
    if (const ExplainStmt* explain = pg::as<ExplainStmt>(stmt); explain != nullptr && !option_set(explain->options, "analyze")) {
        return true;
    }
    facts.runs_user_code = true;
    facts.notes.push_back(facts.tag + " runs code whose locks are not visible to static analysis");
    return false;
}

}  // namespace

bool model_misc(const pg::Node* stmt, StatementFacts& facts, Context& ctx) {
    if (const CreateFunctionStmt* function = pg::as<CreateFunctionStmt>(stmt)) model_sql_function(function, facts, ctx);
    record_type(stmt, ctx);
    switch (stmt->type) {
        case T_VacuumStmt:
            return model_vacuum(pg::as<VacuumStmt>(stmt), facts, ctx);
        case T_ClusterStmt:
            return model_cluster(pg::as<ClusterStmt>(stmt), facts, ctx);
        case T_RefreshMatViewStmt:
            return model_refresh(pg::as<RefreshMatViewStmt>(stmt), facts, ctx);
        case T_CreateTrigStmt:
            return model_trigger(pg::as<CreateTrigStmt>(stmt), facts, ctx);
        case T_CreatePolicyStmt: {
            const auto* policy = pg::as<CreatePolicyStmt>(stmt);
            facts.tag = "CREATE POLICY";
            // Kept on the table, so that a later ENABLE ROW LEVEL SECURITY knows it has one; a
            // permissive USING (false) grants no row and is none (literal_truth.hpp).
            const bool grants = !policy->permissive || policy->qual == nullptr || could_be_true(policy->qual);
            if (RelationInfo* info = policy->table && grants ? ctx.catalog.find(std::string(pg::relname(policy->table))) : nullptr) {
                PolicyInfo kept{ctx.catalog.source(), policy->permissive, "all", ""};
                if (policy->cmd_name != nullptr) kept.command = std::string(pg::text(policy->cmd_name));
                kept.roles = policy_roles(policy->roles);
                kept.filter = policy_filter(policy->qual);
                info->policies[std::string(pg::text(policy->policy_name))] = std::move(kept);
            }
            return model_policy(policy->table, policy->qual, policy->with_check, facts, ctx);
        }
        case T_AlterPolicyStmt: {
            const auto* policy = pg::as<AlterPolicyStmt>(stmt);
            facts.tag = "ALTER POLICY";
            // A new TO list is kept; a permissive policy whose USING becomes plainly false grants
            // no row and is kept no longer, as CREATE POLICY would not have kept it.
            RelationInfo* info = policy->table ? ctx.catalog.find(std::string(pg::relname(policy->table))) : nullptr;
            const std::string name(pg::text(policy->policy_name));
            if (info != nullptr && info->policies.contains(name)) {
                PolicyInfo& kept = info->policies[name];
                if (policy->roles != nullptr) {
                    const std::string roles = policy_roles(policy->roles);
                    if (const std::string why = roles_kept(kept, roles); !why.empty() && policy->table != nullptr) {
                        facts.notes.push_back(row_security_known_note("ALTER POLICY " + quote_ident(name) + " ... TO",
                                                                      pg::display_name(policy->table), why));
                    }
                    kept.roles = roles;
                }
                if (policy->qual != nullptr) kept.filter = policy_filter(policy->qual);
                if (kept.permissive && policy->qual != nullptr && !could_be_true(policy->qual)) info->policies.erase(name);
            }
            return model_policy(policy->table, policy->qual, policy->with_check, facts, ctx);
        }
        case T_RuleStmt:
            return model_rule(pg::as<RuleStmt>(stmt), facts, ctx);
        case T_CommentStmt:
            return model_comment(pg::as<CommentStmt>(stmt), facts, ctx);
        case T_AlterDomainStmt:
            return model_alter_domain(pg::as<AlterDomainStmt>(stmt), facts, ctx);
        case T_CreatePublicationStmt:
            facts.tag = "CREATE PUBLICATION";
            return model_publication(pg::as<CreatePublicationStmt>(stmt)->pubobjects, facts, ctx);
        case T_AlterPublicationStmt:
            facts.tag = "ALTER PUBLICATION";
            return model_publication(pg::as<AlterPublicationStmt>(stmt)->pubobjects, facts, ctx);
        case T_CreateSeqStmt:
            return model_create_sequence(pg::as<CreateSeqStmt>(stmt), facts, ctx);
        case T_AlterSeqStmt:
            return model_alter_sequence(pg::as<AlterSeqStmt>(stmt), facts, ctx);
        case T_AlterObjectSchemaStmt:
            return model_object_schema(pg::as<AlterObjectSchemaStmt>(stmt), facts, ctx);
        case T_CreateSchemaStmt:
            return model_create_schema(pg::as<CreateSchemaStmt>(stmt), facts, ctx);
        case T_CreateStatsStmt:
            facts.tag = "CREATE STATISTICS";
            for (const RangeVar* rv : pg::each<RangeVar>(pg::as<CreateStatsStmt>(stmt)->relations)) {
                lock_range_var(facts, ctx, rv, M::ShareUpdateExclusive, "CREATE STATISTICS");
            }
            return true;
        case T_GrantStmt: {
            // PostgreSQL 18 opens each table a GRANT or REVOKE names in ACCESS SHARE (observed on
            // 18.6 by an outside review of pgfence: pg_locks shows AccessShareLock on the table
            // while the statement's transaction is open). 15 takes none (pg_locks on 15.20 shows no
            // lock on the table inside GRANT's or REVOKE's transaction); 16 and 17 are modelled as 15,
            // not checked on a server. The change: Peter Eisentraut's "Proper object locking for
            // GRANT/REVOKE" (pgsql-hackers, 2024-10-28; PostgreSQL 18's development cycle) made
            // aclchk.c's objectNamesToOids() look names up with get_object_address(), which locks
            // each object it returns (AccessShareLock for a GRANT's relation), where before it took
            // no lock ("XXX: This function doesn't take any sort of locks", removed by it).
            const auto* grant = pg::as<GrantStmt>(stmt);
            facts.tag = "GRANT";  // REVOKE too, as before
            if (ctx.pg_version >= 18 && grant->targtype == ACL_TARGET_OBJECT && grant->objtype == OBJECT_TABLE) {
                for (const RangeVar* rv : pg::each<RangeVar>(grant->objects)) {
                    lock_range_var(facts, ctx, rv, M::AccessShare,
                                   std::string(grant->is_grant ? "GRANT" : "REVOKE") +
                                       " ON TABLE: PostgreSQL 18 opens the table to change its privileges");
                }
            }
            return true;
        }
        case T_CreatedbStmt:
        case T_DropdbStmt:
        case T_CreateTableSpaceStmt:
        case T_DropTableSpaceStmt:
            facts.tag = stmt->type == T_CreatedbStmt ? "CREATE DATABASE" : stmt->type == T_DropdbStmt ? "DROP DATABASE"
                      : stmt->type == T_CreateTableSpaceStmt ? "CREATE TABLESPACE" : "DROP TABLESPACE";
            facts.no_transaction_block = true;
            return true;
        // Statements that take no table lock but whose effect is outside the lock model: unknown,
        // never "known and clean" (issue #53). Their rules (read-only-default, drop-role) say more
        // where they can.
        case T_AlterSystemStmt:
        case T_LoadStmt:
        case T_SecLabelStmt:
        case T_CreateSubscriptionStmt:
        case T_AlterSubscriptionStmt:
        case T_DropOwnedStmt:
        case T_ReassignOwnedStmt: {
            static const std::map<NodeTag, std::pair<const char*, const char*>> k_outside = {
                {T_AlterSystemStmt, {"ALTER SYSTEM", "changes the server's configuration for every database from its next reload"}},
                {T_LoadStmt, {"LOAD", "runs a shared library's initialisation code in the session"}},
                {T_SecLabelStmt, {"SECURITY LABEL", "what the label provider (sepgsql) then allows or denies"}},
                {T_CreateSubscriptionStmt, {"CREATE SUBSCRIPTION", "copies and applies another server's rows into its tables"}},
                {T_AlterSubscriptionStmt, {"ALTER SUBSCRIPTION", "changes which rows another server writes into its tables"}},
                {T_DropOwnedStmt, {"DROP OWNED", "drops every object the role owns, tables with their rows"}},
                {T_ReassignOwnedStmt, {"REASSIGN OWNED", "changes the owner of every object the role owns, locking each table"}}};
            const auto& [tag, what] = k_outside.at(stmt->type);
            facts.tag = tag;
            if (stmt->type == T_AlterSystemStmt || stmt->type == T_CreateSubscriptionStmt) facts.no_transaction_block = true;
            facts.notes.push_back(std::string(tag) + " " + what + ": which objects and sessions it reaches is not in the lock model");
            return false;
        }
        case T_DoStmt:
        case T_CallStmt:
        case T_ExecuteStmt:
        case T_ExplainStmt:
            return model_user_code(stmt, facts);
        case T_AlterEnumStmt:
            facts.tag = "ALTER TYPE";
            if (pg::as<AlterEnumStmt>(stmt)->oldVal == nullptr && ctx.pg_version < 12) {
                facts.no_transaction_block = true;
                facts.notes.push_back("before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block");
            } else if (pg::as<AlterEnumStmt>(stmt)->oldVal == nullptr) {
                facts.notes.push_back("the new enum value cannot be used until the transaction that adds it commits");
            }
            return true;
        default:
            break;
    }
    auto it = lockless().find(stmt->type);
    if (it == lockless().end()) return false;
    if (facts.tag.empty()) facts.tag = it->second;
    return true;
}

}  // namespace pgfence::analyze::model
