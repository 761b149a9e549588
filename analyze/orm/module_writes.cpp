#include "analyze/orm/module_writes.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "analyze/orm/escapes.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/load_paths.hpp"
#include "analyze/orm/rebinding.hpp"
#include "analyze/orm/module_writes_detail.hpp"

namespace pgfence::analyze::orm {
// Token helpers that module_loads.cpp shares (module_writes_detail.hpp).
namespace module_writes_detail {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}
bool ident(const std::vector<Token>& t, std::size_t i) { return i < t.size() && t[i].kind == TokenKind::Ident; }
bool member(const std::vector<Token>& t, std::size_t i) { return i > 0 && i < t.size() && (is(t, i - 1, ".") || is(t, i - 1, "?.")); }
bool string_is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && t[i].kind == TokenKind::String && t[i].string.value == s;
}

// Globals every module shares: a write to one of their members changes what the tool's code does.
// (`process` is reach.cpp's: it reports `process.env.X =` and the rest of `process` itself.)
bool global_name(std::string_view n) {
    static const std::set<std::string_view> k_globals = {"globalThis", "global", "window", "self", "Object", "Function", "Array", "String",
                                                         "Number", "Boolean", "Symbol", "Promise", "JSON", "Reflect", "Math", "Date",
                                                         "RegExp", "Map", "Set", "WeakMap", "Error", "Buffer", "BigInt"};
    return k_globals.contains(n);
}

// Words that stand between two operands in an expression (`a instanceof B`, `await x`).
bool operator_word(const std::vector<Token>& t, std::size_t i) {
    static const std::set<std::string_view> k_words = {"in", "of", "instanceof", "typeof", "new", "await", "void", "delete", "as",
                                                       "satisfies", "yield", "async", "function", "class", "extends", "keyof"};
    return ident(t, i) && k_words.contains(t[i].text);
}

bool operand_end(const std::vector<Token>& t, std::size_t i) {
    if (i >= t.size()) return false;
    if (t[i].kind == TokenKind::Ident) return !operator_word(t, i);
    if (t[i].kind == TokenKind::Punct) return is(t, i, ")") || is(t, i, "]") || is(t, i, "}");
    return true;  // a literal
}

// The chain starting at i: a name, `require(...)`/`import(...)`, or a parenthesised expression,
// then members (`.a`, `?.a`, `[k]`), calls and TypeScript's `!`, at most 4096 steps.
Chain chain_at(const std::vector<Token>& t, std::size_t i, const std::vector<std::size_t>& close) {
    Chain c;
    const std::size_t n = t.size();
    std::size_t j = i + 1;
    if (ident(t, i) && (is(t, i, "require") || is(t, i, "import")) && (is(t, i + 1, "(") || is(t, i + 1, "."))) {
        c.base = Chain::Base::Module;
        if (is(t, i + 1, "(")) j = close[i + 1] < n ? close[i + 1] + 1 : n;
    } else if (ident(t, i)) {
        c.base = Chain::Base::Name;
        c.name = t[i].text;
    } else if (is(t, i, "(") && close[i] < n) {
        c.base = Chain::Base::Group;
        j = close[i] + 1;
        // TypeScript's cast of a name or its members, `(toSave as WithUuid).id = ...` (joplin's
        // BaseModel): the chain of that name, not a value computed somewhere.
        std::size_t k = i + 1;
        if (ident(t, k) && !is(t, k, "require") && !is(t, k, "import") && !is(t, k, "this")) {
            int members = 0;
            bool proto = false;
            for (++k; k + 1 < close[i] && is(t, k, ".") && ident(t, k + 1); k += 2) {
                ++members;
                proto = proto || is(t, k + 1, "prototype") || is(t, k + 1, "__proto__");
            }
            if (k == close[i] || ((is(t, k, "as") || is(t, k, "satisfies")) && k + 1 < close[i])) {
                c.base = Chain::Base::Name;
                c.name = t[i + 1].text;
                c.members = members;
                c.proto = proto;
            }
        }
    } else {
        c.end = i + 1;
        return c;
    }
    for (int hops = 0; j < n && hops < 4096; ++hops) {
        if ((is(t, j, ".") || is(t, j, "?.")) && j + 1 < n && (ident(t, j + 1) || t[j + 1].kind == TokenKind::Punct)) {
            if (is(t, j + 1, "prototype") || is(t, j + 1, "__proto__")) c.proto = true;
            ++c.members;
            j += 2;
        } else if (is(t, j, "[") && close[j] < n) {
            for (std::size_t k = j + 1; k < close[j]; ++k) {
                if (string_is(t, k, "prototype") || string_is(t, k, "__proto__")) c.proto = true;
            }
            ++c.members;
            j = close[j] + 1;
        } else if (is(t, j, "(") && close[j] < n) {
            c.called = true;
            c.members = 0;
            j = close[j] + 1;
        } else if (is(t, j, "!") && j + 1 < n && (is(t, j + 1, ".") || is(t, j + 1, "["))) {
            ++j;  // TypeScript's non-null assertion
        } else {
            break;
        }
    }
    c.end = j;
    return c;
}

