// The project's dialect tests a migration calls in a condition (js_dialects.hpp DialectHelpers):
// `if (isSQLite(queryInterface.sequelize))` with codimd's lib/utils.js
// `exports.isSQLite = function isSQLite (sequelize) { return sequelize.options.dialect === 'sqlite' }`.
// The body is read, not the name: only a function that is one comparison of a parameter's member
// chain with a string counts, defined once, in the migration or in a repository file it imports.
#include <algorithm>
#include <set>

#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_dialects.hpp"

namespace pgfence::analyze::orm {
namespace {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}
bool ident(const std::vector<Token>& t, std::size_t i) { return i < t.size() && t[i].kind == TokenKind::Ident; }
bool str(const std::vector<Token>& t, std::size_t i) { return i < t.size() && t[i].kind == TokenKind::String; }

constexpr std::size_t k_most_helper_files = 8;
constexpr std::size_t k_most_helper_bytes = std::size_t{256} << 10;

// The bracket closing the one at `open` (bounded), or npos.
std::size_t closing(const std::vector<Token>& t, std::size_t open) {
    int depth = 0;
    for (std::size_t j = open; j < t.size() && j < open + 4096; ++j) {
        if (is(t, j, "(") || is(t, j, "[") || is(t, j, "{")) ++depth;
        if ((is(t, j, ")") || is(t, j, "]") || is(t, j, "}")) && --depth == 0) return j;
    }
    return std::string::npos;
}

// `P.a.b === 'x'` (or reversed, or in parentheses) in [from, to), P the parameter at `params`'
// index: the test, else nothing.
std::optional<DialectTest> comparison(const std::vector<Token>& t, std::size_t from, std::size_t to, const std::vector<std::string>& params) {
    while (to > from + 2 && is(t, from, "(") && closing(t, from) == to - 1) {
        ++from;
        --to;
    }
    for (std::string_view op : {"===", "==", "!==", "!="}) {
        std::size_t at = std::string::npos;
        for (std::size_t k = from; k < to; ++k) {
            if (is(t, k, "(") || is(t, k, "[") || is(t, k, "{")) {
                const std::size_t c = closing(t, k);
                if (c == std::string::npos || c >= to) return std::nullopt;
                k = c;
                continue;
            }
            if (t[k].kind == TokenKind::Punct && t[k].text == op) {
                if (at != std::string::npos) return std::nullopt;
                at = k;
            }
            if (t[k].kind == TokenKind::Punct && (t[k].text == "&&" || t[k].text == "||" || t[k].text == "?" || t[k].text == "," ||
                                                  t[k].text == "=" || t[k].text == "??")) {
                return std::nullopt;
            }
        }
        if (at == std::string::npos) continue;
        std::size_t a = from, b = at, lit = at + 1;
        if (at + 2 != to || !str(t, at + 1)) {
            if (at != from + 1 || !str(t, from)) return std::nullopt;
            a = at + 1, b = to, lit = from;
        }
        // The chain: a parameter, `.name`s, and at most a closing `.getDialect()`.
        if (!ident(t, a)) return std::nullopt;
        auto p = std::find(params.begin(), params.end(), t[a].text);
        if (p == params.end()) return std::nullopt;
        std::string tail;
        std::size_t k = a + 1;
        for (; k + 1 < b; k += 2) {
            if (!is(t, k, ".") || !ident(t, k + 1)) break;
            tail += "." + t[k + 1].text;
        }
        if (k + 2 == b && is(t, k, "(") && is(t, k + 1, ")") && tail.ends_with(".getDialect")) {
            tail += "()";
            k = b;
        }
        if (k != b || tail.empty()) return std::nullopt;
        return DialectTest{static_cast<std::size_t>(p - params.begin()), tail, op.front() == '=', t[lit].string.value};
    }
    return std::nullopt;
}

// The function starting at `k` (`function [name] (params) { return X }`, `(params) => X`,
// `p => X`, `(params) => { return X }`) as a test, else nothing.
std::optional<DialectTest> function_at(const std::vector<Token>& t, std::size_t k) {
    if (is(t, k, "async")) return std::nullopt;  // a promise, not a boolean
    std::vector<std::string> params;
    std::size_t body = std::string::npos;
    if (is(t, k, "function")) {
        std::size_t open = k + 1;
        if (ident(t, open)) ++open;
        if (!is(t, open, "(")) return std::nullopt;
        const std::size_t close = closing(t, open);
        if (close == std::string::npos) return std::nullopt;
        for (std::size_t j = open + 1; j < close; j += 2) {
            if (!ident(t, j) || !(j + 1 == close || is(t, j + 1, ","))) return std::nullopt;
            params.push_back(t[j].text);
        }
        if (!is(t, close + 1, "{")) return std::nullopt;
        body = close + 1;
    } else if (ident(t, k) && is(t, k + 1, "=>")) {
        params.push_back(t[k].text);
        body = k + 2;
    } else if (is(t, k, "(")) {
        const std::size_t close = closing(t, k);
        if (close == std::string::npos || !is(t, close + 1, "=>")) return std::nullopt;
        for (std::size_t j = k + 1; j < close; j += 2) {
            if (!ident(t, j) || !(j + 1 == close || is(t, j + 1, ","))) return std::nullopt;
            params.push_back(t[j].text);
        }
        body = close + 2;
    } else {
        return std::nullopt;
    }
    if (is(t, body, "{")) {
        const std::size_t end = closing(t, body);
        if (end == std::string::npos || !is(t, body + 1, "return")) return std::nullopt;
        std::size_t last = end;
        if (is(t, last - 1, ";")) --last;
        return comparison(t, body + 2, last, params);
    }
    // An expression body: up to `;`, `,` or a closing bracket at its level (a next statement with
    // no `;` between makes it no comparison).
    std::size_t end = body;
    for (; end < t.size(); ++end) {
        if (is(t, end, "(") || is(t, end, "[") || is(t, end, "{")) {
            const std::size_t c = closing(t, end);
            if (c == std::string::npos) return std::nullopt;
            end = c;
            continue;
        }
        if (is(t, end, ";") || is(t, end, ",") || is(t, end, ")") || is(t, end, "]") || is(t, end, "}")) break;
    }
    return comparison(t, body, end, params);
}

// The test `name` is in a module's tokens: defined once (`exports.name =`, `module.exports.name
// =`, `export function name`, `export const name =`, or in the migration itself `function name`,
// `const name =`), never assigned again, and `exports` used for nothing else (`module.exports =
// {...}` replaces what `exports.name` set).
std::optional<DialectTest> defined(const std::vector<Token>& t, std::string_view name, bool own) {
    std::optional<DialectTest> found;
    int definitions = 0;
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (is(t, k, "exports") && !own) {
            const bool named = is(t, k + 1, ".") && ident(t, k + 2) && is(t, k + 3, "=") && (k < 2 || !is(t, k - 1, ".") || is(t, k - 2, "module"));
            if (!named) return std::nullopt;
        }
        if (!ident(t, k) || t[k].text != name) continue;
        const bool member = k > 0 && is(t, k - 1, ".");
        if (member && !(k >= 2 && is(t, k - 2, "exports") && !own)) continue;  // another object's key
        std::size_t value = std::string::npos;
        if (member && is(t, k + 1, "=")) value = k + 2;
        else if (!member && k > 0 && (is(t, k - 1, "const") || is(t, k - 1, "let") || is(t, k - 1, "var")) && is(t, k + 1, "=")) value = k + 2;
        else if (!member && k > 0 && is(t, k - 1, "function")) value = k - 1;
        else if (!member && (is(t, k + 1, "=") || is(t, k + 1, "++") || is(t, k + 1, "--"))) return std::nullopt;  // assigned again
        if (value == std::string::npos) continue;
        if (!own) {
            // Exported: `exports.name`, `export function name`, `export const name`.
            const bool exported = member || (k >= 2 && is(t, k - 2, "export"));
            if (!exported) continue;
        }
        ++definitions;
        found = function_at(t, value);
    }
    if (definitions != 1) return std::nullopt;
    return found;
}

}  // namespace

