#include <map>
#include "analyze/json_access.hpp"
#include <set>

#include "analyze/model/model.hpp"
#include "analyze/names.hpp"
#include "analyze/pg_parser.hpp"
#include "analyze/splitter.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

bool option_set(const json& options, const std::string& name) {
    for (const auto& o : options) {
        if (o.contains("DefElem") && o["DefElem"].value("defname", std::string()) == name) {
            const json& arg = member(o["DefElem"], "arg");
            if (arg.contains("Boolean") && !arg["Boolean"].value("boolval", false)) return false;
            if (arg.contains("String")) {
                std::string v = arg["String"].value("sval", std::string());
                if (v == "false" || v == "off" || v == "0") return false;
            }
            if (arg.contains("Integer") && arg["Integer"].value("ival", 1) == 0) return false;
            return true;
        }
    }
    return false;
}

bool model_vacuum(const json& stmt, StatementFacts& facts, Context& ctx) {
    bool vacuum = stmt.value("is_vacuumcmd", false);
    const auto& options = member(stmt, "options");
    bool full = vacuum && option_set(options, "full");
    bool analyze = !vacuum || option_set(options, "analyze");
    facts.tag = vacuum ? (full ? "VACUUM FULL" : "VACUUM") : "ANALYZE";
    if (vacuum) facts.no_transaction_block = true;
    const auto& rels = member(stmt, "rels");
    if (rels.empty()) facts.notes.push_back(facts.tag + " without a table processes every table in the database");
    for (const auto& r : rels) {
        const json& vr = member(r, "VacuumRelation");
        if (!vr.contains("relation")) continue;
        const json& rv = vr["relation"];
        M mode = full ? M::AccessExclusive : M::ShareUpdateExclusive;
        lock_range_var(facts, ctx, rv, mode, facts.tag);
        bool children = range_var_inh(rv);
        if (full) add_rewrite_tree(facts, ctx, range_var_relname(rv), range_var_name(rv), "VACUUM FULL copies the table into new storage");
        else if (vacuum) add_scan(facts, range_var_name(rv), "VACUUM reads the table's pages", true);
        if (analyze && !vacuum) add_scan(facts, range_var_name(rv), "ANALYZE reads a sample of the table", true);
        if (children) lock_descendants(facts, ctx, range_var_relname(rv), mode, facts.tag + " processes every partition");
    }
    return true;
}

bool model_cluster(const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "CLUSTER";
    if (!stmt.contains("relation")) {
        facts.no_transaction_block = true;
        facts.notes.push_back("CLUSTER without a table re-clusters every previously clustered table");
        return true;
    }
    const json& rv = stmt["relation"];
    lock_range_var(facts, ctx, rv, M::AccessExclusive, "CLUSTER: rewrites the table in index order");
    add_rewrite(facts, range_var_name(rv), "CLUSTER copies the table into new storage in index order");
    return true;
}

bool model_refresh(const json& stmt, StatementFacts& facts, Context& ctx) {
    bool concurrent = stmt.value("concurrent", false);
    facts.tag = std::string("REFRESH MATERIALIZED VIEW") + (concurrent ? " CONCURRENTLY" : "");
    const json& rv = member(stmt, "relation");
    lock_range_var(facts, ctx, rv, concurrent ? M::Exclusive : M::AccessExclusive,
                   concurrent ? "REFRESH ... CONCURRENTLY: blocks writes, allows reads"
                              : "REFRESH: blocks reads and writes of the view",
                   "materialized view");
    if (!concurrent) add_rewrite(facts, range_var_name(rv), "REFRESH fills new storage and swaps it in");
    if (stmt.value("skipData", false)) return true;  // WITH NO DATA: the query is not run
    if (const RelationInfo* info = ctx.catalog.find(range_var_relname(rv))) {
        for (const auto& [name, display] : std::vector<std::pair<std::string, std::string>>(info->sources)) {
            lock_relation(facts, ctx, name, display, M::AccessShare, QueryUse::Execute, "REFRESH runs the view's query over it");
        }
    } else {
        facts.notes.push_back("the tables the view reads are locked ACCESS SHARE while its query runs");
    }
    return true;
}