// Where each value ends: a `,` or `;` at its depth, an enclosing closer, or two operands side by
// side (a statement begun without a semicolon). `value_ends(t, close)[k]` for a value starting at
// k: computed right to left in one pass, so values nested or chained (`a = b = c = ...`) cost no
// more than the tokens.
std::vector<std::size_t> value_ends(const std::vector<Token>& t, const std::vector<std::size_t>& close) {
    const std::size_t n = t.size();
    auto punct_stop = [&](std::size_t j) { return is(t, j, ",") || is(t, j, ";") || is(t, j, ")") || is(t, j, "]") || is(t, j, "}"); };
    auto opener = [&](std::size_t j) { return (is(t, j, "(") || is(t, j, "[") || is(t, j, "{")) && close[j] < n; };
    // next[j]: the first stop at or after j (not the value's first token), at j's depth.
    std::vector<std::size_t> next(n + 2, n);
    for (std::size_t j = n; j-- > 0;) {
        const bool boundary = j > 0 && operand_end(t, j - 1) && (t[j].kind != TokenKind::Punct || is(t, j, "{")) && !operator_word(t, j);
        if (boundary || punct_stop(j)) next[j] = j;
        else if (opener(j)) next[j] = next[close[j] + 1];
        else next[j] = next[j + 1];
    }
    std::vector<std::size_t> out(n, n);
    for (std::size_t k = 0; k < n; ++k) out[k] = opener(k) ? next[close[k] + 1] : punct_stop(k) ? k : next[k + 1];
    return out;
}

// The `[` at j reads a member of a global, of `x.constructor` or of `({})` by a key that is not
// one constant (`Object['proto' + 'type']`), or reads `['prototype']`/`['__proto__']`: the value may
// be Object.prototype, which every object shares (red team R79 B21: knex's query config inherits
// a polluted `text`). A name bound to it is judged as a module's value.
bool prototype_reach(const std::vector<Token>& t, std::size_t j, const std::vector<std::size_t>& close, const std::vector<std::size_t>& opener) {
    const std::size_t n = t.size();
    if (j == 0 || close[j] >= n) return false;
    const bool one_constant = close[j] == j + 2 && (t[j + 1].kind == TokenKind::String || t[j + 1].kind == TokenKind::Number);
    if (one_constant) return string_is(t, j + 1, "prototype") || string_is(t, j + 1, "__proto__");
    const bool global_root = ident(t, j - 1) && !member(t, j - 1) && global_name(t[j - 1].text);
    const bool constructor = ident(t, j - 1) && member(t, j - 1) && is(t, j - 1, "constructor");
    const bool literal = is(t, j - 1, ")") && opener[j - 1] + 1 < n && (is(t, opener[j - 1] + 1, "{") || is(t, opener[j - 1] + 1, "["));
    return global_root || constructor || literal;
}

