#pragma once
// The value of a predicate made of literals alone, as far as it is plain: booleans, NULL,
// comparisons of two numbers, NOT, AND, OR, in SQL's three-valued logic. `WHERE 1 = 2` selects no
// row; a policy `USING (false)` grants none.
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/pg_tree.hpp"

namespace pgfence::analyze {

enum class Truth { False, True, Null, Unknown };

[[nodiscard]] inline std::optional<double> literal_number(const pg::Node* node) {
    const auto* c = pg::as<A_Const>(node);
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_Integer) return static_cast<double>(c->val.ival.ival);
    if (c->val.node.type == T_Float) return std::strtod(std::string(pg::text(c->val.fval.fval)).c_str(), nullptr);
    return std::nullopt;
}

[[nodiscard]] inline Truth literal_truth(const pg::Node* node) {
    if (const auto* c = pg::as<A_Const>(node)) {
        if (c->isnull) return Truth::Null;
        if (c->val.node.type == T_Boolean) return c->val.boolval.boolval ? Truth::True : Truth::False;
        return Truth::Unknown;
    }
    if (const auto* b = pg::as<BoolExpr>(node)) {
        if (b->boolop == NOT_EXPR) {
            Truth t = pg::length(b->args) == 1 ? literal_truth(pg::nth(b->args, 0)) : Truth::Unknown;
            return t == Truth::True ? Truth::False : t == Truth::False ? Truth::True : t;
        }
        const Truth decides = b->boolop == AND_EXPR ? Truth::False : Truth::True;
        Truth out = b->boolop == AND_EXPR ? Truth::True : Truth::False;
        for (const pg::Node* arg : pg::each(b->args)) {
            Truth t = literal_truth(arg);
            if (t == decides) return decides;
            if (t == Truth::Unknown) out = Truth::Unknown;
            else if (t == Truth::Null && out != Truth::Unknown) out = Truth::Null;
        }
        return out;
    }
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr || e->kind != AEXPR_OP) return Truth::Unknown;
    std::optional<double> left = literal_number(e->lexpr), right = literal_number(e->rexpr);
    if (!left || !right) return Truth::Unknown;
    const std::string_view op = pg::last_name(e->name);
    std::optional<bool> v;
    if (op == "=") v = *left == *right;
    if (op == "<>" || op == "!=") v = *left != *right;
    if (op == "<") v = *left < *right;
    if (op == ">") v = *left > *right;
    if (op == "<=") v = *left <= *right;
    if (op == ">=") v = *left >= *right;
    return !v ? Truth::Unknown : *v ? Truth::True : Truth::False;
}

// May the predicate hold for some row? Not when it is plainly false or NULL.
[[nodiscard]] inline bool could_be_true(const pg::Node* node) {
    const Truth t = literal_truth(node);
    return t != Truth::False && t != Truth::Null;
}

}  // namespace pgfence::analyze
