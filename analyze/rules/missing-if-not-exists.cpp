#include <set>
#include "analyze/json_access.hpp"

#include "analyze/names.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Statements that change nothing a rerun could trip over.
bool is_session_only(const std::string& kind) {
    return kind == "VariableSetStmt" || kind == "VariableShowStmt" || kind == "TransactionStmt";
}


std::string dropped_name(const json& object, const std::string& remove_type) {
    if (object.contains("String")) return quote_ident(object["String"].value("sval", std::string()));
    if (object.contains("TypeName")) return qualified_name(member(object["TypeName"], "names"));
    if (object.contains("ObjectWithArgs")) return qualified_name(member(object["ObjectWithArgs"], "objname"));
    if (!object.contains("List")) return {};
    const json& items = member(object["List"], "items");
    if (remove_type == "OBJECT_TRIGGER" || remove_type == "OBJECT_POLICY" || remove_type == "OBJECT_RULE") {
        if (items.size() < 2) return qualified_name(items);
        return qualified_name(items.slice(items.size() - 1, 1)) + " ON " + qualified_name(items.without_last());
    }
    return qualified_name(items);
}

// Where IF [NOT] EXISTS goes: after the command's object keywords.
std::string with_clause(const std::string& command, const std::string& clause, const std::string& name) {
    return command + " " + clause + (name.empty() ? "" : " " + name);
}

const std::string k_rerun_fails = " and runs outside a transaction: if the migration stops after it, running the "
                                  "migration again fails here";

void report(Sink& sink, const StatementContext& ctx, const std::string& what, const std::string& fixed,
            const std::string& relation) {
    std::string clause = fixed.find("IF NOT EXISTS") != std::string::npos ? "IF NOT EXISTS" : "IF EXISTS";
    Finding& f = sink.add(ctx.statement, what + " has no " + clause + k_rerun_fails);
    f.relation = relation;
    f.fix = "write `" + fixed + "`";
}

// ADD CONSTRAINT has no IF NOT EXISTS: a DROP CONSTRAINT IF EXISTS of the same name, earlier in
// the file or earlier in the same statement, makes it rerunnable.
void check_add_constraint(Sink& sink, const StatementContext& ctx, const std::string& table, const json& con,
                          const std::set<std::string>& dropped, const std::string& relname) {
    std::string name = con.value("conname", std::string());
    if (name.empty()) {
        Finding& f = sink.add(ctx.statement, "ADD CONSTRAINT on " + table +
                                                 " has no name and runs outside a transaction: running the migration "
                                                 "again adds a second copy of the constraint (or fails, for a primary key)");
        f.relation = table;
        f.fix = "name the constraint, and drop it first in the same statement: `ALTER TABLE " + table +
                " DROP CONSTRAINT IF EXISTS <name>, ADD CONSTRAINT <name> ...`";
        return;
    }
    if (dropped.count(relname + "." + name) > 0) return;
    std::string quoted = quote_ident(name);
    Finding& f = sink.add(ctx.statement, "ADD CONSTRAINT " + quoted + " on " + table +
                                             " cannot say IF NOT EXISTS" + k_rerun_fails);
    f.relation = table;
    f.fix = "drop it first in the same statement, which stays atomic: `ALTER TABLE " + table +
            " DROP CONSTRAINT IF EXISTS " + quoted + ", ADD CONSTRAINT " + quoted + " ...`";
}

std::string dropped_key(const json& stmt, const json& cmd) {
    return range_var_relname(member(stmt, "relation")) + "." + cmd.value("name", std::string());
}

void note_dropped(const json& stmt, std::set<std::string>& dropped) {
    for (const auto& item : member(stmt, "cmds")) {
        const json& cmd = member(item, "AlterTableCmd");
        if (cmd.value("subtype", std::string()) == "AT_DropConstraint" && cmd.value("missing_ok", false)) {
            dropped.insert(dropped_key(stmt, cmd));
        }
    }
}

void check_alter(Sink& sink, const StatementContext& ctx, const json& stmt, std::set<std::string>& dropped) {
    const json& rv = member(stmt, "relation");
    std::string table = range_var_name(rv), relname = range_var_relname(rv);
    for (const auto& item : member(stmt, "cmds")) {
        const json& cmd = member(item, "AlterTableCmd");
        std::string subtype = cmd.value("subtype", std::string());
        if (subtype == "AT_DropConstraint" && cmd.value("missing_ok", false)) dropped.insert(dropped_key(stmt, cmd));
        if (subtype == "AT_AddConstraint") {
            check_add_constraint(sink, ctx, table, member(member(cmd, "def"), "Constraint"),
                                 dropped, relname);
            continue;
        }
        if (cmd.value("missing_ok", false)) continue;
        if (subtype == "AT_AddColumn") {
            std::string column = quote_ident(member(member(cmd, "def"), "ColumnDef").value("colname", std::string()));
            report(sink, ctx, "ADD COLUMN " + column + " on " + table,
                   "ALTER TABLE " + table + " " + with_clause("ADD COLUMN", "IF NOT EXISTS", column) + " ...", table);
        } else if (subtype == "AT_DropColumn" || subtype == "AT_DropConstraint") {
            std::string object = subtype == "AT_DropColumn" ? "DROP COLUMN" : "DROP CONSTRAINT";
            std::string name = quote_ident(cmd.value("name", std::string()));
            report(sink, ctx, object + " " + name + " on " + table,
                   "ALTER TABLE " + table + " " + with_clause(object, "IF EXISTS", name), table);
        }
    }
}