// The names that hold what the script imports or a value computed from one: `const h =
// require(x)`, `import h from`, `const { Client } = require("knex")`, `const p = Client.prototype`,
// `g = h`, in passes until none is added (eight at most). A `const` or `let` declared inside a
// block holds there only: daily-api's comments.ts bound `const comment = await graphorm.query(...)`
// in one resolver, and `comment.contentHtml = ...` in another function (a parameter) read as a
// write to an imported value. Anything else (imports, `var`, plain assignments, a pattern's
// defaults) holds in the whole file.
ScopedNames module_names(const std::vector<Token>& t, const std::vector<std::size_t>& close) {
    ScopedNames out;
    const std::size_t n = t.size();
    // The innermost `{` around each token (n: none).
    std::vector<std::size_t> block(n, n);
    {
        std::vector<std::size_t> braces;
        for (std::size_t k = 0; k < n; ++k) {
            while (!braces.empty() && close[braces.back()] < k) braces.pop_back();
            block[k] = braces.empty() ? n : braces.back();
            if (is(t, k, "{") && close[k] < n) braces.push_back(k);
        }
    }
    const auto scope_of = [&](std::size_t pattern) -> std::pair<std::size_t, std::size_t> {
        if (pattern == 0 || !(is(t, pattern - 1, "const") || is(t, pattern - 1, "let")) || member(t, pattern - 1)) return {0, n};
        const std::size_t b = block[pattern];
        return b < n ? std::pair<std::size_t, std::size_t>{b, close[b] + 1} : std::pair<std::size_t, std::size_t>{0, n};
    };
    for (std::size_t k = 0; k + 1 < n; ++k) {  // import declarations (TypeScript's `import h = require()` too)
        if (!is(t, k, "import") || member(t, k) || is(t, k + 1, "(") || is(t, k + 1, ".")) continue;
        // `import type { A } from`, `import type A from`: TypeScript erases them; `import type from 'x'`
        // and `import type, { a } from 'x'` bind a name `type`.
        if (is(t, k + 1, "type") && !is(t, k + 2, "from") && !is(t, k + 2, ",") && !is(t, k + 2, "=")) continue;
        for (std::size_t j = k + 1; j < n && j < k + 4096 && !is(t, j, "from") && !is(t, j, ";") && !is(t, j, "import") &&
                                    t[j].kind != TokenKind::String;
             ++j) {
            // `{ type A, B }`: A is a type, erased.
            if (is(t, j, "type") && (is(t, j - 1, "{") || is(t, j - 1, ",")) && ident(t, j + 1) && !is(t, j + 1, "as")) {
                for (++j; j < n && !is(t, j, ",") && !is(t, j, "}"); ++j) {}
                continue;
            }
            if (ident(t, j) && !is(t, j, "as") && !is(t, j, "type") && !is(t, j + 1, "as")) out.insert(t[j].text, 0, n);
        }
    }
    // (pattern's first token, value's first token) of each declarator and plain assignment
    std::vector<std::size_t> opener(n, n);
    for (std::size_t k = 0; k < n; ++k) {
        if (close[k] < n) opener[close[k]] = k;
    }
    struct Binding {
        std::size_t pattern, value, end;
        bool done = false;
    };
    std::vector<Binding> bindings;
    const std::vector<std::size_t> ends = value_ends(t, close);
    for (std::size_t k = 1; k + 1 < n; ++k) {
        if (!is(t, k, "=") || is(t, k + 1, "=")) continue;
        std::size_t p = k - 1;
        if ((is(t, p, "}") || is(t, p, "]")) && opener[p] < n) {
            p = opener[p];
            // `items[row.name] = value` writes a member; it binds no name.
            if (is(t, p, "[") && p > 0 && ((ident(t, p - 1) && !operator_word(t, p - 1) && !is(t, p - 1, "return")) || is(t, p - 1, "]"))) continue;
        } else if (!ident(t, p) || member(t, p)) continue;
        bindings.push_back(Binding{p, k + 1, ends[k + 1]});
    }
    // Each pass marks the tokens that make a value a module's (below), counted in prefix sums, so
    // a value nested in another costs nothing more: linear per pass. A call's arguments make a new
    // value (`_.cloneDeep(cols)`, `knex(config)`, `Object.assign({}, cfg)`), and so do a spread
    // (`{...cfg}`), an object or array literal (`{ item: h }`, `[h]`: module_escapes() reports a
    // module placed in one), a computed key (`rows[h.key]`) and a function's body: only tokens
    // at the value's own depth of brackets count, in a prefix sum per depth.
    std::vector<std::size_t> depth(n + 1, 0);
    {
        std::vector<int> diff(n + 1, 0);
        for (std::size_t k = 0; k < n; ++k) {
            if (!(is(t, k, "{") || is(t, k, "[")) || close[k] >= n) continue;
            ++diff[k + 1];
            --diff[close[k]];
        }
        for (std::size_t k = 1; k < n; ++k) {
            if (!is(t, k, "(") || close[k] >= n || !(ident(t, k - 1) || is(t, k - 1, ")") || is(t, k - 1, "]"))) continue;
            if (is(t, k - 1, "require") || is(t, k - 1, "import") || operator_word(t, k - 1)) continue;
            static const std::set<std::string_view> k_not_calls = {"if", "while", "for", "switch", "catch", "with", "return"};
            if (k_not_calls.contains(t[k - 1].text)) continue;
            ++diff[k + 1];
            --diff[close[k]];
        }
        int d = 0;
        for (std::size_t k = 0; k < n; ++k) depth[k] = static_cast<std::size_t>(d += diff[k]);
    }
    std::size_t max_depth = 0;
    for (std::size_t k = 0; k < n; ++k) max_depth = std::max(max_depth, depth[k]);
    std::vector<std::vector<std::size_t>> at_depth(max_depth + 1);  // marked tokens by depth, in order
    auto marked = [&](std::size_t from, std::size_t to) {
        const auto& v = at_depth[depth[from]];
        return std::lower_bound(v.begin(), v.end(), to) != std::lower_bound(v.begin(), v.end(), from);
    };
    std::vector<std::size_t> marks(n + 1, 0);
    std::vector<std::size_t> skip(n + 1);
    for (std::size_t j = 0; j <= n; ++j) skip[j] = j;
    auto unvisited = [&](std::size_t j) {  // the first token at or after j not yet visited, paths halved
        while (j < n && skip[j] != j) j = skip[j] = skip[skip[j]];
        return j;
    };
    for (int pass = 0; pass < 8; ++pass) {
        const std::size_t before = out.size();
        // The value may be a module's value itself, or a member of one: a chain in it from
        // require()/import() or such a name that no call follows (`cloneDeep(h.x)` is a new value;
        // `cond ? require("a") : b`, `{ h: require("a") }` and `h.Client` are not), or a
        // prototype (`.prototype`, `__proto__`, `getPrototypeOf`), or the global object.
        for (std::size_t j = 0; j < n; ++j) {
            bool mark = false;
            if (member(t, j)) {
                mark = is(t, j, "prototype") || is(t, j, "__proto__") || is(t, j, "getPrototypeOf");
            } else if (ident(t, j) && !(is(t, j + 1, ":") && j > 0 && (is(t, j - 1, "{") || is(t, j - 1, ","))) &&  // not a key
                       !(j > 0 && (is(t, j - 1, "as") || is(t, j - 1, "satisfies")))) {  // nor a type (`ctx as Imported`, daily-api)
                const bool root = ((is(t, j, "require") || is(t, j, "import")) && is(t, j + 1, "(")) || out.holds(t[j].text, j);
                mark = is(t, j, "globalThis") || is(t, j, "global") || (root && !chain_at(t, j, close).called);
            }
            if (j > 0 && is(t, j - 1, "...")) mark = false;
            if (is(t, j, "[") && prototype_reach(t, j, close, opener)) mark = true;
            marks[j + 1] = marks[j] + (mark ? 1 : 0);
        }
        for (auto& v : at_depth) v.clear();
        for (std::size_t j = 0; j < n; ++j) {
            if (marks[j + 1] != marks[j]) at_depth[depth[j]].push_back(j);
        }
        for (Binding& b : bindings) {
            if (b.done || b.value >= n || !marked(b.value, std::min(b.end, n))) continue;
            b.done = true;
            // Each token of the patterns once, however they nest (`[[a] = x] = y`): a visited one
            // points past itself.
            const std::size_t last = ident(t, b.pattern) ? b.pattern : std::min(close[b.pattern], n - 1);
            const auto [from, to] = scope_of(b.pattern);
            for (std::size_t j = unvisited(b.pattern); j <= last && j < n; j = unvisited(j + 1)) {
                if (ident(t, j) && !is(t, j + 1, ":")) out.insert(t[j].text, from, to);
                skip[j] = j + 1;
            }
        }
        if (out.size() == before) break;
    }
    return out;
}