bool model_trigger(const json& stmt, StatementFacts& facts, Context& ctx) {
    bool replace = stmt.value("replace", false);
    facts.tag = replace ? "CREATE OR REPLACE TRIGGER" : "CREATE TRIGGER";
    if (replace && ctx.pg_version < 14) facts.notes.push_back("CREATE OR REPLACE TRIGGER needs PostgreSQL 14 or later");
    const json& rv = member(stmt, "relation");
    lock_range_var(facts, ctx, rv, M::ShareRowExclusive, "CREATE TRIGGER: blocks writes while the trigger is added");
    // A row trigger on a partitioned table is cloned onto every partition.
    if (stmt.value("row", false) && relation_kind(ctx, range_var_relname(rv), "") == "partitioned table") {
        lock_descendants(facts, ctx, range_var_relname(rv), M::ShareRowExclusive, "CREATE TRIGGER: cloned onto every partition");
    }
    const auto& funcname = member(stmt, "funcname");
    if (auto* info = ctx.catalog.find(range_var_relname(rv)); info && !funcname.empty()) {
        info->triggers[stmt.value("trigname", std::string())] = string_value(funcname.back());
    }
    if (stmt.contains("constrrel")) {
        lock_range_var(facts, ctx, stmt["constrrel"], M::AccessShare, "CREATE CONSTRAINT TRIGGER ... FROM");
    }
    return true;
}

bool model_policy(const std::string& kind, const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = kind == "CreatePolicyStmt" ? "CREATE POLICY" : "ALTER POLICY";
    const json& rv = member(stmt, "table");
    for (const char* part : {"qual", "with_check"}) {
        if (stmt.contains(part)) lock_query(facts, ctx, stmt[part], QueryUse::Parse, "the policy's expression names it");
    }
    lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": changes who sees which rows");
    return true;
}

bool model_rule(const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "CREATE RULE";
    // The actions are parsed: tables they write get ROW EXCLUSIVE, tables they read ACCESS SHARE.
    for (const auto& a : member(stmt, "actions")) lock_query(facts, ctx, a, QueryUse::Parse, "the rule's action names it");
    lock_range_var(facts, ctx, member(stmt, "relation"), M::AccessExclusive, "CREATE RULE: changes how the table is queried");
    return true;
}

bool model_comment(const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "COMMENT";
    std::string type = stmt.value("objtype", std::string());
    static const std::set<std::string> k_relation_types = {
        "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_INDEX", "OBJECT_SEQUENCE",
        "OBJECT_FOREIGN_TABLE", "OBJECT_COLUMN"};
    static const std::set<std::string> k_relation_members = {"OBJECT_TABCONSTRAINT", "OBJECT_TRIGGER",
                                                              "OBJECT_POLICY", "OBJECT_RULE"};
    const json& object = member(stmt, "object");
    const json& items = object.contains("List") ? member(object["List"], "items") : json::array();
    if (k_relation_types.count(type) > 0 && !items.empty()) {
        json names = type == "OBJECT_COLUMN" ? items.without_last() : items;
        if (names.empty()) return true;
        std::string relname = string_value(names.back());
        std::string kind = type == "OBJECT_INDEX" ? "index" : type == "OBJECT_SEQUENCE" ? "sequence"
                         : type == "OBJECT_VIEW" ? "view" : type == "OBJECT_MATVIEW" ? "materialized view" : "";
        add_lock(facts, ctx, relname, qualified_name(names), M::ShareUpdateExclusive, kind,
                 "COMMENT ON: locks the object against concurrent DDL");
    } else if (k_relation_members.count(type) > 0 && items.size() >= 2) {
        json names = items.without_last();
        add_lock(facts, ctx, string_value(names.back()), qualified_name(names), M::AccessShare, "",
                 "COMMENT ON: opens the table the object belongs to");
    }
    return true;
}

