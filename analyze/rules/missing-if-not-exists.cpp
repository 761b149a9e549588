#include <set>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/edits.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Statements that change nothing a rerun could trip over.
bool is_session_only(const pg::Node* stmt) {
    return pg::is<VariableSetStmt>(stmt) || pg::is<VariableShowStmt>(stmt) || pg::is<TransactionStmt>(stmt);
}

std::string dropped_name(const pg::Node* object, ObjectType remove_type) {
    if (pg::is<String>(object)) return quote_ident(pg::text(object));
    if (const auto* type = pg::as<TypeName>(object)) return pg::qualified_name(type->names);
    if (const auto* function = pg::as<ObjectWithArgs>(object)) return pg::qualified_name(function->objname);
    const auto* items = pg::as<List>(object);
    if (items == nullptr) return {};
    if (remove_type == OBJECT_TRIGGER || remove_type == OBJECT_POLICY || remove_type == OBJECT_RULE) {
        int n = pg::length(items);
        if (n < 2) return pg::qualified_name(items);
        return quote_ident(pg::last_name(items)) + " ON " + leading_names(items, n - 1);
    }
    return pg::qualified_name(items);
}

// Where IF [NOT] EXISTS goes: after the command's object keywords.
std::string with_clause(const std::string& command, const std::string& clause, const std::string& name) {
    return command + " " + clause + (name.empty() ? "" : " " + name);
}

const std::string k_rerun_fails = " and runs outside a transaction: if the migration stops after it, running the "
                                  "migration again fails here";

// `at`: where in the statement's text the clause goes (after the keyword before it), npos
// when the rule cannot be sure: then no edit is offered.
void report(Sink& sink, const StatementContext& ctx, const std::string& what, const std::string& fixed,
            const std::string& relation, std::size_t at = std::string_view::npos) {
    std::string clause = fixed.find("IF NOT EXISTS") != std::string::npos ? "IF NOT EXISTS" : "IF EXISTS";
    Finding& f = sink.add(ctx.statement, what + " has no " + clause + k_rerun_fails);
    f.relation = relation;
    f.subcommand = ctx.subcommand;
    f.fix = "write `" + fixed + "`";
    if (at != std::string_view::npos) f.edit = insert_in_statement(ctx.statement, at, " " + clause, "add " + clause);
}

constexpr std::size_t k_npos = std::string_view::npos;

// The end of the first `kw` (then of the words in `then` that follow it) in the statement.
std::size_t after(const StatementContext& ctx, std::string_view kw, std::initializer_list<std::string_view> then = {}) {
    return after_keyword(ctx.statement.sql, 0, k_npos, kw, then);
}

// The keyword a DROP's IF EXISTS follows, by what it drops (DROP MATERIALIZED VIEW: VIEW);
// empty for the kinds no edit is offered for.
std::string_view drop_keyword(ObjectType type) {
    switch (type) {
        case OBJECT_TABLE: return "TABLE";
        case OBJECT_INDEX: return "INDEX";
        case OBJECT_VIEW:
        case OBJECT_MATVIEW: return "VIEW";
        case OBJECT_SEQUENCE: return "SEQUENCE";
        case OBJECT_SCHEMA: return "SCHEMA";
        case OBJECT_EXTENSION: return "EXTENSION";
        case OBJECT_TYPE: return "TYPE";
        default: return {};
    }
}

// ADD CONSTRAINT has no IF NOT EXISTS: a DROP CONSTRAINT IF EXISTS of the same name, earlier in
// the file or earlier in the same statement, makes it rerunnable.
void check_add_constraint(Sink& sink, const StatementContext& ctx, const std::string& table, const Constraint* con,
                          const std::set<std::string>& dropped, const std::string& relname) {
    std::string name(con != nullptr ? pg::text(con->conname) : std::string_view());
    if (name.empty()) {
        Finding& f = sink.add(ctx.statement, "ADD CONSTRAINT on " + table +
                                                 " has no name and runs outside a transaction: running the migration "
                                                 "again adds a second copy of the constraint (or fails, for a primary key)");
        f.relation = table;
        f.subcommand = ctx.subcommand;
        f.fix = "name the constraint, and drop it first in the same statement: `ALTER TABLE " + table +
                " DROP CONSTRAINT IF EXISTS <name>, ADD CONSTRAINT <name> ...`";
        return;
    }
    if (dropped.count(relname + "." + name) > 0) return;
    std::string quoted = quote_ident(name);
    Finding& f = sink.add(ctx.statement, "ADD CONSTRAINT " + quoted + " on " + table +
                                             " cannot say IF NOT EXISTS" + k_rerun_fails);
    f.relation = table;
    f.subcommand = ctx.subcommand;
    f.fix = "drop it first in the same statement, which stays atomic: `ALTER TABLE " + table +
            " DROP CONSTRAINT IF EXISTS " + quoted + ", ADD CONSTRAINT " + quoted + " ...`";
}