// A `:` at c that gives a TypeScript type (`const c: Knex.Config = ...`, `(k: Knex.Client = x)`),
// not an object literal's value; `below`: the bracket holding it, or npos.
// Does the `{` at o open a class or interface body (`class A<T> extends B implements C {`,
// joplin's `interface Services {`)? Only names, `.`,
// `,` and angle brackets may stand between `class` and it, so no object literal in an `extends`
// expression passes for one.
bool class_body(const std::vector<Token>& t, std::size_t o) {
    if (!is(t, o, "{")) return false;
    for (std::size_t j = o; j-- > 0 && j + 64 > o;) {
        if (is(t, j, "class") || is(t, j, "interface")) return !member(t, j);  // an interface's members are types only
        if (!(ident(t, j) || is(t, j, ".") || is(t, j, ",") || is(t, j, "<") || is(t, j, ">"))) return false;
    }
    return false;
}

bool annotation(const std::vector<Token>& t, std::size_t c, std::size_t below) {
    static const std::set<std::string_view> k_heads = {"const", "let", "var", "private", "public", "protected", "readonly", "static",
                                                       "declare", "abstract", "override"};
    if (!is(t, c, ":") || c < 2) return false;
    std::size_t name = is(t, c - 1, "?") || is(t, c - 1, "!") ? c - 2 : c - 1;
    if (!ident(t, name) || name == 0) return false;
    const std::size_t head = name - 1;
    if (ident(t, head) && k_heads.contains(t[head].text)) return true;
    // A class field's type, `extensions: AnyExtension[] = []`, after a member or a decorator.
    if ((is(t, head, "{") || is(t, head, ";") || is(t, head, "}") || is(t, head, ")")) && class_body(t, below)) return true;
    return (is(t, head, "(") || is(t, head, ",")) && below < t.size() && is(t, below, "(");
}

