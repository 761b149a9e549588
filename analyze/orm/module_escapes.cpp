// Where a whole module a script imports goes where pgfence does not follow it (split from
// module_writes.cpp, moves only): module_escapes() and the module names and calls it reads.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/module_writes_detail.hpp"
#include "analyze/orm/rebinding.hpp"

namespace pgfence::analyze::orm::module_writes_detail {

// `require('x')` / `import('x')` with a constant name and nothing after it but the call.
bool module_call(const std::vector<Token>& t, std::size_t i) {
    return (is(t, i, "require") || is(t, i, "import")) && !member(t, i) && is(t, i + 1, "(") && constant_spec(t, i + 2, nullptr) &&
           is(t, i + 3, ")");
}

bool followed_module(std::string_view spec);

// `cond ? require('a') : require('b')` starting at v, the condition made of names, members,
// literals, comparisons and parentheses only (chartbrew's `process.env.NODE_ENV === "production" ?
// require("../../settings") : require("../../settings-dev")`): the `?`, else npos. Both modules
// load as any require() does (module_loads.cpp follows each); the name bound to the choice holds
// a whole module, so writes through it (module_names) and its passing on (below) are judged.
std::size_t conditional_require(const std::vector<Token>& t, std::size_t v) {
    const std::size_t n = t.size();
    int depth = 0;
    for (std::size_t j = v; j < n && j < v + 64; ++j) {
        if (is(t, j, "?")) {
            const bool whole = depth == 0 && j > v && module_call(t, j + 1) && is(t, j + 5, ":") && module_call(t, j + 6);
            return whole ? j : n;
        }
        if (is(t, j, "(")) ++depth;
        else if (is(t, j, ")") && --depth < 0) return n;
        const bool operand = t[j].kind == TokenKind::String || t[j].kind == TokenKind::Number ||
                             (ident(t, j) && !is(t, j, "require") && !is(t, j, "import") && (!operator_word(t, j) || is(t, j, "typeof")));
        static const std::set<std::string_view> k_ops = {".", "===", "!==", "==", "!=", "!", "&&", "||", "(", ")"};
        if (!operand && !(t[j].kind == TokenKind::Punct && k_ops.contains(t[j].text))) return n;
    }
    return n;
}

// The names that hold a whole module, not a part of it: `const h = require('x')`, `import h
// from 'x'`, `import * as h from 'x'`, `import h = require('x')`, and `const m = h` of one.
std::map<std::string, std::string, std::less<>> whole_module_names(const std::vector<Token>& t) {
    std::map<std::string, std::string, std::less<>> out;  // name -> the module's spec
    const std::size_t n = t.size();
    auto stop = [&](std::size_t j) { return j >= n || is(t, j, ";") || is(t, j, ",") || is(t, j, ")") || is(t, j, "}") || (ident(t, j) && !operator_word(t, j)); };
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (!is(t, k, "import") || member(t, k) || is(t, k + 1, "(") || is(t, k + 1, ".")) continue;
        std::size_t j = k + 1;
        if (is(t, j, "type")) continue;
        std::string spec;
        for (std::size_t f = k + 1; f + 1 < n && f < k + 4096 && !is(t, f, ";") && !is(t, f, "import"); ++f) {
            if (is(t, f, "from") && constant_spec(t, f + 1, &spec)) break;
        }
        if (ident(t, j) && !is(t, j, "from") && (is(t, j + 1, ",") || is(t, j + 1, "from"))) out.emplace(t[j].text, spec);
        if (ident(t, j) && is(t, j + 1, ",")) j += 2;
        if (is(t, j, "*") && is(t, j + 1, "as") && ident(t, j + 2)) out.emplace(t[j + 2].text, spec);
    }
    for (int pass = 0; pass < 4; ++pass) {
        const std::size_t before = out.size();
        for (std::size_t k = 1; k + 1 < n; ++k) {
            if (!is(t, k, "=") || !ident(t, k - 1) || member(t, k - 1)) continue;
            std::size_t v = is(t, k + 1, "await") ? k + 2 : k + 1;
            std::string spec;
            // `require(x) || {}`, `h ?? {}`: the module itself whenever it loads (red team R79 B1).
            const auto ends = [&](std::size_t j) { return stop(j) || is(t, j, "||") || is(t, j, "??"); };
            // `require(x).helper`: a part of the module, the same object every loader gets.
            std::size_t after = v + 4;
            while (module_call(t, v) && is(t, after, ".") && ident(t, after + 1)) after += 2;
            if (module_call(t, v) && ends(after) && constant_spec(t, v + 2, &spec)) out.emplace(t[k - 1].text, spec);
            else if (const std::size_t q = conditional_require(t, v); q < n && stop(q + 10)) {
                // Either module: the one pgfence follows, if one is (followed_module()).
                std::string other;
                constant_spec(t, q + 3, &spec);
                constant_spec(t, q + 8, &other);
                out.emplace(t[k - 1].text, followed_module(spec) ? spec : other);
            }
            else if (ident(t, v) && out.contains(t[v].text) && ends(v + 1)) out.emplace(t[k - 1].text, out.find(t[v].text)->second);
        }
        if (out.size() == before) break;
    }
    return out;
}