std::string dropped_key(const AlterTableStmt* stmt, const AlterTableCmd* cmd) {
    return std::string(pg::relname(stmt->relation)) + "." + std::string(pg::text(cmd->name));
}

void note_dropped(const AlterTableStmt* stmt, std::set<std::string>& dropped) {
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        if (cmd->subtype == AT_DropConstraint && cmd->missing_ok) dropped.insert(dropped_key(stmt, cmd));
    }
}

void check_alter(Sink& sink, const StatementContext& ctx, const AlterTableStmt* stmt, std::set<std::string>& dropped) {
    const RangeVar* rv = stmt->relation;
    std::string table = pg::display_name(rv), relname(pg::relname(rv));
    const std::string& sql = ctx.statement.sql;
    std::vector<Range> clauses = alter_subcommands(sql, stmt);
    std::size_t index = 0;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ctx.subcommand = static_cast<int>(index);  // what report() says is about this subcommand
        AlterTableType subtype = cmd->subtype;
        Range clause = index < clauses.size() ? clauses[index] : Range{};
        ++index;
        // Where this subcommand's IF [NOT] EXISTS goes: after `kw` [`then`] at its start.
        auto at = [&](std::string_view kw, std::string_view then) {
            return clause.found() ? after_keyword(sql, clause.begin, clause.end, kw, {then}) : k_npos;
        };
        if (subtype == AT_DropConstraint && cmd->missing_ok) dropped.insert(dropped_key(stmt, cmd));
        if (subtype == AT_AddConstraint) {
            check_add_constraint(sink, ctx, table, pg::as<Constraint>(cmd->def), dropped, relname);
            continue;
        }
        if (cmd->missing_ok) continue;
        if (subtype == AT_AddColumn) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            std::string column = quote_ident(def != nullptr ? pg::text(def->colname) : std::string_view());
            report(sink, ctx, "ADD COLUMN " + column + " on " + table,
                   "ALTER TABLE " + table + " " + with_clause("ADD COLUMN", "IF NOT EXISTS", column) + " ...", table,
                   at("ADD", "COLUMN"));
        } else if (subtype == AT_DropColumn || subtype == AT_DropConstraint) {
            std::string object = subtype == AT_DropColumn ? "DROP COLUMN" : "DROP CONSTRAINT";
            std::string name = quote_ident(pg::text(cmd->name));
            report(sink, ctx, object + " " + name + " on " + table,
                   "ALTER TABLE " + table + " " + with_clause(object, "IF EXISTS", name), table,
                   at("DROP", subtype == AT_DropColumn ? "COLUMN" : "CONSTRAINT"));
        }
    }
    ctx.subcommand = -1;
}