// Is the name at i a type argument after the first (`Record<number, Driver>`, `Map<K, Array<V>>`)?
// The `<` must follow a name and the matching `>` be followed by a token that cannot follow a
// comparison's `>` in JavaScript (`)`, `,`, `;`, `=`, `|`, `&`, `]`, `}`), or by the `>` of an
// enclosing list that holds the same: `f(a < b, h, c > d)` and `f(a < b, h, c >> 1)` pass h.
// Each walk stops after 64 tokens.
bool type_argument(const std::vector<Token>& t, std::size_t i) {
    const std::size_t n = t.size();
    if (i == 0 || !is(t, i - 1, ",")) return false;  // the first one follows `<`
    auto type_token = [&](std::size_t j) {
        return t[j].kind == TokenKind::String || (ident(t, j) && !operator_word(t, j)) || is(t, j, ",") || is(t, j, ".") || is(t, j, "|") ||
               is(t, j, "&") || is(t, j, "[") || is(t, j, "]") || is(t, j, "typeof") || is(t, j, "keyof");
    };
    std::size_t lo = i, hi = i;
    for (int level = 0; level < 16; ++level) {
        std::size_t o = n, c = n;
        int depth = 0;
        for (std::size_t j = lo; j-- > 0 && j + 64 > lo;) {
            if (is(t, j, ">")) ++depth;
            else if (is(t, j, "<") && depth > 0) --depth;
            else if (is(t, j, "<")) { o = j; break; }
            else if (!type_token(j)) break;
        }
        if (o == n || o == 0 || !ident(t, o - 1) || operator_word(t, o - 1)) return false;
        depth = 0;
        for (std::size_t j = hi + 1; j < n && j < hi + 64; ++j) {
            if (is(t, j, "<")) ++depth;
            else if (is(t, j, ">") && depth > 0) --depth;
            else if (is(t, j, ">")) { c = j; break; }
            else if (!type_token(j)) break;
        }
        if (c == n || c + 1 >= n) return false;
        static const std::set<std::string_view> k_after = {")", ",", ";", "=", "|", "&", "]", "}"};
        if ((t[c + 1].kind == TokenKind::Punct || t[c + 1].kind == TokenKind::Ident) && k_after.contains(t[c + 1].text)) return true;
        if (!is(t, c + 1, ">")) return false;
        lo = o;
        hi = c;
    }
    return false;
}

// Is the name at i part of a TypeScript type (an annotation, a type literal's member, after `as`,
// `|`, `extends`)? There `Knex.Config` names a type; nothing is written. `open`: the brackets open at i.
bool in_type(const std::vector<Token>& t, std::size_t i, const std::vector<std::size_t>& open) {
    static const std::set<std::string_view> k_type_words = {"|", "&", "<", "as", "extends", "implements", "keyof", "typeof",
                                                            "satisfies", "is", "new"};
    if (i == 0) return false;
    if ((t[i - 1].kind == TokenKind::Ident || t[i - 1].kind == TokenKind::Punct) && k_type_words.contains(t[i - 1].text)) return true;
    const std::size_t npos = t.size();
    if (annotation(t, i - 1, open.empty() ? npos : open.back())) return true;
    // Inside a type literal or tuple: `const c: { [k: string]: Knex.Config } = ...`.
    for (std::size_t d = open.size(); d > 0 && d + 16 > open.size(); --d) {
        const std::size_t b = open[d - 1];
        if (b > 0 && annotation(t, b - 1, d >= 2 ? open[d - 2] : npos)) return true;
    }
    return type_argument(t, i);
}

std::string why_for(const Chain& c, bool imported, bool global) {
    std::string what = c.proto ? "an object's prototype (through `.prototype` or `__proto__`), which every instance shares, the "
                                 "migration tool's own (`Client.prototype.raw`) among them"
                       : imported && c.base == Chain::Base::Module ? "a value of the module require() or import() loads here"
                       : imported ? "`" + c.name + "`, which holds what this script imports (or a part of it)"
                       : global   ? "the global `" + c.name + "`, which every module shares"
                                  : "what an expression or a call returns, which may be another module's value";
    return "a write to " + what + ": Node gives every module that loads a module the same object, so the helper or tool code "
           "pgfence reads may not be what runs, and what replaces it is not read";
}


// A template with no `${}` is a constant, as a string is: ``require(`../lib/patch`)``.
bool constant_spec(const std::vector<Token>& t, std::size_t i, std::string* spec) {
    if (i >= t.size()) return false;
    if (t[i].kind == TokenKind::String) {
        if (spec) *spec = t[i].string.value;
        return true;
    }
    if (t[i].kind != TokenKind::Template || t[i].unterminated || t[i].too_deep) return false;
    std::string s;
    for (const TemplatePart& p : t[i].parts) {
        if (p.interpolation) return false;
        s += p.text.value;
    }
    if (spec) *spec = std::move(s);
    return true;
}

}  // namespace module_writes_detail

using namespace module_writes_detail;