bool model_alter_domain(const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "ALTER DOMAIN";
    std::string sub = stmt.value("subtype", std::string());
    std::string name = stmt.contains("typeName") ? qualified_name(stmt["typeName"]) : std::string();
    std::string base;
    if (stmt.contains("typeName") && !stmt["typeName"].empty()) base = string_value(stmt["typeName"].back());
    bool checks_rows = false;
    if (sub == "C") {
        const json& con = member(member(stmt, "def"), "Constraint");
        checks_rows = !con.value("skip_validation", false);
    } else if (sub == "V" || sub == "O") {
        checks_rows = true;
    }
    if (sub == "C" || sub == "O") ctx.catalog.add_domain(base, true);
    if (checks_rows) {
        for (const auto& t : ctx.catalog.tables_using_type(base)) {
            const RelationInfo* info = ctx.catalog.find(t);
            std::string display = info ? info->display : quote_ident(t);
            add_lock(facts, ctx, t, display, M::Share, "", "ALTER DOMAIN: checks every row of the columns that use it");
            add_scan(facts, display, "ALTER DOMAIN: existing values are checked against the new constraint");
        }
        facts.notes.push_back("every table with a column of domain " + name +
                              " is locked SHARE (blocks writes) and scanned");
    }
    return true;
}

bool model_publication(const std::string& kind, const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = kind == "CreatePublicationStmt" ? "CREATE PUBLICATION" : "ALTER PUBLICATION";
    for (const auto& o : member(stmt, "pubobjects")) {
        const json& spec = member(o, "PublicationObjSpec");
        const json& table = member(spec, "pubtable");
        if (table.contains("relation")) {
            lock_range_var(facts, ctx, table["relation"], M::ShareUpdateExclusive, facts.tag + ": adds the table");
        }
    }
    return true;
}

// OWNED BY table.column opens the table (ACCESS SHARE) to check the column.
void lock_owner(const json& options, StatementFacts& facts, Context& ctx) {
    for (const auto& o : options) {
        const json& d = member(o, "DefElem");
        if (d.value("defname", std::string()) != "owned_by") continue;
        json names = member(member(member(d, "arg"), "List"), "items");
        if (names.size() < 2) continue;  // OWNED BY NONE
        names = names.without_last();
        add_lock(facts, ctx, string_value(names.back()), qualified_name(names), M::AccessShare, "",
                 "OWNED BY: the owning table is opened");
    }
}

bool model_sequence(const std::string& kind, const json& stmt, StatementFacts& facts, Context& ctx) {
    const json& rv = member(stmt, "sequence");
    lock_owner(member(stmt, "options"), facts, ctx);
    if (kind == "CreateSeqStmt") {
        facts.tag = "CREATE SEQUENCE";
        std::string relname = range_var_relname(rv);
        if (stmt.value("if_not_exists", false) && ctx.catalog.find(relname)) return true;
        RelationInfo& info = ctx.catalog.add(relname, range_var_name(rv), "sequence");
        info.is_new = true;
        lock_range_var(facts, ctx, rv, M::AccessExclusive, "CREATE SEQUENCE: the new sequence", "sequence");
        return true;
    }
    facts.tag = "ALTER SEQUENCE";
    lock_range_var(facts, ctx, rv, M::ShareRowExclusive, "ALTER SEQUENCE", "sequence");
    return true;
}

bool model_object_schema(const json& stmt, StatementFacts& facts, Context& ctx) {
    std::string type = stmt.value("objectType", std::string());
    facts.tag = "ALTER ... SET SCHEMA";
    if (stmt.contains("relation")) {
        std::string kind = type == "OBJECT_SEQUENCE" ? "sequence" : type == "OBJECT_VIEW" ? "view"
                         : type == "OBJECT_MATVIEW" ? "materialized view" : "";
        lock_range_var(facts, ctx, stmt["relation"], M::AccessExclusive, "SET SCHEMA moves the relation", kind);
    }
    return true;
}

