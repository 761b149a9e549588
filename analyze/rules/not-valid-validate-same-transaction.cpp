#include <map>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"

namespace pgfence::analyze::rules {
namespace {

// The name PostgreSQL gives an unnamed foreign key: <table>_<columns>_fkey (CHECK names
// depend on the expression, so unnamed CHECKs are not followed).
std::string constraint_name(const Constraint* con, const std::string& relname) {
    std::string name(pg::text(con->conname));
    if (!name.empty() || con->contype != CONSTR_FOREIGN) return name;
    name = relname;
    for (const pg::Node* c : pg::each(con->fk_attrs)) name += "_" + std::string(pg::text(c));
    name += "_fkey";
    return name.size() > 63 ? name.substr(0, 63) : name;
}

struct Added {
    const StatementFacts* statement;
    const LockFact* lock;  // the ADD CONSTRAINT statement's lock on the table
};

void check_scope(const FileContext& ctx, const TransactionScope& scope, Sink& sink) {
    std::map<std::string, Added> not_valid;  // "relname.constraint"
    for (int i = scope.first; i <= scope.last; ++i) {
        const StatementFacts& s = ctx.file.statements[static_cast<std::size_t>(i)];
        if (static_cast<std::size_t>(i) >= ctx.stmts.size()) continue;
        const auto* stmt = pg::as<AlterTableStmt>(ctx.stmts[static_cast<std::size_t>(i)]);
        if (stmt == nullptr) continue;
        const RangeVar* rv = stmt->relation;
        std::string table = pg::display_name(rv), relname(pg::relname(rv));
        const LockFact* lock = lock_on(s, table);
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            if (cmd->subtype == AT_AddConstraint) {
                const auto* con = pg::as<Constraint>(cmd->def);
                if (con == nullptr) continue;
                std::string name = constraint_name(con, relname);
                if (!con->skip_validation || name.empty() || lock == nullptr || lock->is_new) continue;
                not_valid[relname + "." + name] = Added{&s, lock};
                continue;
            }
            if (cmd->subtype != AT_ValidateConstraint) continue;
            std::string name(pg::text(cmd->name));
            auto it = not_valid.find(relname + "." + name);
            if (it == not_valid.end()) continue;
            const Added& added = it->second;
            Finding& f = sink.add(s, "VALIDATE CONSTRAINT " + quote_ident(name) + " on " + table +
                                         " runs in the same transaction as its ADD CONSTRAINT ... NOT VALID on line " +
                                         std::to_string(added.statement->span.start.line) + ", so the " +
                                         describe_lock(*added.lock) +
                                         " taken there is still held while the validation reads every row: NOT VALID "
                                         "saves nothing");
            f.relation = table;
            f.subcommand = pg::index_of(stmt->cmds, cmd);
            f.fix = "move `ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote_ident(name) +
                    ";` into a later migration";
            Recipe recipe;
            recipe.summary = "Add the constraint NOT VALID in one migration and validate it in the next: the "
                             "validation then runs under a lock that lets reads and writes through";
            recipe.steps.push_back({"Migration 1", added.statement->sql + ";", true});
            recipe.steps.push_back({"Migration 2", "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quote_ident(name) + ";", true});
            f.recipe = std::move(recipe);
            not_valid.erase(it);
        }
    }
}

void check(const FileContext& ctx, Sink& sink) {
    for (const auto& scope : transactions(ctx)) check_scope(ctx, scope, sink);
}

}  // namespace

PGFENCE_RULE(not_valid_validate_same_transaction) {
    return Rule{"not-valid-validate-same-transaction", Risk::Medium,
                "ADD CONSTRAINT ... NOT VALID and its VALIDATE CONSTRAINT in one transaction: the first lock is "
                "held through the validation scan",
                nullptr, check, true, "transactions", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