namespace {

// node-postgres's two configuration idioms a knexfile or data source commonly holds: Heroku's
// `pg.defaults.ssl = {...}` (pg/lib/defaults.js: the ssl option every new client starts from) and
// `types.setTypeParser(oid, fn)` (pg-types, which pg exports as `types`: how result text becomes
// JavaScript values; https://github.com/brianc/node-pg-types). Both change how a connection is
// made or what a query returns, never the SQL a migration sends. `n`: a name bound to the
// module, `types`: bound to its `types` export; i: an occurrence.
bool pg_idiom_at(const std::vector<Token>& t, std::size_t i, bool types) {
    if (types) return is(t, i + 1, ".") && is(t, i + 2, "setTypeParser") && is(t, i + 3, "(");
    const bool ssl = is(t, i + 1, ".") && is(t, i + 2, "defaults") && is(t, i + 3, ".") && is(t, i + 4, "ssl") && is(t, i + 5, "=") &&
                     !is(t, i + 6, "=");
    return ssl || (is(t, i + 1, ".") && is(t, i + 2, "types") && is(t, i + 3, ".") && is(t, i + 4, "setTypeParser") && is(t, i + 5, "("));
}

// The name the 'pg' load whose specifier is token s binds, in one of the forms `const pg =
// require('pg')`, `import pg from 'pg'`, `const { types } = require('pg')`, `import { types }
// from 'pg'` (second: whether it is `types`), or npos.
std::pair<std::size_t, bool> pg_binding(const std::vector<Token>& t, std::size_t s) {
    const std::size_t npos = t.size();
    if (s >= t.size() || t[s].kind != TokenKind::String || t[s].string.value != "pg") return {npos, false};
    auto decl = [&](std::size_t k) { return is(t, k, "const") || is(t, k, "let") || is(t, k, "var"); };
    if (s >= 5 && is(t, s - 1, "(") && is(t, s - 2, "require") && is(t, s - 3, "=") && is(t, s + 1, ")")) {
        if (ident(t, s - 4) && decl(s - 5)) return {s - 4, false};
        if (s >= 7 && is(t, s - 4, "}") && is(t, s - 5, "types") && is(t, s - 6, "{") && decl(s - 7)) return {s - 5, true};
    }
    if (s >= 3 && is(t, s - 1, "from") && ident(t, s - 2) && is(t, s - 3, "import")) return {s - 2, false};
    if (s >= 5 && is(t, s - 1, "from") && is(t, s - 2, "}") && is(t, s - 3, "types") && is(t, s - 4, "{") && is(t, s - 5, "import")) {
        return {s - 3, true};
    }
    return {npos, false};
}

}  // namespace

std::set<std::size_t> pg_idiom_loads(const std::vector<Token>& t) {
    std::map<std::string, std::vector<std::size_t>, std::less<>> loads;  // name -> the specifiers binding it
    std::map<std::string, bool, std::less<>> types_name;
    std::set<std::size_t> binders;
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (const auto [at, types] = pg_binding(t, k); at < t.size()) {
            loads[t[at].text].push_back(k);
            types_name[t[at].text] = types;
            binders.insert(at);
        }
    }
    std::set<std::string, std::less<>> other;  // names used other than in the idioms
    for (std::size_t i = 0; i < t.size() && !loads.empty(); ++i) {
        if (binders.contains(i) || !ident(t, i) || member(t, i)) continue;
        const auto found = types_name.find(t[i].text);
        if (found == types_name.end()) continue;
        if (is(t, i + 1, ":") && i > 0 && (is(t, i - 1, "{") || is(t, i - 1, ","))) continue;  // a key
        if (!pg_idiom_at(t, i, found->second)) other.insert(t[i].text);
    }
    std::set<std::size_t> out;
    for (const auto& [name, specs] : loads) {
        // One binding per name: a name bound twice (`types` of pg and of another) is not judged.
        if (specs.size() == 1 && !other.contains(name)) out.insert(specs.front());
    }
    return out;
}