DialectHelpers dialect_helpers(const std::vector<Token>& t, std::string_view path) {
    DialectHelpers out;
    // The callees a condition may test: `if (name(`, `if (!mod.name(`, after `&&` and `||` too.
    std::set<std::string, std::less<>> called;
    for (std::size_t k = 1; k + 1 < t.size(); ++k) {
        if (!ident(t, k) || !(is(t, k - 1, "(") || is(t, k - 1, "!") || is(t, k - 1, "&&") || is(t, k - 1, "||"))) continue;
        if (is(t, k + 1, "(")) called.insert(t[k].text);
        if (is(t, k + 1, ".") && ident(t, k + 2) && is(t, k + 3, "(")) called.insert(t[k].text + "." + t[k + 2].text);
    }
    if (called.empty()) return out;
    for (const auto& name : called) {
        if (name.find('.') != std::string::npos) continue;
        if (auto test = defined(t, name, true)) out.emplace(name, *test);
    }
    if (path.empty()) return out;
    // What the migration binds from a repository file: name -> (spec, export; "*" for the module).
    struct Bound {
        std::string spec, name;
    };
    std::map<std::string, Bound, std::less<>> bound;
    for (std::size_t k = 0; k + 3 < t.size(); ++k) {
        if (!is(t, k, "require") || !is(t, k + 1, "(") || !str(t, k + 2) || !is(t, k + 3, ")") || k < 2) continue;
        const std::string& spec = t[k + 2].string.value;
        if (!spec.starts_with("./") && !spec.starts_with("../")) continue;
        std::size_t eq = k - 1;
        if (!is(t, eq, "=")) continue;
        if (ident(t, eq - 1) && eq >= 2 && (is(t, eq - 2, "const") || is(t, eq - 2, "let") || is(t, eq - 2, "var"))) {
            if (is(t, k + 4, ".") && ident(t, k + 5)) bound[t[eq - 1].text] = {spec, t[k + 5].text};  // require('x').name
            else if (!is(t, k + 4, ".") && !is(t, k + 4, "[")) bound[t[eq - 1].text] = {spec, "*"};
        } else if (is(t, eq - 1, "}")) {
            std::size_t open = eq - 1;
            while (open > 0 && open + 64 > eq && !is(t, open, "{")) --open;
            for (std::size_t j = open + 1; j + 1 < eq; ++j) {
                if (!ident(t, j)) continue;
                if (is(t, j + 1, ":") && ident(t, j + 2)) {
                    bound[t[j + 2].text] = {spec, t[j].text};
                    j += 2;
                } else if (is(t, j + 1, ",") || is(t, j + 1, "}")) {
                    bound[t[j].text] = {spec, t[j].text};
                }
            }
        }
    }
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {  // import { a, b as c } from './x'; import * as m from './x'
        if (!is(t, k, "import")) continue;
        std::size_t from = k + 1;
        while (from < t.size() && from < k + 64 && !is(t, from, "from") && !is(t, from, ";")) ++from;
        if (!is(t, from, "from") || !str(t, from + 1)) continue;
        const std::string& spec = t[from + 1].string.value;
        if (!spec.starts_with("./") && !spec.starts_with("../")) continue;
        for (std::size_t j = k + 1; j < from; ++j) {
            if (is(t, j, "*") && is(t, j + 1, "as") && ident(t, j + 2)) bound[t[j + 2].text] = {spec, "*"};
            if (!ident(t, j) || is(t, j - 1, "as") || t[j].text == "as") continue;
            if (is(t, j + 1, "as") && ident(t, j + 2)) bound[t[j + 2].text] = {spec, t[j].text};
            else if (is(t, j - 1, "{") || is(t, j - 1, ",")) bound[t[j].text] = {spec, t[j].text};
        }
    }
    std::map<std::string, std::vector<Token>, std::less<>> files;  // resolved path -> tokens
    for (const auto& name : called) {
        if (out.contains(name)) continue;
        const std::size_t dot = name.find('.');
        const std::string local = name.substr(0, dot);
        auto b = bound.find(local);
        if (b == bound.end()) continue;
        std::string wanted = b->second.name;
        if (dot != std::string::npos) {
            if (wanted != "*") continue;
            wanted = name.substr(dot + 1);
        } else if (wanted == "*") {
            continue;
        }
        auto file = resolve_import(path, b->second.spec);
        if (!file) continue;
        auto cached = files.find(*file);
        if (cached == files.end()) {
            if (files.size() >= k_most_helper_files) continue;
            auto text = read_limited(*file, k_most_helper_bytes);
            cached = files.emplace(*file, text ? lex_js(*text) : std::vector<Token>{}).first;
        }
        if (auto test = defined(cached->second, wanted, false)) out.emplace(name, *test);
    }
    return out;
}

}  // namespace pgfence::analyze::orm
