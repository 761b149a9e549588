#include "analyze/names.hpp"
#include "analyze/json_access.hpp"
#include "analyze/pg_parser.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

bool ends_transaction(const StatementFacts& s) {
    if (s.kind != "TransactionStmt") return false;
    std::string kind = body_of(parse_statement(s.sql).node, "TransactionStmt").value("kind", std::string());
    return kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_PREPARE";
}

// The first later statement of the same transaction that spells the new value as a literal.
const StatementFacts* first_use(const StatementContext& ctx, const std::string& literal) {
    const auto& all = ctx.file.statements;
    for (std::size_t i = static_cast<std::size_t>(ctx.statement.index) + 1; i < all.size(); ++i) {
        const StatementFacts& s = all[i];
        if (s.transaction == Transaction::None || ends_transaction(s)) return nullptr;
        if (s.kind == "AlterEnumStmt") continue;  // naming it as a neighbour is allowed
        if (s.sql.find(literal) != std::string::npos) return &s;
    }
    return nullptr;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "AlterEnumStmt") return;
    const json& stmt = ctx.body();
    // Before PostgreSQL 12 it fails outright: concurrently-in-transaction reports that.
    if (stmt.contains("oldVal") || !stmt.contains("newVal") || ctx.options.pg_version < 12) return;
    const StatementFacts& s = ctx.statement;
    if (s.transaction == Transaction::None) return;
    std::string type = qualified_name(member(stmt, "typeName"));
    std::string literal = quote_literal(stmt.value("newVal", std::string()));
    std::string where = s.transaction == Transaction::Explicit
                            ? "inside the BEGIN ... COMMIT block of this file"
                            : "in the transaction " + std::string(tool_name(ctx.file.tool)) + " wraps this file in";
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

Rule rule_enum_add_value_in_transaction() {
    return Rule{"enum-add-value-in-transaction", Risk::Low,
                "A value added to an enum inside a transaction cannot be used until that transaction commits", check,
                nullptr, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