namespace {

// Why the name at i is a global object taken as a value (see module_writes), "" when it is not:
// used as `Object.x`, `Object[k]`, `Object(...)`, compared, or tested with instanceof / typeof,
// it is the direct form, which the checks above read.
std::string global_taken(const std::vector<Token>& t, std::size_t i) {
    static const std::set<std::string_view> k_reaching = {"Object", "Reflect", "Function", "globalThis", "global"};
    static const std::set<std::string_view> k_beside = {".", "?.", "[", "(", "=", "===", "!==", "==", "!=", "instanceof", "in", ":", "=>", "?"};
    static const std::set<std::string_view> k_before = {".", "?.", "===", "!==", "==", "!=", "instanceof", "typeof", "new", "function", "class",
                                                        "let", "const", "var", "delete", "void", "import", "export", "as",
                                                        "declare", "namespace"};
    const std::string_view name = t[i].text;
    const bool reaching = k_reaching.contains(name);
    if (!reaching && !global_name(name)) return "";
    const bool punct_after = i + 1 < t.size() && (t[i + 1].kind == TokenKind::Punct || t[i + 1].kind == TokenKind::Ident);
    if (punct_after && k_beside.contains(t[i + 1].text)) return "";
    const bool punct_before = i > 0 && (t[i - 1].kind == TokenKind::Punct || t[i - 1].kind == TokenKind::Ident);
    if (punct_before && k_before.contains(t[i - 1].text)) return "";
    // Another global (String, Array, ...) only bound to a name: `.map(String)`, `filter(Boolean)` pass it on.
    if (!reaching && !(i > 0 && is(t, i - 1, "="))) return "";
    // A TypeScript type alias names types, no values: `type E = Error & {...}`, `type T<X> =
    // Promise<X> | ...` (daily-api's errors.ts and types.ts gave 76 false unknowns).
    if (i >= 3 && is(t, i - 1, "=")) {
        std::size_t k = i - 2;
        if (is(t, k, ">")) {
            int depth = 0;
            for (std::size_t steps = 0; k > 0 && steps < 256; --k, ++steps) {
                if (is(t, k, ">")) ++depth;
                else if (is(t, k, "<") && --depth == 0) break;
            }
            if (k > 0) --k;
        }
        if (k > 0 && ident(t, k) && is(t, k - 1, "type")) return "";
    }
    // A TypeScript enum's member (`enum ResponseType { KoaResponse, Object }`, joplin's
    // routeUtils.ts): a name, no value. The nearest open brace, looked for at most 4096 tokens back.
    if (i > 0 && (is(t, i - 1, ",") || is(t, i - 1, "{"))) {
        int depth = 0;
        for (std::size_t k = i; k-- > 0 && i - k <= 4096;) {
            if (is(t, k, "}") || is(t, k, ")") || is(t, k, "]")) ++depth;
            else if (is(t, k, "{") || is(t, k, "(") || is(t, k, "[")) {
                if (depth-- > 0) continue;
                if (is(t, k, "{") && k >= 2 && ident(t, k - 1) && is(t, k - 2, "enum")) return "";
                break;
            }
        }
    }
    return "`" + std::string(name) + "` taken as a value: a computed member of it (which may be `prototype`), its defineProperty or "
           "Reflect.set reached under another name is not read by pgfence, and may change what every module's objects do";
}

}  // namespace

