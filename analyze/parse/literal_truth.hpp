#pragma once
// The value of a predicate made of literals alone, as far as it is plain: booleans, NULL,
// comparisons of two numbers, NOT, AND, OR, in SQL's three-valued logic, and constants cast to
// boolean ('f'::bool, CAST(0 AS boolean), bool 'yes'). `WHERE 1 = 2` selects no row; a policy
// `USING (false)` grants none.
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

enum class Truth { False, True, Null, Unknown };

[[nodiscard]] inline std::optional<double> literal_number(const pg::Node* node) {
    const auto* c = pg::as<A_Const>(node);
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_Integer) return static_cast<double>(c->val.ival.ival);
    if (c->val.node.type == T_Float) return std::strtod(std::string(pg::text(c->val.fval.fval)).c_str(), nullptr);
    return std::nullopt;
}

// The text a string constant spells, through casts to text or varchar that keep it whole.
[[nodiscard]] inline std::optional<std::string_view> literal_string(const pg::Node* node) {
    if (const auto* cast = pg::as<TypeCast>(node)) {
        const TypeName* t = cast->typeName;
        if (t == nullptr || t->arrayBounds != nullptr || t->typmods != nullptr) return std::nullopt;
        const std::string_view type = pg::text(pg::last(t->names));
        if (type != "text" && type != "varchar") return std::nullopt;
        return literal_string(cast->arg);
    }
    const auto* c = pg::as<A_Const>(node);
    if (c == nullptr || c->isnull || c->val.node.type != T_String) return std::nullopt;
    return pg::text(c->val.sval.sval);
}

// Is the type PostgreSQL's boolean (bool, boolean, pg_catalog.bool), not an array of it?
[[nodiscard]] inline bool is_boolean_type(const TypeName* t) {
    if (t == nullptr || t->arrayBounds != nullptr || t->setof) return false;
    const int parts = pg::length(t->names);
    if (parts == 2 && pg::text(pg::nth(t->names, 0)) != "pg_catalog") return false;
    return (parts == 1 || parts == 2) && pg::text(pg::last(t->names)) == "bool";
}

// A string read as boolean input, as PostgreSQL's parse_bool_with_len
// (src/backend/utils/adt/bool.c): leading and trailing whitespace trimmed, case ignored, any
// prefix of true/false/yes/no, "on" and "off" (at least two letters), "1" and "0"; nothing else.
[[nodiscard]] inline std::optional<bool> boolean_input(std::string_view text) {
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    auto prefix_of = [&](std::string_view word, std::size_t at_least) {
        if (text.size() < at_least || text.size() > word.size()) return false;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
        }
        return true;
    };
    if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || text == "1") return true;
    if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || text == "0") return false;
    return std::nullopt;
}

[[nodiscard]] inline Truth literal_truth(const pg::Node* node) {
    if (const auto* cast = pg::as<TypeCast>(node)) {
        // A constant cast to boolean: 'f'::bool, CAST(0 AS boolean), NULL::bool, true::bool.
        if (!is_boolean_type(cast->typeName)) return Truth::Unknown;
        if (const auto* c = pg::as<A_Const>(cast->arg)) {
            if (c->isnull) return Truth::Null;
            if (c->val.node.type == T_Integer) return c->val.ival.ival != 0 ? Truth::True : Truth::False;  // int4 -> bool
        }
        if (const auto text = literal_string(cast->arg)) {
            const std::optional<bool> value = boolean_input(*text);
            return !value ? Truth::Unknown : *value ? Truth::True : Truth::False;
        }
        return literal_truth(cast->arg);  // true::bool, (1 = 0)::boolean
    }
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