// `several`: the file has more than one statement that does something, so it can stop half way.
void check_statement(const StatementContext& ctx, Sink& sink, std::set<std::string>& dropped, bool several) {
    const StatementFacts& s = ctx.statement;
    // A CONCURRENTLY statement commits between its phases: it can stop half way on its own.
    bool outside = s.transaction == Transaction::None && (several || s.no_transaction_block);
    if (const auto* alter = ctx.as<AlterTableStmt>()) {
        if (alter->objtype != OBJECT_TABLE) return;
        if (outside) check_alter(sink, ctx, alter, dropped);
        else note_dropped(alter, dropped);
        return;
    }
    if (!outside) return;
    if (const auto* create = ctx.as<CreateStmt>()) {
        if (create->if_not_exists) return;
        std::string table = pg::display_name(create->relation);
        report(sink, ctx, "CREATE TABLE " + table, with_clause("CREATE TABLE", "IF NOT EXISTS", table) + " ...", table,
               after(ctx, "TABLE"));
    } else if (const auto* as = ctx.as<CreateTableAsStmt>()) {
        if (as->if_not_exists) return;
        std::string command = as->objtype == OBJECT_MATVIEW ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE";
        std::string name = pg::display_name(as->into != nullptr ? as->into->rel : nullptr);
        report(sink, ctx, command + " " + name, with_clause(command, "IF NOT EXISTS", name) + " AS ...", name,
               after(ctx, as->objtype == OBJECT_MATVIEW ? "VIEW" : "TABLE"));
    } else if (const auto* index = ctx.as<IndexStmt>()) {
        // CONCURRENTLY: a build that fails leaves an INVALID index of that name, which IF NOT
        // EXISTS would take for the index when the migration runs again; failing again is right.
        if (index->if_not_exists || index->concurrent) return;
        std::string name = quote_ident(pg::text(index->idxname));
        std::string table = pg::display_name(index->relation);
        std::string command = index->concurrent ? "CREATE INDEX CONCURRENTLY" : "CREATE INDEX";
        if (pg::text(index->idxname).empty()) {
            Finding& f = sink.add(s, command + " on " + table +
                                         " has no name, so it cannot say IF NOT EXISTS, and runs outside a transaction: "
                                         "running the migration again builds a second, identical index");
            f.relation = table;
            f.fix = "name the index and write `" + command + " IF NOT EXISTS <name> ON " + table + " ...`";
            return;
        }
        report(sink, ctx, command + " " + name, with_clause(command, "IF NOT EXISTS", name) + " ON " + table + " ...", table,
               after(ctx, "INDEX", {"CONCURRENTLY"}));
    } else if (const auto* sequence = ctx.as<CreateSeqStmt>()) {
        if (sequence->if_not_exists) return;
        std::string name = pg::display_name(sequence->sequence);
        report(sink, ctx, "CREATE SEQUENCE " + name, with_clause("CREATE SEQUENCE", "IF NOT EXISTS", name), name,
               after(ctx, "SEQUENCE"));
    } else if (const auto* schema = ctx.as<CreateSchemaStmt>()) {
        if (schema->if_not_exists) return;
        std::string name = quote_ident(pg::text(schema->schemaname));
        // IF NOT EXISTS refuses the schema elements a CREATE SCHEMA may carry.
        report(sink, ctx, "CREATE SCHEMA " + name, with_clause("CREATE SCHEMA", "IF NOT EXISTS", name), "",
               pg::length(schema->schemaElts) == 0 ? after(ctx, "SCHEMA") : k_npos);
    } else if (const auto* extension = ctx.as<CreateExtensionStmt>()) {
        if (extension->if_not_exists) return;
        std::string name = quote_ident(pg::text(extension->extname));
        report(sink, ctx, "CREATE EXTENSION " + name, with_clause("CREATE EXTENSION", "IF NOT EXISTS", name), "",
               after(ctx, "EXTENSION"));
    } else if (const auto* drop = ctx.as<DropStmt>()) {
        if (drop->missing_ok) return;
        ObjectType type = drop->removeType;
        std::string names, first;
        for (const pg::Node* o : pg::each(drop->objects)) {
            std::string n = dropped_name(o, type);
            if (n.empty()) continue;
            names += (names.empty() ? "" : ", ") + n;
            if (first.empty()) first = n;
        }
        std::string command = s.tag.empty() || s.tag == "DROP" ? "DROP" : s.tag;
        bool relation = type == OBJECT_TABLE || type == OBJECT_INDEX || type == OBJECT_VIEW || type == OBJECT_MATVIEW ||
                        type == OBJECT_SEQUENCE;
        std::string_view keyword = drop_keyword(type);
        report(sink, ctx, command + " " + names, with_clause(command, "IF EXISTS", names), relation ? first : "",
               keyword.empty() ? k_npos : after(ctx, keyword, {"CONCURRENTLY"}));
    }
}

void check(const FileContext& ctx, Sink& sink) {
    int effective = 0;
    for (std::size_t i = 0; i < ctx.file.statements.size(); ++i) {
        if (!is_session_only(i < ctx.stmts.size() ? ctx.stmts[i] : nullptr)) ++effective;
    }
    std::set<std::string> dropped;  // "relname.constraint" dropped with IF EXISTS so far
    for (std::size_t i = 0; i < ctx.file.statements.size(); ++i) {
        StatementContext statement{ctx.file, ctx.file.statements[i], ctx.options,
                                   i < ctx.stmts.size() ? ctx.stmts[i] : nullptr, &ctx.stmts};
        check_statement(statement, sink, dropped, effective > 1);
    }
}

}  // namespace

PGFENCE_RULE(missing_if_not_exists) {
    return Rule{"missing-if-not-exists", Risk::Low,
                "CREATE/DROP/ADD COLUMN/DROP COLUMN outside a transaction without IF [NOT] EXISTS cannot be rerun "
                "after a partial failure",
                nullptr, check, false, "idempotency", SizeWork::none, {}, true};
}

}  // namespace pgfence::analyze::rules