std::vector<std::pair<std::size_t, std::string>> module_writes(const std::vector<Token>& t) {
    std::vector<std::pair<std::size_t, std::string>> out;
    const std::size_t n = t.size();
    const std::vector<std::size_t> close = closing_brackets(t);
    const ScopedNames modules = module_names(t, close);
    std::map<std::string, int, std::less<>> declared;  // `class X` / `function X` declarations, and other bindings of X
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if ((is(t, k, "class") || is(t, k, "function")) && !member(t, k) && ident(t, k + 1) && !(k > 0 && is(t, k - 1, "="))) ++declared[t[k + 1].text];
    }
    std::set<std::string, std::less<>> pg_ssl_names;  // `pg` of `const pg = require('pg')` used in the idioms only
    for (std::size_t k : pg_idiom_loads(t)) {
        if (const auto [at, types] = pg_binding(t, k); at < n && !types) pg_ssl_names.insert(t[at].text);
    }
    std::set<std::string, std::less<>> own_classes;
    for (const auto& [name, count] : declared) {
        if (count == 1 && !global_name(name)) own_classes.insert(name);
    }
    auto judge = [&](const Chain& c, std::size_t at, bool whole) {
        // `whole`: the value itself is written (Object.assign's target), not only a member of it.
        if (c.members == 0 && !whole) return;
        const bool own = c.base == Chain::Base::Name && (c.name == "exports" || c.name == "module" || c.name == "this" || c.name == "super");
        if (own && !c.proto && !c.called) return;  // hidden_export_writes, rebinding.hpp and borrowed_up.hpp judge these
        const bool imported = c.base == Chain::Base::Module || (c.base == Chain::Base::Name && modules.holds(c.name, at));
        // The file's own class or constructor (`class User {}; User.prototype.fullName = ...`): its
        // instances are this file's, not another module's.
        if (c.proto && !imported && !c.called && c.base == Chain::Base::Name && own_classes.contains(c.name)) return;
        if (c.base == Chain::Base::Name && pg_ssl_names.contains(c.name) && pg_idiom_at(t, at, false)) return;
        const bool global = c.base == Chain::Base::Name && global_name(c.name) && !c.called;
        const bool computed = c.called || c.base == Chain::Base::Group;
        if (!(c.proto || imported || global || computed)) return;
        out.emplace_back(t[at].begin, why_for(c, imported, global));
    };
    static const std::set<std::string_view> k_writers = {"assign", "defineProperty", "defineProperties", "setPrototypeOf", "set",
                                                         "deleteProperty"};
    // `const { assign, set: put } = Object` (or Reflect): the names the writers go by here.
    std::set<std::string, std::less<>> writer_aliases;
    for (std::size_t k = 2; k + 1 < n; ++k) {
        if (!is(t, k, "=") || !is(t, k - 1, "}") || !(is(t, k + 1, "Object") || is(t, k + 1, "Reflect")) || is(t, k + 2, ".")) continue;
        for (std::size_t j = k - 2; j > 0 && j + 4096 > k && !is(t, j, "{"); --j) {
            if (!ident(t, j) || is(t, j + 1, ":")) continue;
            const std::size_t key = is(t, j - 1, ":") && j >= 2 ? j - 2 : j;
            if (k_writers.contains(t[key].text)) writer_aliases.insert(t[j].text);
        }
    }
    // `if (...)`, `while (...)`: a keyword and its condition, neither a call nor the callee of what
    // follows (`if (x) (toSave as T).id = ...` writes toSave's member, as joplin's BaseModel does).
    auto control = [&](std::size_t k) {
        return k < n && !member(t, k) && (is(t, k, "if") || is(t, k, "while") || is(t, k, "for") || is(t, k, "switch") || is(t, k, "catch") || is(t, k, "with"));
    };
    std::vector<std::size_t> opening(n, n);
    for (std::size_t k = 0; k < n; ++k) {
        if (close[k] < n) opening[close[k]] = k;
    }
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < n; ++i) {
        if (is(t, i, ")") || is(t, i, "]") || is(t, i, "}")) {
            if (!open.empty()) open.pop_back();
            continue;
        }
        const bool after_condition = i > 0 && is(t, i - 1, ")") && opening[i - 1] > 0 && opening[i - 1] < n && control(opening[i - 1] - 1);
        const bool group = is(t, i, "(") && (after_condition || !(i > 0 && (ident(t, i - 1) || is(t, i - 1, ")") || is(t, i - 1, "]") || is(t, i - 1, "?."))));
        if (is(t, i, "(") || is(t, i, "[") || is(t, i, "{")) open.push_back(i);
        if (control(i)) continue;
        if (!(group || (ident(t, i) && !member(t, i)))) continue;
        if (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?."))) continue;
        // A global that reaches every object taken as a value under another name (`const O = Object`,
        // `(0, Object)[k]`, `() => Object`, `Reflect.get(Object, k)`, `const G = globalThis`), or
        // another global's object bound to a name (`const S = String`): what is reached through the
        // alias (a computed member that may be `prototype`, defineProperty, Reflect.set) is not
        // read, as the direct forms are (issue #53).
        if (ident(t, i) && !in_type(t, i, open)) {
            if (const std::string why = global_taken(t, i); !why.empty()) out.emplace_back(t[i].begin, why);
        }
        // Object.assign(target, ...), Reflect.set(target, ...): the target judged as written whole.
        // Also `Object['assign'](...)`, and `assign(...)` after `const { assign } = Object`.
        std::size_t call = n;
        if ((is(t, i, "Object") || is(t, i, "Reflect")) && is(t, i + 1, ".") && i + 3 < n && k_writers.contains(t[i + 2].text)) call = i + 3;
        else if ((is(t, i, "Object") || is(t, i, "Reflect")) && is(t, i + 1, "[") && i + 4 < n && t[i + 2].kind == TokenKind::String &&
                 k_writers.contains(t[i + 2].string.value) && is(t, i + 3, "]")) call = i + 4;
        else if (writer_aliases.contains(t[i].text)) call = i + 1;
        if (call < n && is(t, call, "(") && close[call] < n && call + 1 < close[call]) {
            judge(chain_at(t, call + 1, close), call + 1, true);  // at the target, where import_writes() may name it too
        }
        const Chain c = chain_at(t, i, close);
        if (c.members == 0 || in_type(t, i, open)) continue;
        // In a pattern, a chain after `=` is a default value read (`{ model = Briefing.Default } =
        // req`, daily-api), not a target.
        const bool written = writes_at(t, c.end) || (i > 0 && (is(t, i - 1, "delete") || is(t, i - 1, "++") || is(t, i - 1, "--"))) ||
                             (destructured(t, c.end, open, close) && !(i > 0 && is(t, i - 1, "=")));
        if (written) judge(c, i, false);
    }
    module_escapes(t, close, out);
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    out.erase(std::unique(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first == y.first; }), out.end());
    return out;
}

}  // namespace pgfence::analyze::orm
