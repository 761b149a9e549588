#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// The first later statement of the same transaction that spells the new value as a literal.
const StatementFacts* first_use(const StatementContext& ctx, const std::string& literal) {
    const auto& all = ctx.file.statements;
    for (std::size_t i = static_cast<std::size_t>(ctx.statement.index) + 1; i < all.size(); ++i) {
        const StatementFacts& s = all[i];
        const pg::Node* stmt = ctx.stmts != nullptr && i < ctx.stmts->size() ? (*ctx.stmts)[i] : nullptr;
        if (s.transaction == Transaction::None || ends_transaction(stmt)) return nullptr;
        if (pg::is<AlterEnumStmt>(stmt)) continue;  // naming it as a neighbour is allowed
        if (s.sql.find(literal) != std::string::npos) return &s;
    }
    return nullptr;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterEnumStmt>();
    if (stmt == nullptr) return;
    // Before PostgreSQL 12 it fails outright: concurrently-in-transaction reports that.
    if (stmt->oldVal != nullptr || stmt->newVal == nullptr || ctx.options.pg_version < 12) return;
    const StatementFacts& s = ctx.statement;
    if (s.transaction == Transaction::None) return;
    std::string type = pg::qualified_name(stmt->typeName);
    std::string literal = quote_literal(pg::text(stmt->newVal));
    std::string where = s.transaction == Transaction::Explicit
                            ? "inside the BEGIN ... COMMIT block of this file"
                            : "in the transaction " + file_runner(ctx.file) + " wraps this file in";
    const StatementFacts* use = first_use(ctx, literal);
    std::string message = "ALTER TYPE " + type + " ADD VALUE " + literal + " runs " + where + ": " + literal +
                          " cannot be used until that transaction commits";
    if (use != nullptr) {
        message += "; line " + std::to_string(use->span.start.line) +
                   " uses it before then and fails with \"unsafe use of new value\"";
    }
    Finding& f = sink.add(s, message);
    f.relation = type;
    f.fix = "add the value in a migration of its own, committed before any migration that uses it";
    if (use == nullptr) return;
    f.risk = Risk::High;
    Recipe recipe;
    recipe.summary = "Commit the new enum value in its own migration, before the statements that use it";
    recipe.steps.push_back({"Migration 1", s.sql + ";", true});
    recipe.steps.push_back({"Migration 2",
                            "-- The statements that use " + literal + ", from line " +
                                std::to_string(use->span.start.line) + " on: they run after migration 1 has committed.",
                            true});
    f.recipe = std::move(recipe);
}

}  // namespace

PGFENCE_RULE(enum_add_value_in_transaction) {
    return Rule{"enum-add-value-in-transaction", Risk::Low,
                "A value added to an enum inside a transaction cannot be used until that transaction commits", check,
                nullptr, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