// The head of a member chain ending at j (`module.exports.x`: `module`), or npos.
std::size_t chain_head(const std::vector<Token>& t, std::size_t j) {
    if (!ident(t, j)) return t.size();
    for (int hops = 0; hops < 4096 && j >= 2 && is(t, j - 1, ".") && ident(t, j - 2); ++hops) j -= 2;
    return j;
}

// The `=` at eq assigns module.exports or exports (or a member of them): the module's own export.
bool exports_assignment(const std::vector<Token>& t, std::size_t eq) {
    if (eq == 0) return false;
    const std::size_t h = chain_head(t, eq - 1);
    return h < t.size() && (is(t, h, "module") || is(t, h, "exports"));
}

// Whether a module passed on may carry code pgfence reads: the repository's own modules (and
// any other path), and the migration tool's and the drivers' packages. Not JSON (data, no
// functions to replace) nor another package (`dayjs.extend(duration)`), which the pull request's
// code does not hold.
bool followed_module(std::string_view spec) {
    if (spec.ends_with(".json")) return false;
    const bool bare = !spec.empty() && (std::isalnum(static_cast<unsigned char>(spec[0])) ||
                                        (spec.size() > 1 && spec[0] == '@' && std::isalnum(static_cast<unsigned char>(spec[1]))));
    return !bare || driver_module(package_of(spec));
}

// Functions that read their arguments and write none of them: passing a module to these keeps it
// where pgfence sees it. `source`: the argument is not the first (Object.assign's sources).
bool reads_only(std::string_view callee, bool source) {
    static const std::set<std::string_view> k_readers = {"structuredClone", "cloneDeep", "_.cloneDeep", "_.clone", "lodash.cloneDeep",
                                                         "JSON.stringify", "Object.keys", "Object.values", "Object.entries",
                                                         "Object.getOwnPropertyNames", "Array.isArray", "String", "Boolean",
                                                         "console.log", "console.error", "console.warn", "console.info", "console.debug"};
    return k_readers.contains(callee) || (source && (callee == "Object.assign" || callee == "_.merge" || callee == "_.assign" ||
                                                     callee == "_.defaults" || callee == "_.defaultsDeep"));
}