bool model_create_schema(const json& stmt, StatementFacts& facts, Context& ctx) {
    facts.tag = "CREATE SCHEMA";
    std::string schema = stmt.value("schemaname", std::string());
    for (json elt : member(stmt, "schemaElts")) {
        if (!elt.is_object() || elt.empty()) continue;
        std::string kind(elt.begin().key());
        // Elements without a schema of their own are created in the new schema.
        std::vector<Member> name_members, body_members;
        Member element{elt.begin().key(), elt[kind]};
        for (const char* field : {"relation", "view", "sequence"}) {
            const json& body = element.value;
            if (!schema.empty() && body[field].is_object() && !body[field].contains("schemaname")) {
                json name = with_member(body[field], "schemaname", json::string(schema), name_members);
                element.value = with_member(body, field, name, body_members);
                elt = json::object(&element, 1);
                break;
            }
        }
        StatementFacts inner;
        model_statement(elt, nullptr, kind, inner, ctx);  // TODO(typed tree): the element's typed node
        if (inner.status == StatementStatus::Unknown) facts.status = StatementStatus::Unknown;
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
const std::map<std::string, std::string>& lockless() {
    static const std::map<std::string, std::string> k_map = {
        {"CreateExtensionStmt", "CREATE EXTENSION"}, {"AlterExtensionStmt", "ALTER EXTENSION"},
        {"AlterExtensionContentsStmt", "ALTER EXTENSION"}, {"CreateFunctionStmt", "CREATE FUNCTION"},
        {"AlterFunctionStmt", "ALTER FUNCTION"}, {"CreateEnumStmt", "CREATE TYPE"},
        {"CreateDomainStmt", "CREATE DOMAIN"}, {"CompositeTypeStmt", "CREATE TYPE"},
        {"CreateRangeStmt", "CREATE TYPE"}, {"DefineStmt", "CREATE"}, {"CreateRoleStmt", "CREATE ROLE"},
        {"AlterRoleStmt", "ALTER ROLE"}, {"AlterRoleSetStmt", "ALTER ROLE"}, {"DropRoleStmt", "DROP ROLE"},
        {"GrantRoleStmt", "GRANT"}, {"AlterDefaultPrivilegesStmt", "ALTER DEFAULT PRIVILEGES"},
        {"GrantStmt", "GRANT"}, {"AlterOwnerStmt", "ALTER OWNER"}, {"CreateCastStmt", "CREATE CAST"},
        {"CreateConversionStmt", "CREATE CONVERSION"}, {"CreateOpClassStmt", "CREATE OPERATOR CLASS"},
        {"CreateOpFamilyStmt", "CREATE OPERATOR FAMILY"}, {"AlterOpFamilyStmt", "ALTER OPERATOR FAMILY"},
        {"CreateEventTrigStmt", "CREATE EVENT TRIGGER"}, {"AlterEventTrigStmt", "ALTER EVENT TRIGGER"},
        {"CreateFdwStmt", "CREATE FOREIGN DATA WRAPPER"}, {"CreateForeignServerStmt", "CREATE SERVER"},
        {"CreateUserMappingStmt", "CREATE USER MAPPING"}, {"AlterUserMappingStmt", "ALTER USER MAPPING"},
        {"DropUserMappingStmt", "DROP USER MAPPING"}, {"CreatePLangStmt", "CREATE LANGUAGE"},
        {"CreateTransformStmt", "CREATE TRANSFORM"}, {"CreateAmStmt", "CREATE ACCESS METHOD"},
        {"AlterCollationStmt", "ALTER COLLATION"}, {"AlterTSConfigurationStmt", "ALTER TEXT SEARCH CONFIGURATION"},
        {"AlterTSDictionaryStmt", "ALTER TEXT SEARCH DICTIONARY"}, {"AlterTypeStmt", "ALTER TYPE"},
        {"AlterOperatorStmt", "ALTER OPERATOR"}, {"AlterStatsStmt", "ALTER STATISTICS"},
        {"AlterDatabaseStmt", "ALTER DATABASE"}, {"AlterDatabaseSetStmt", "ALTER DATABASE"},
        {"AlterDatabaseRefreshCollStmt", "ALTER DATABASE"}, {"VariableSetStmt", "SET"},
        {"VariableShowStmt", "SHOW"}, {"TransactionStmt", "TRANSACTION"}, {"DiscardStmt", "DISCARD"},
        {"NotifyStmt", "NOTIFY"}, {"ListenStmt", "LISTEN"}, {"UnlistenStmt", "UNLISTEN"},
        {"CheckPointStmt", "CHECKPOINT"}, {"DeallocateStmt", "DEALLOCATE"}, {"PrepareStmt", "PREPARE"},
        {"LoadStmt", "LOAD"}, {"SecLabelStmt", "SECURITY LABEL"}, {"ConstraintsSetStmt", "SET CONSTRAINTS"},
        {"AlterForeignServerStmt", "ALTER SERVER"}, {"AlterFdwStmt", "ALTER FOREIGN DATA WRAPPER"},
        {"CreateSubscriptionStmt", "CREATE SUBSCRIPTION"}, {"AlterSubscriptionStmt", "ALTER SUBSCRIPTION"},
        {"DropSubscriptionStmt", "DROP SUBSCRIPTION"}, {"AlterEnumStmt", "ALTER TYPE"},
        {"ReturnStmt", "RETURN"}};
    return k_map;
}

// SQL-language functions are parsed and analysed when created (check_function_bodies is on
// by default): the relations their statements name are opened, views down to their tables.
void model_sql_function(const json& stmt, StatementFacts& facts, Context& ctx) {
    std::string language;
    std::string body;
    for (const auto& o : member(stmt, "options")) {
        const json& d = member(o, "DefElem");
        std::string name = d.value("defname", std::string());
        const json& arg = member(d, "arg");
        if (name == "language") language = member(arg, "String").value("sval", std::string());
        if (name == "as") {
            const auto& items = member(member(arg, "List"), "items");
            if (items.size() == 1) body = string_value(items[0]);
        }
    }
    std::string reason = "the SQL function's body is analysed when it is created";
    if (stmt.contains("sql_body")) {
        lock_query(facts, ctx, stmt["sql_body"], QueryUse::Rewrite, reason);
        return;
    }
    if (language != "sql" || body.empty()) return;
    for (const auto& raw : split_statements(body, Region{0, body.size(), false})) {
        ParsedStatement parsed = parse_statement(std::string_view(body).substr(raw.begin, raw.end - raw.begin));
        if (!parsed.failure) lock_query(facts, ctx, parsed.node, QueryUse::Rewrite, reason);
    }
}

// Types the migration creates: domains with constraints make added columns rewrite.
void record_type(const std::string& kind, const json& stmt, Context& ctx) {
    if (kind == "CreateDomainStmt") {
        const auto& names = member(stmt, "domainname");
        if (names.empty()) return;
        bool constrained = false;
        for (const auto& c : member(stmt, "constraints")) {
            std::string type = member(c, "Constraint").value("contype", std::string());
            constrained = constrained || type == "CONSTR_CHECK" || type == "CONSTR_NOTNULL";
        }
        ctx.catalog.add_domain(string_value(names.back()), constrained);
    } else if (kind == "CreateEnumStmt" || kind == "CreateRangeStmt") {
        const auto& names = member(stmt, "typeName");
        if (!names.empty()) ctx.catalog.add_type(string_value(names.back()));
    } else if (kind == "CompositeTypeStmt") {
        ctx.catalog.add_type(member(stmt, "typevar").value("relname", std::string()));
    }
}

}  // namespace

bool model_misc(const std::string& kind, const json& stmt, StatementFacts& facts, Context& ctx) {
    if (kind == "CreateFunctionStmt") model_sql_function(stmt, facts, ctx);
    record_type(kind, stmt, ctx);
    if (kind == "VacuumStmt") return model_vacuum(stmt, facts, ctx);
    if (kind == "ClusterStmt") return model_cluster(stmt, facts, ctx);
    if (kind == "RefreshMatViewStmt") return model_refresh(stmt, facts, ctx);
    if (kind == "CreateTrigStmt") return model_trigger(stmt, facts, ctx);
    if (kind == "CreatePolicyStmt" || kind == "AlterPolicyStmt") return model_policy(kind, stmt, facts, ctx);
    if (kind == "RuleStmt") return model_rule(stmt, facts, ctx);
    if (kind == "CommentStmt") return model_comment(stmt, facts, ctx);
    if (kind == "AlterDomainStmt") return model_alter_domain(stmt, facts, ctx);
    if (kind == "CreatePublicationStmt" || kind == "AlterPublicationStmt") return model_publication(kind, stmt, facts, ctx);
    if (kind == "CreateSeqStmt" || kind == "AlterSeqStmt") return model_sequence(kind, stmt, facts, ctx);
    if (kind == "AlterObjectSchemaStmt") return model_object_schema(stmt, facts, ctx);
    if (kind == "CreateSchemaStmt") return model_create_schema(stmt, facts, ctx);
    if (kind == "CreateStatsStmt") {
        facts.tag = "CREATE STATISTICS";
        for (const auto& r : member(stmt, "relations")) {
            if (r.contains("RangeVar")) lock_range_var(facts, ctx, r["RangeVar"], M::ShareUpdateExclusive, "CREATE STATISTICS");
        }
        return true;
    }
    if (kind == "CreatedbStmt" || kind == "DropdbStmt" || kind == "AlterSystemStmt" ||
        kind == "CreateTableSpaceStmt" || kind == "DropTableSpaceStmt") {
        static const std::map<std::string, std::string> k_tags = {
            {"CreatedbStmt", "CREATE DATABASE"}, {"DropdbStmt", "DROP DATABASE"}, {"AlterSystemStmt", "ALTER SYSTEM"},
            {"CreateTableSpaceStmt", "CREATE TABLESPACE"}, {"DropTableSpaceStmt", "DROP TABLESPACE"}};
        facts.tag = k_tags.at(kind);
        facts.no_transaction_block = true;
        return true;
    }
    if (kind == "DoStmt" || kind == "CallStmt" || kind == "ExecuteStmt" || kind == "ExplainStmt") {
        // Runs code whose statements the model cannot see: never reported as safe.
        facts.tag = kind == "DoStmt" ? "DO" : kind == "CallStmt" ? "CALL" : kind == "ExecuteStmt" ? "EXECUTE" : "EXPLAIN";
        if (kind == "ExplainStmt") {
            bool analyze = option_set(member(stmt, "options"), "analyze");
            if (!analyze) return true;
        }
        facts.runs_user_code = true;
        facts.notes.push_back(facts.tag + " runs code whose locks are not visible to static analysis");
        return false;
    }
    if (kind == "AlterEnumStmt") {
        facts.tag = "ALTER TYPE";
        if (!stmt.contains("oldVal") && ctx.pg_version < 12) {
            facts.no_transaction_block = true;
            facts.notes.push_back("before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block");
        } else if (!stmt.contains("oldVal")) {
            facts.notes.push_back("the new enum value cannot be used until the transaction that adds it commits");
        }
        return true;
    }
    auto it = lockless().find(kind);
    if (it == lockless().end()) return false;
    if (facts.tag.empty()) facts.tag = it->second;
    if (kind == "CreateSubscriptionStmt") facts.no_transaction_block = true;
    return true;
}

}  // namespace pgfence::analyze::model
