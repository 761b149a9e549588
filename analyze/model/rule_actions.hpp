#pragma once
// Query-rewrite rules (CREATE RULE r AS ON UPDATE TO t DO [ALSO | INSTEAD] <actions>): the
// rewriter adds the actions to every such statement on t, so they run where the statement runs.
// They are followed as triggers are (function_attach.hpp): the rule's actions are kept in the
// catalog as a function of their own, named after the rule, which later writes of the table fire;
// CallFollower analyses its body (the actions) at each of them, and the rules check them there.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/parse/names.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {

// The name of the function that stands for rule `rule` on table `relname` (spaces keep it apart
// from any function a migration names without quotes).
[[nodiscard]] inline std::string rule_function_name(std::string_view rule, std::string_view relname) {
    return "rule " + quote_ident(rule) + " on " + quote_ident(relname);
}

// Its signature: none that CREATE FUNCTION gives (function_calls.cpp signature_of), so a function
// a migration creates under the same name is another overload and does not replace the actions.
inline constexpr std::string_view k_rule_signature = "<rule actions>";
// Is `name` one rule_function_name makes? DROP FUNCTION and ALTER FUNCTION ... RENAME leave such a
// function alone: only DROP RULE (or CREATE OR REPLACE RULE) changes what a rule runs.
[[nodiscard]] inline bool is_rule_function_name(std::string_view name) { return name.starts_with("rule "); }

// The CREATE FUNCTION text that stands for the rule: its actions as a BEGIN ATOMIC body (no quote
// of the actions' text can end it early).
[[nodiscard]] inline std::string rule_function_definition(std::string_view name, std::string_view actions) {
    return "CREATE FUNCTION " + quote_ident(name) + "() RETURNS void LANGUAGE sql BEGIN ATOMIC " + std::string(actions) + "; END";
}

// The actions of a CREATE RULE statement as SQL text, separated by semicolons: what follows its
// top-level DO [ALSO | INSTEAD], without the parentheses around a list; nullopt for DO NOTHING
// or when the text has no DO.
[[nodiscard]] inline std::optional<std::string> rule_actions_text(std::string_view sql) {
    auto word_is = [&](const Token& t, std::string_view word) {
        if (t.kind != TokenKind::Word || t.end - t.begin != word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            if (std::toupper(static_cast<unsigned char>(sql[t.begin + i])) != word[i]) return false;
        }
        return true;
    };
    Tokenizer tokens(sql);
    int depth = 0;
    Token t;
    bool found = false;
    while (tokens.next(t)) {
        if (t.is_symbol(sql, '(')) ++depth;
        else if (t.is_symbol(sql, ')')) --depth;
        else if (depth == 0 && word_is(t, "DO")) {
            found = true;
            break;
        }
    }
    if (!found) return std::nullopt;
    bool more = tokens.next(t);
    while (more && t.is_comment()) more = tokens.next(t);
    if (more && (word_is(t, "ALSO") || word_is(t, "INSTEAD"))) {
        more = tokens.next(t);
        while (more && t.is_comment()) more = tokens.next(t);
    }
    if (!more || word_is(t, "NOTHING")) return std::nullopt;
    std::string_view rest = sql.substr(t.begin);
    if (t.is_symbol(sql, '(')) {
        // DO (a; b): the list's text, up to its closing parenthesis.
        int level = 0;
        Tokenizer inner(sql, t.begin);
        for (Token u; inner.next(u);) {
            if (u.is_symbol(sql, '(')) ++level;
            else if (u.is_symbol(sql, ')') && --level == 0) return std::string(sql.substr(t.begin + 1, u.begin - t.begin - 1));
        }
        return std::nullopt;
    }
    return std::string(rest);
}

}  // namespace pgfence::analyze
