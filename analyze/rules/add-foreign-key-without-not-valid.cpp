#include "analyze/rules/common.hpp"
#include "analyze/rules/edits.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string action(char code) {
    switch (code) {
        case FKCONSTR_ACTION_RESTRICT: return "RESTRICT";
        case FKCONSTR_ACTION_CASCADE: return "CASCADE";
        case FKCONSTR_ACTION_SETNULL: return "SET NULL";
        case FKCONSTR_ACTION_SETDEFAULT: return "SET DEFAULT";
        default: return "";  // NO ACTION, the default
    }
}

// ADD CONSTRAINT ... FOREIGN KEY written out from the parse tree, exactly.
std::string constraint_sql(const Constraint* con, const std::string& name) {
    std::string sql = "ADD CONSTRAINT " + quote_ident(name) + " FOREIGN KEY (" + column_list(con->fk_attrs) +
                      ") REFERENCES " + pg::display_name(con->pktable);
    if (pg::length(con->pk_attrs) > 0) sql += " (" + column_list(con->pk_attrs) + ")";
    if (con->fk_matchtype == FKCONSTR_MATCH_FULL) sql += " MATCH FULL";
    std::string del = action(con->fk_del_action);
    std::string upd = action(con->fk_upd_action);
    if (!del.empty()) sql += " ON DELETE " + del;
    if (!upd.empty()) sql += " ON UPDATE " + upd;
    if (con->deferrable) sql += " DEFERRABLE";
    if (con->initdeferred) sql += " INITIALLY DEFERRED";
    return sql;
}

// PostgreSQL's own name for an unnamed foreign key: <table>_<columns>_fkey.
std::string default_name(const std::string& table, const Constraint* con) {
    std::string name = table;
    for (const pg::Node* c : pg::each(con->fk_attrs)) name += "_" + std::string(pg::text(c));
    name += "_fkey";
    return name.size() > 63 ? name.substr(0, 63) : name;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr) return;
    const RangeVar* rv = stmt->relation;
    std::string table = pg::display_name(rv);
    const LockFact* lock = lock_on(ctx.statement, table);
    // Proven empty in this transaction: validation reads no row (the referenced table's lock is
    // the transaction rules' to weigh).
    if (lock == nullptr || lock->is_new || lock->empty) return;
    // NOT VALID on a partitioned table's foreign key is refused before PostgreSQL 18 ("cannot add
    // NOT VALID foreign key on partitioned table"): no edit there.
    std::vector<Range> clauses = alter_subcommands(ctx.statement.sql, stmt);
    int index = -1;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ++index;
        const auto* con = pg::as<Constraint>(cmd->def);
        if (cmd->subtype != AT_AddConstraint || con == nullptr) continue;
        if (con->contype != CONSTR_FOREIGN || con->skip_validation) continue;
        std::string name(pg::text(con->conname));
        if (name.empty()) name = default_name(std::string(pg::relname(rv)), con);
        std::string ref = pg::display_name(con->pktable);
        const LockFact* ref_lock = lock_on(ctx.statement, ref);
        // A key that references its own table names the one lock once (hoppscotch's TeamCollection).
        if (ref_lock != nullptr && ref_lock->relation == lock->relation) ref_lock = nullptr;
        Finding& f = sink.add(ctx.statement, "foreign key " + quote_ident(name) + " on " + table + " is validated while " +
                                                 describe_lock(*lock) + (ref_lock ? " and " + describe_lock(*ref_lock) + " are" : " is") +
                                                 " held, reading every row of " + table);
        f.relation = table;
        f.subcommand = index;
        f.fix = "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate migration";
        Recipe recipe;
        recipe.summary = "Add the foreign key NOT VALID (instant), then validate it separately under a lock that allows reads and writes";
        recipe.steps.push_back({"Migration 1", "ALTER TABLE " + table + " " + constraint_sql(con, name) + " NOT VALID;", true});
        recipe.steps.push_back({"Migration 2", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote_ident(name) + ";", true});
        f.recipe = std::move(recipe);
        bool partitioned = lock->kind == "partitioned table" || (ref_lock != nullptr && ref_lock->kind == "partitioned table");
        if (static_cast<std::size_t>(index) < clauses.size() && !(partitioned && ctx.options.pg_version < 18)) {
            f.edit = insert_in_statement(ctx.statement, clauses[static_cast<std::size_t>(index)].end, " NOT VALID", "add NOT VALID");
        }
    }
}

}  // namespace

PGFENCE_RULE(add_foreign_key_without_not_valid) {
    return Rule{"add-foreign-key-without-not-valid", Risk::High,
                "Adding a validated foreign key scans the table while both tables' writes are blocked", check, nullptr,
                true, "locking", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