// Where a whole module (a name holding one, or `require('x')` itself) goes where pgfence does
// not follow it: an argument, `this` (`f.call(h)`), an array or object literal, a spread into a
// call or array, a member of another value. What receives it may write to it (`m.run = evil`),
// and pgfence reads only writes through the module's own names. A member read or call
// (`h.run(knex)`, `h.K`), a copy (`{...h}`, `Object.assign({}, h)`) and module.exports stay known.
void module_escapes(const std::vector<Token>& t, const std::vector<std::size_t>& close, std::vector<std::pair<std::size_t, std::string>>& out) {
    const std::size_t n = t.size();
    const std::map<std::string, std::string, std::less<>> whole = whole_module_names(t);
    std::vector<std::size_t> opener(n, n);
    for (std::size_t k = 0; k < n; ++k) {
        if (close[k] < n) opener[close[k]] = k;
    }
    // Import and export declarations: what they name is not passed anywhere.
    std::vector<bool> declaration(n, false);
    for (std::size_t k = 0; k < n; ++k) {
        if (!(is(t, k, "import") || is(t, k, "export")) || member(t, k) || is(t, k + 1, "(") || is(t, k + 1, ".")) continue;
        std::size_t j = k;
        for (; j < n && j < k + 4096 && !is(t, j, ";") && !(j > k && is(t, j - 1, "from")); ++j) declaration[j] = true;
        k = j;
    }
    // A `{` that opens an object literal, not a block or a class body.
    auto literal_brace = [&](std::size_t o) {
        static const std::set<std::string_view> k_before = {"=", "(", ",", ":", "[", "?", "return", "||", "&&", "??", "..."};
        return o > 0 && (t[o - 1].kind == TokenKind::Ident || t[o - 1].kind == TokenKind::Punct) && k_before.contains(t[o - 1].text);
    };
    // The tools' entry points, bound once: knex's function (`require('knex')`, `{ knex }`) and
    // Sequelize's class (`require('sequelize')`, `{ Sequelize }`, also of @sequelize/core).
    std::set<std::string, std::less<>> tool_entries;
    {
        std::map<std::string, int, std::less<>> bound;  // other bindings and assignments of a name
        for (std::size_t k = 0; k < n; ++k) {
            if (!ident(t, k) || member(t, k)) continue;
            if ((is(t, k + 1, "=") && !is(t, k + 2, "=")) || writes_at(t, k + 1) || (k > 0 && (is(t, k - 1, "function") || is(t, k - 1, "class")))) {
                ++bound[t[k].text];
            }
        }
        for (const auto& [name, spec] : whole) {
            if ((spec == "knex" || spec == "sequelize" || spec == "@sequelize/core") && bound[name] <= 1) tool_entries.insert(name);
        }
        for (const auto& [name, from] : imported_names(t)) {
            const bool entry = (from.module == "knex" && (from.remote == "knex" || from.remote == "default")) ||
                               ((from.module == "sequelize" || from.module == "@sequelize/core") && (from.remote == "Sequelize" || from.remote == "default"));
            if (entry && bound[name] == 0) tool_entries.insert(name);
        }
    }
    // A `{` that opens a class body: `class X {`, `class X extends a.B {`, `class extends f(y) {`.
    auto class_body = [&](std::size_t o) {
        for (std::size_t k = o; k > 0 && k + 64 > o;) {
            --k;
            if (is(t, k, "class")) return true;
            if (is(t, k, ")") && opener[k] < k) k = opener[k];
            else if (!(ident(t, k) || is(t, k, ".") || is(t, k, "<") || is(t, k, ">") || is(t, k, ","))) return false;
        }
        return false;
    };
    // A whole module's name as a tagged template's `${h}`: the tag gets it as an argument (red team R79 B1).
    for (std::size_t i = 1; i < n; ++i) {
        if (t[i].kind != TokenKind::Template || !operand_end(t, i - 1)) continue;
        for (const TemplatePart& part : t[i].parts) {
            const auto found = part.interpolation ? whole.find(part.sole_name) : whole.end();
            if (found == whole.end() || !followed_module(found->second)) continue;
            out.emplace_back(t[i].begin, "`" + found->first + "`, which holds a whole module this script imports, is passed to a tagged "
                                         "template's function: pgfence does not follow what receives the module, which may write to it "
                                         "(`m.run = ...`), and Node gives every module that loads it the same object, so the helper or "
                                         "tool code pgfence reads may not be what runs");
            break;
        }
    }
    // `const [{ a }, { b }] = await Promise.all([import('./x'), import('./y')])` (daily-api's
    // vote.ts): each module's namespace destructured into its parts, as `const { a } = await
    // import('./x')` is. The array at o, Promise.all's (or allSettled's) one argument, awaited and
    // bound to an array pattern of object patterns only.
    const auto awaited_parts = [&](std::size_t o) {
        if (o < 6 || close[o] >= n || !is(t, close[o] + 1, ")") || !is(t, o - 1, "(") || !(is(t, o - 2, "all") || is(t, o - 2, "allSettled")) ||
            !is(t, o - 3, ".") || !is(t, o - 4, "Promise") || !is(t, o - 5, "await") || !is(t, o - 6, "=") || o < 7 || !is(t, o - 7, "]")) {
            return false;
        }
        const std::size_t b = opener[o - 7];
        if (b >= n || b == 0 || !(is(t, b - 1, "const") || is(t, b - 1, "let") || is(t, b - 1, "var"))) return false;
        for (std::size_t k = b + 1; k < o - 7;) {
            if (!is(t, k, "{") || close[k] >= o - 7) return false;
            k = close[k] + 1;
            if (is(t, k, ",")) ++k;
        }
        return true;
    };
    // The require() calls of `name = c ? require(a) : require(b)` (conditional_require()).
    std::set<std::size_t> chosen;
    for (std::size_t k = 1; k + 1 < n; ++k) {
        // A declarator only: `f(x = c ? require(a) : require(b))` passes the value on as well.
        if (!is(t, k, "=") || is(t, k + 1, "=") || !ident(t, k - 1) || member(t, k - 1) || k < 2 ||
            !(is(t, k - 2, "const") || is(t, k - 2, "let") || is(t, k - 2, "var"))) {
            continue;
        }
        const std::size_t q = conditional_require(t, is(t, k + 1, "await") ? k + 2 : k + 1);
        if (q >= n || !(q + 10 >= n || is(t, q + 10, ";") || is(t, q + 10, ",") || (ident(t, q + 10) && !operator_word(t, q + 10)))) continue;
        chosen.insert(q + 1);
        chosen.insert(q + 6);
    }
    std::map<std::size_t, std::string> callees;
    std::set<std::size_t> reported;
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < n; ++i) {
        if (is(t, i, ")") || is(t, i, "]") || is(t, i, "}")) {
            if (!open.empty()) open.pop_back();
            continue;
        }
        if (is(t, i, "(") || is(t, i, "[") || is(t, i, "{")) {
            open.push_back(i);
            continue;
        }
        const bool named = ident(t, i) && !member(t, i) && whole.contains(t[i].text) && !(i > 0 && is(t, i - 1, "."));
        if (!(named || module_call(t, i)) || declaration[i] || i == 0 || in_type(t, i, open)) continue;
        std::string spec;
        if (named) spec = whole.find(t[i].text)->second;
        else constant_spec(t, i + 2, &spec);
        if (!followed_module(spec)) continue;
        const Chain c = chain_at(t, i, close);
        if (c.members > 0 || c.called) continue;
        const std::size_t q = c.end;
        if (is(t, q, "=") && !is(t, q + 1, "=")) continue;  // assigned: module_names() follows the name
        if (is(t, q, ":") && (is(t, i - 1, "{") || is(t, i - 1, ","))) continue;  // a key
        const std::size_t o = open.empty() ? n : open.back();
        std::string how;
        const std::size_t p = i - 1;
        if (is(t, p, "...")) {
            if (o < n && !is(t, o, "{")) how = "spread into a call or an array";
        } else if ((is(t, p, "(") || is(t, p, ",")) && o < n && is(t, o, "(")) {
            static const std::set<std::string_view> k_not_calls = {"if", "while", "for", "switch", "catch", "with", "return", "typeof",
                                                                   "await", "void", "delete", "in", "of", "case"};
            // A member named like a keyword is a call's callee: `Array.of(h)` (red team R79 B1).
            const bool call = o > 0 && ((ident(t, o - 1) && (member(t, o - 1) || !k_not_calls.contains(t[o - 1].text))) || is(t, o - 1, ")") || is(t, o - 1, "]") ||
                                        is(t, o - 1, "?.") || t[o - 1].kind == TokenKind::Template);
            // Each call's callee once, however many arguments it has.
            auto [known, fresh] = callees.try_emplace(o);
            if (fresh) {
                if (std::size_t h = chain_head(t, o - 1); h < n) {
                    for (std::size_t j = h; j < o; ++j) known->second += t[j].text;
                }
            }
            const std::string& callee = known->second;
            // The migration tool's own entry points take a configuration and read it: `knex(config)`,
            // `new Sequelize(config)`, named by the tool's package, not a local function.
            // `require('knex')(config)` as well: a runner's usual spelling (red team R79 B11).
            const bool required_knex = o >= 4 && is(t, o - 1, ")") && t[o - 2].kind == TokenKind::String && is(t, o - 3, "(") &&
                                       is(t, o - 4, "require") && t[o - 2].string.value == "knex";
            const bool tool_entry = required_knex || tool_entries.contains(callee);
            if (call && !tool_entry && !reads_only(callee, is(t, p, ","))) {
                how = callee.ends_with(".call") || callee.ends_with(".apply") || callee.ends_with(".bind") ? "given as `this` or an argument"
                                                                                                       : "passed as an argument";
            }
        } else if ((is(t, p, "[") || is(t, p, ",")) && o < n && is(t, o, "[") && !(o > 0 && operand_end(t, o - 1)) &&
                   !(module_call(t, i) && awaited_parts(o))) {
            how = "placed in an array";
        } else if ((is(t, p, ":") || ((is(t, p, "{") || is(t, p, ",")) && (is(t, q, ",") || is(t, q, "}")))) && o > 0 && o < n &&
                   is(t, o, "{") && literal_brace(o) && !(is(t, o - 1, "=") && exports_assignment(t, o - 1))) {
            how = "placed in an object";
        } else if (is(t, p, "=") && p > 0 && (member(t, p - 1) || is(t, p - 1, "]")) && !exports_assignment(t, p)) {
            how = "stored in another value's member";
        } else if (is(t, p, "=") && o < n && is(t, o, "{") && class_body(o)) {
            how = "stored in a class's field";  // `static m = h` (red team R79 B1)
        } else if (is(t, p, "return") || is(t, p, "=>") || is(t, p, "yield") || is(t, p, "throw")) {
            // What a function returns (or yields, or throws) comes back under a name pgfence does not
            // bind: `const m = get(); m.run = ...` (red team R79 B1).
            how = "returned from a function";
        } else if (chosen.contains(i)) {
            // `const h = c ? require(a) : require(b)`: h holds the module, judged where h goes.
        } else if (is(t, q, "||") || is(t, q, "??") || is(t, p, "||") || is(t, p, "??") || is(t, p, "?") || is(t, p, ":")) {
            how = "the value of an expression pgfence does not bind";  // `f(require(x) || {})`, `c ? h : o`
            if (is(t, p, "=") || (is(t, p, ":") && literal_brace(o))) how.clear();
        }
        if (how.empty()) continue;
        if (o < n && !reported.insert(o).second) continue;  // once per call, array or object: `f(h, h, ...)` is one finding
        const std::string what = named ? "`" + t[i].text + "`, which holds a whole module this script imports," : "the module require() loads here";
        out.emplace_back(t[i].begin, what + " is " + how + ": pgfence does not follow what receives the module, which may write to it "
                                     "(`m.run = ...`), and Node gives every module that loads it the same object, so the helper or tool "
                                     "code pgfence reads may not be what runs");
    }
}

}  // namespace pgfence::analyze::orm::module_writes_detail