// `several`: the file has more than one statement that does something, so it can stop half way.
void check_statement(const StatementContext& ctx, Sink& sink, std::set<std::string>& dropped, bool several) {
    const StatementFacts& s = ctx.statement;
    const json& stmt = ctx.body();
    const std::string& kind = ctx.kind();
    // A CONCURRENTLY statement commits between its phases: it can stop half way on its own.
    bool outside = s.transaction == Transaction::None && (several || s.no_transaction_block);
    if (kind == "AlterTableStmt") {
        if (stmt.value("objtype", std::string()) != "OBJECT_TABLE") return;
        if (outside) check_alter(sink, ctx, stmt, dropped);
        else note_dropped(stmt, dropped);
        return;
    }
    if (!outside) return;
    if (stmt.value("if_not_exists", false) || stmt.value("missing_ok", false)) return;
    if (kind == "CreateStmt") {
        std::string table = range_var_name(member(stmt, "relation"));
        report(sink, ctx, "CREATE TABLE " + table, with_clause("CREATE TABLE", "IF NOT EXISTS", table) + " ...", table);
    } else if (kind == "CreateTableAsStmt") {
        std::string command = stmt.value("objtype", std::string()) == "OBJECT_MATVIEW" ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE";
        std::string name = range_var_name(member(member(stmt, "into"), "rel"));
        report(sink, ctx, command + " " + name, with_clause(command, "IF NOT EXISTS", name) + " AS ...", name);
    } else if (kind == "IndexStmt") {
        std::string name = quote_ident(stmt.value("idxname", std::string()));
        std::string table = range_var_name(member(stmt, "relation"));
        std::string command = stmt.value("concurrent", false) ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX";
        if (stmt.value("idxname", std::string()).empty()) {
            Finding& f = sink.add(s, command + " on " + table +
                                         " has no name, so it cannot say IF NOT EXISTS, and runs outside a transaction: "
                                         "running the migration again builds a second, identical index");
            f.relation = table;
            f.fix = "name the index and write `" + command + " IF NOT EXISTS <name> ON " + table + " ...`";
            return;
        }
        report(sink, ctx, command + " " + name, with_clause(command, "IF NOT EXISTS", name) + " ON " + table + " ...", table);
    } else if (kind == "CreateSeqStmt") {
        std::string name = range_var_name(member(stmt, "sequence"));
        report(sink, ctx, "CREATE SEQUENCE " + name, with_clause("CREATE SEQUENCE", "IF NOT EXISTS", name), name);
    } else if (kind == "CreateSchemaStmt") {
        std::string name = quote_ident(stmt.value("schemaname", std::string()));
        report(sink, ctx, "CREATE SCHEMA " + name, with_clause("CREATE SCHEMA", "IF NOT EXISTS", name), "");
    } else if (kind == "CreateExtensionStmt") {
        std::string name = quote_ident(stmt.value("extname", std::string()));
        report(sink, ctx, "CREATE EXTENSION " + name, with_clause("CREATE EXTENSION", "IF NOT EXISTS", name), "");
    } else if (kind == "DropStmt") {
        std::string type = stmt.value("removeType", std::string());
        std::string names, first;
        for (const auto& o : member(stmt, "objects")) {
            std::string n = dropped_name(o, type);
            if (n.empty()) continue;
            names += (names.empty() ? "" : ", ") + n;
            if (first.empty()) first = n;
        }
        std::string command = s.tag.empty() || s.tag == "DROP" ? "DROP" : s.tag;
        bool relation = type == "OBJECT_TABLE" || type == "OBJECT_INDEX" || type == "OBJECT_VIEW" ||
                        type == "OBJECT_MATVIEW" || type == "OBJECT_SEQUENCE";
        report(sink, ctx, command + " " + names, with_clause(command, "IF EXISTS", names), relation ? first : "");
    }
}

void check(const FileContext& ctx, Sink& sink) {
    static const json k_null;
    int effective = 0;
    for (const auto& s : ctx.file.statements) {
        if (!is_session_only(s.kind)) ++effective;
    }
    std::set<std::string> dropped;  // "relname.constraint" dropped with IF EXISTS so far
    for (std::size_t i = 0; i < ctx.file.statements.size(); ++i) {
        StatementContext statement{ctx.file, ctx.file.statements[i], i < ctx.nodes.size() ? ctx.nodes[i] : k_null,
                                   ctx.options};
        check_statement(statement, sink, dropped, effective > 1);
    }
}

}  // namespace

Rule rule_missing_if_not_exists() {
    return Rule{"missing-if-not-exists", Risk::Low,
                "CREATE/DROP/ADD COLUMN/DROP COLUMN outside a transaction without IF [NOT] EXISTS cannot be rerun "
                "after a partial failure",
                nullptr, check, true, "idempotency"};
}

}  // namespace pgfence::analyze::rules
