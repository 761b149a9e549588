#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string action(const std::string& code) {
    if (code == "r") return "RESTRICT";
    if (code == "c") return "CASCADE";
    if (code == "n") return "SET NULL";
    if (code == "d") return "SET DEFAULT";
    return "";  // 'a': NO ACTION, the default
}

// ADD CONSTRAINT ... FOREIGN KEY written out from the parse tree, exactly.
std::string constraint_sql(const json& con, const std::string& name) {
    std::string sql = "ADD CONSTRAINT " + quote_ident(name) + " FOREIGN KEY (" +
                      column_list(member(con, "fk_attrs")) + ") REFERENCES " +
                      range_var_name(member(con, "pktable"));
    if (con.contains("pk_attrs")) sql += " (" + column_list(con["pk_attrs"]) + ")";
    if (con.value("fk_matchtype", std::string()) == "f") sql += " MATCH FULL";
    std::string del = action(con.value("fk_del_action", std::string()));
    std::string upd = action(con.value("fk_upd_action", std::string()));
    if (!del.empty()) sql += " ON DELETE " + del;
    if (!upd.empty()) sql += " ON UPDATE " + upd;
    if (con.value("deferrable", false)) sql += " DEFERRABLE";
    if (con.value("initdeferred", false)) sql += " INITIALLY DEFERRED";
    return sql;
}

// PostgreSQL's own name for an unnamed foreign key: <table>_<columns>_fkey.
std::string default_name(const std::string& table, const json& con) {
    std::string name = table;
    for (const auto& c : member(con, "fk_attrs")) name += "_" + c["String"].value("sval", std::string());
    name += "_fkey";
    return name.size() > 63 ? name.substr(0, 63) : name;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterTableStmt") return;
    const json& stmt = ctx.body();
    const json& rv = member(stmt, "relation");
    std::string table = range_var_name(rv);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const auto& item : member(stmt, "cmds")) {
        const json& cmd = member(item, "AlterTableCmd");
        if (cmd.value("subtype", std::string()) != "AT_AddConstraint") continue;
        const json& con = member(member(cmd, "def"), "Constraint");
        if (con.value("contype", std::string()) != "CONSTR_FOREIGN" || con.value("skip_validation", false)) continue;
        std::string name = con.value("conname", std::string());
        if (name.empty()) name = default_name(range_var_relname(rv), con);
        std::string ref = range_var_name(member(con, "pktable"));
        const LockFact* ref_lock = lock_on(ctx.statement, ref);
        Finding& f = sink.add(ctx.statement, "foreign key " + quote_ident(name) + " on " + table + " is validated while " +
                                                 describe_lock(*lock) + (ref_lock ? " and " + describe_lock(*ref_lock) : "") +
                                                 " are held, reading every row of " + table);
        f.relation = table;
        f.fix = "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate migration";
        Recipe recipe;
        recipe.summary = "Add the foreign key NOT VALID (instant), then validate it separately under a lock that allows reads and writes";
        recipe.steps.push_back({"Migration 1", "ALTER TABLE " + table + " " + constraint_sql(con, name) + " NOT VALID;", true});
        recipe.steps.push_back({"Migration 2", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote_ident(name) + ";", true});
        f.recipe = std::move(recipe);
    }
}

}  // namespace

Rule rule_add_foreign_key_without_not_valid() {
    return Rule{"add-foreign-key-without-not-valid", Risk::High,
                "Adding a validated foreign key scans the table while both tables' writes are blocked", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
