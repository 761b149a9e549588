#include "analyze/orm/export_writes.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

#include "analyze/orm/borrowed_up.hpp"
#include "analyze/orm/emitter.hpp"
#include "analyze/orm/project_tool.hpp"
#include "analyze/orm/rebinding.hpp"

namespace pgfence::analyze::orm {
namespace {

bool is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}

// Names that hold the module's exports, the module, or the object the exports are set to:
// `const e = exports`, `m = module.exports`, `const mod = module`, `module.exports = obj`, and
// chains of them (`const f = e`). A write through one is a write to the exports.
struct Aliases {
    std::set<std::string, std::less<>> names;
    std::map<std::string, std::size_t, std::less<>> value_of;  // a name's first `name = value`: the value's index
};

// Tokens at i name the module's exports (`exports`, `module.exports`, `module`, an alias, not
// `x.exports`): the index after them, or 0.
std::size_t exports_at(const std::vector<Token>& t, std::size_t i, const Aliases& a) {
    if (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?."))) return 0;
    if (is(t, i, "exports")) return i + 1;
    const bool module = is(t, i, "module") || (i < t.size() && t[i].kind == TokenKind::Ident && a.names.contains(t[i].text));
    if (module) return is(t, i + 1, ".") && is(t, i + 2, "exports") ? i + 3 : i + 1;
    return 0;
}

// Does the reference end at i (not `ref.x`, `ref[x]`, `ref(x)`)?
bool ends_here(const std::vector<Token>& t, std::size_t i) {
    return !(is(t, i, ".") || is(t, i, "?.") || is(t, i, "[") || is(t, i, "(") || is(t, i, "`"));
}

bool plain_name(const std::vector<Token>& t, std::size_t i) {
    static const std::set<std::string_view> k_words = {"exports", "module", "this", "new", "typeof", "await", "void", "return"};
    return i < t.size() && t[i].kind == TokenKind::Ident && !k_words.contains(t[i].text) && !(i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?.")));
}

// The aliases of `t`, in passes until none is added (each pass linear; a chain longer than eight
// links is not followed past, which leaves its writes unknown only if they are already flagged).
Aliases aliases_of(const std::vector<Token>& t) {
    Aliases a;
    for (int pass = 0; pass < 8; ++pass) {
        const std::size_t before = a.names.size();
        for (std::size_t i = 0; i + 2 < t.size(); ++i) {
            // name = <exports>
            if (plain_name(t, i) && is(t, i + 1, "=") && !is(t, i + 2, "=")) {
                a.value_of.emplace(t[i].text, i + 2);
                const std::size_t after = exports_at(t, i + 2, a);
                if (after != 0 && ends_here(t, after)) a.names.insert(t[i].text);
            }
            // <exports> = name: the object becomes the exports.
            const std::size_t after = exports_at(t, i, a);
            if (after != 0 && is(t, after, "=") && plain_name(t, after + 1) && ends_here(t, after + 2)) a.names.insert(t[after + 1].text);
        }
        if (a.names.size() == before) break;
    }
    return a;
}

// Whether the value at v, set as the whole exports, is one the walker reads as the module: an
// object literal, a class or function, a name bound to one, `Object.freeze({...})`, or more of the
// chain (`exports = module.exports = {...}`).
bool read_as_module(const std::vector<Token>& t, std::size_t v, const Aliases& a, int depth = 0) {
    if (v >= t.size()) return true;
    if (is(t, v, "{") || is(t, v, "class") || is(t, v, "function") || is(t, v, "async")) return true;
    if (is(t, v, "Object") && is(t, v + 1, ".") && is(t, v + 2, "freeze") && is(t, v + 3, "(") && is(t, v + 4, "{")) return true;
    const std::size_t after = exports_at(t, v, a);
    if (after != 0 && (is(t, after, "=") || ends_here(t, after))) return true;
    if (plain_name(t, v) && ends_here(t, v + 1)) {
        auto value = a.value_of.find(t[v].text);
        if (value == a.value_of.end()) return true;  // a class or function declaration, or a parameter
        return depth < 8 && read_as_module(t, value->second, a, depth + 1);
    }
    return false;
}

// The value at v is `void 0` or `undefined`, through a chain of `exports.x = ` (TypeScript's
// `exports.down = exports.up = void 0;` before the functions): a placeholder the real one replaces.
bool placeholder(const std::vector<Token>& t, std::size_t v, const Aliases& a) {
    for (int hops = 0; hops < 8; ++hops) {
        const std::size_t after = exports_at(t, v, a);
        if (after == 0 || !is(t, after, ".") || !is(t, after + 2, "=")) break;
        v = after + 3;
    }
    return (is(t, v, "void") && v + 1 < t.size() && t[v + 1].text == "0") || is(t, v, "undefined");
}

// A function literal at v: `function`, `async`, `(...) =>`, `x =>`.
bool function_literal(const std::vector<Token>& t, std::size_t v, const std::vector<std::size_t>& close) {
    if (is(t, v, "function") || is(t, v, "async")) return true;
    if (is(t, v, "(") && close[v] < t.size()) return is(t, close[v] + 1, "=>") || is(t, close[v] + 1, ":");
    return v < t.size() && t[v].kind == TokenKind::Ident && is(t, v + 1, "=>");
}

// The value at v is a module the walker reads whole: a function or class, or an object whose up
// and down are functions written in it (no spread, computed key, accessor or name among its keys).
bool literal_migration(const std::vector<Token>& t, std::size_t v, const std::vector<std::size_t>& close) {
    if (is(t, v, "function") || is(t, v, "class") || function_literal(t, v, close)) return true;
    if (!is(t, v, "{") || close[v] >= t.size()) return false;
    for (std::size_t k = v + 1; k < close[v]; ++k) {
        const bool head = is(t, k - 1, "{") || is(t, k - 1, ",");
        if (head && (is(t, k, "...") || is(t, k, "[") || is(t, k, "get") || is(t, k, "set"))) return false;
        const bool key = head && (is(t, k, "up") || is(t, k, "down") ||
                                  (t[k].kind == TokenKind::String && (t[k].string.value == "up" || t[k].string.value == "down")));
        if (key && !(is(t, k + 1, "(") || (is(t, k + 1, ":") && function_literal(t, k + 2, close)))) return false;
        if ((is(t, k, "(") || is(t, k, "[") || is(t, k, "{")) && close[k] < t.size()) k = close[k];
    }
    return true;
}

// The exports (or the module) at i, ending at `after`, used other than as a member's object, a
// whole assignment's target, `typeof`'s operand or an alias aliases_of() follows: handed
// to a call (`f(exports)`, `.call(module.exports)`), put in an array or object, returned. Whatever
// receives them may set their up() (red team R75 F2). Why, else "".
std::string handed_on(const std::vector<Token>& t, std::size_t i, std::size_t after, const Aliases& a) {
    if (is(t, after, ".") || is(t, after, "?.") || is(t, after, "[") || is(t, after, "=")) {
        static const std::set<std::string_view> k_reaching = {"parent", "children", "constructor", "__proto__"};
        const bool bare_module = after == i + 1 && !is(t, i, "exports");
        if (bare_module && is(t, after, ".") && after + 1 < t.size() && k_reaching.contains(t[after + 1].text)) {
            return "`module." + t[after + 1].text + "` reaches the module objects, this one's exports among them: what is written "
                   "through it (the up() the tool calls) is not followed";
        }
        if (bare_module && is(t, after, "[")) return "a computed member of `module`: it may be its exports, whose up() the tool calls";
        return {};
    }
    if (i > 0 && (is(t, i - 1, "typeof") || is(t, i - 1, "!"))) return {};
    if (i >= 4 && is(t, i - 1, "(") && is(t, i - 3, ".") && (is(t, i - 4, "Object") || is(t, i - 4, "Reflect"))) {
        return {};  // Object.defineProperty(exports, ...): hidden_export_writes() judges the call
    }
    if (is(t, after, ":") && i > 0 && (is(t, i - 1, "{") || is(t, i - 1, ","))) return {};  // a key: `{ module: "commonjs" }`
    if (after < t.size() && t[after].kind == TokenKind::String) return {};                 // TypeScript's `declare module "x"`
    if (i >= 2 && is(t, i - 1, "=") && t[i - 2].kind == TokenKind::Ident && (a.names.contains(t[i - 2].text) || is(t, i - 2, "exports"))) {
        return {};  // an alias, or a chain of whole assignments (`exports = module.exports = {...}`)
    }
    if (is(t, after, "===") || is(t, after, "!==") || is(t, after, "==") || is(t, after, "!=") ||
        (i > 0 && (is(t, i - 1, "===") || is(t, i - 1, "!==") || is(t, i - 1, "==") || is(t, i - 1, "!=")))) {
        return {};  // compared
    }
    return "the module's exports are handed on here (to a call, into a value): what receives them may set the up() the tool "
           "calls, which pgfence does not read";
}

// Writes to what a migration imports (`const h = require('../lib/helper')`, `import h from`,
// `import * as h`, `import { h }`): `h.run = x`, `h['run'] = x`, `Object.assign(h, ...)`. The
// walker follows `h.run(knex)` into the helper's file and reads its `run`; the migration's own
// write replaces it when the module loads, so the tool runs what that holds (red team R76 K4).
std::vector<std::pair<std::size_t, std::string>> import_writes(const std::vector<Token>& t) {
    std::set<std::string, std::less<>> imported;
    for (std::size_t k = 0; k + 3 < t.size(); ++k) {
        const bool declared = k > 0 && (is(t, k - 1, "const") || is(t, k - 1, "let") || is(t, k - 1, "var"));
        if (declared && t[k].kind == TokenKind::Ident && is(t, k + 1, "=") && is(t, k + 2, "require") && is(t, k + 3, "(")) {
            imported.insert(t[k].text);
        }
        if (declared && is(t, k, "{")) {  // const { a, b: c } = require(...)
            std::size_t j = k + 1;
            std::vector<std::string> names;
            for (; j < t.size() && j < k + 256 && !is(t, j, "}"); ++j) {
                if (t[j].kind == TokenKind::Ident && !is(t, j + 1, ":")) names.push_back(t[j].text);
            }
            if (is(t, j + 1, "=") && is(t, j + 2, "require")) imported.insert(names.begin(), names.end());
        }
        if (is(t, k, "import") && !(k > 0 && is(t, k - 1, ".")) && !is(t, k + 1, "(") && !is(t, k + 1, ".")) {
            for (std::size_t j = k + 1; j < t.size() && j < k + 4096 && !is(t, j, "from") && !is(t, j, ";") && t[j].kind != TokenKind::String; ++j) {
                if (t[j].kind == TokenKind::Ident && !is(t, j, "as") && !is(t, j, "type") && !is(t, j + 1, "as")) imported.insert(t[j].text);
            }
        }
    }
    std::vector<std::pair<std::size_t, std::string>> out;
    if (imported.empty()) return out;
    const std::vector<std::size_t> close = closing_brackets(t);
    for (std::size_t i = 0; i + 2 < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident || !imported.contains(t[i].text) || (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?.")))) continue;
        // A type, not a value: `const a: Assistant[] = ...`, `let r: ns.Row | null = ...`.
        if (i > 0 && (is(t, i - 1, ":") || is(t, i - 1, "<") || is(t, i - 1, "|") || is(t, i - 1, "&") || is(t, i - 1, "as"))) continue;
        bool write = false;
        if (is(t, i + 1, ".") && t[i + 2].kind == TokenKind::Ident) write = writes_at(t, i + 3) || (i > 0 && (is(t, i - 1, "++") || is(t, i - 1, "--")));
        if (is(t, i + 1, "[") && close[i + 1] < t.size() && close[i + 1] > i + 2) write = writes_at(t, close[i + 1] + 1);
        if (i >= 4 && is(t, i - 1, "(") && is(t, i - 3, ".") && (is(t, i - 4, "Object") || is(t, i - 4, "Reflect"))) {
            static const std::set<std::string_view> k_writers = {"assign", "defineProperty", "defineProperties", "set", "setPrototypeOf"};
            write = write || k_writers.contains(t[i - 2].text);
        }
        if (write) {
            out.emplace_back(t[i].begin, "`" + t[i].text + "`, which this script imports, is written here: the helper's function "
                                         "pgfence follows is then not the one called, and what replaces it is not read");
        }
    }
    return out;
}
}  // namespace

std::vector<std::pair<std::size_t, std::string>> hidden_export_writes(const std::vector<Token>& t,
                                                                     const std::set<std::string, std::less<>>& names) {
    std::vector<std::pair<std::size_t, std::string>> out;
    const bool migration = names.contains("up");
    const Aliases a = aliases_of(t);
    const std::vector<std::size_t> close = closing_brackets(t);
    const std::vector<char> load = runs_at_load(t);
    std::map<std::string, int, std::less<>> set_at_top;  // `exports.up = ...` at the top level, per name
    std::vector<std::size_t> open;  // the brackets open at i, innermost last
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (is(t, i, "(") || is(t, i, "[") || is(t, i, "{")) open.push_back(i);
        if ((is(t, i, ")") || is(t, i, "]") || is(t, i, "}")) && !open.empty()) open.pop_back();
        std::size_t after = exports_at(t, i, a);
        // `({ up: exports.up } = require(...))`, `[exports.up] = ...`, `for (exports.up of ...)`:
        // the export is a target the walker does not read as a definition (red team R73 F2).
        if (after != 0 && is(t, after, ".") && after + 1 < t.size() && names.contains(t[after + 1].text) &&
            destructured(t, after + 2, open, close)) {
            out.emplace_back(t[i].begin, "`exports." + t[after + 1].text + "` is set by a destructuring assignment or a loop: "
                                         "the tool runs what it holds, which pgfence does not read");
            continue;
        }
        if (after != 0 && is(t, after, "[")) {
            bool literal = after + 2 < t.size() && t[after + 1].kind == TokenKind::String && is(t, after + 2, "]");
            if (!literal) out.emplace_back(t[i].begin, "a property of the module's exports is set under a computed key: it may be the up() the tool runs, which pgfence does not read");
            if (!literal || !names.contains(t[after + 1].string.value)) continue;
        }
        // `exports.up = ...` (or `['up']`) counts as the definition only once, at the top level:
        // inside a function or block it runs at a time pgfence does not follow (a timer, a helper),
        // and a second one replaces the first (red team R75 F2).
        const std::string name = after == 0 || after + 1 >= t.size()                    ? std::string()
                                 : is(t, after, ".") || is(t, after, "?.")              ? t[after + 1].text
                                 : t[after + 1].kind == TokenKind::String && is(t, after, "[") ? t[after + 1].string.value
                                                                                        : std::string();
        if (names.contains(name)) {
            std::size_t value = is(t, after, "[") ? after + 3 : after + 2;
            while (value < t.size() && value < after + 6 && (is(t, value, "??") || is(t, value, "||") || is(t, value, "&&"))) ++value;
            if (is(t, value, "=") && !is(t, value + 1, "=")) {
                // In a block as the module loads (`if (env) exports.up = function ...`), a function
                // written there is read as the others are; in a function, it is set when that runs.
                if (!open.empty() && (!load[i] || !function_literal(t, value + 1, close))) {
                    out.emplace_back(t[i].begin, "the module's `" + name + "` is set inside a function or block, when it runs, to a value "
                                                 "pgfence does not read as a function: the tool calls what it holds then");
                } else if (open.empty() && !placeholder(t, value + 1, a) && ++set_at_top[name] == 2) {
                    out.emplace_back(t[i].begin, "the module's `" + name + "` is set a second time: the tool calls the last one it holds");
                }
            }
            continue;
        }
        // The whole exports set (`module.exports = X`, `exports = X`) to a value the walker does
        // not read as the module: a call, an import, a Proxy (Node's loader returns whatever
        // module.exports holds, and the tool calls its up).
        const bool whole = is(t, i, "exports") || (after == i + 3);
        if (migration && after != 0 && whole && is(t, after, "=") && !is(t, after + 1, "=") && !read_as_module(t, after + 1, a)) {
            out.emplace_back(t[i].begin, "the module's exports are set to a value pgfence does not read as a migration (a call, an import, "
                                         "a Proxy): its up() may be the one the tool runs");
            continue;
        }
        if (migration && after != 0 && whole && is(t, after, "=") && !is(t, after + 1, "=") && !open.empty() &&
            (!load[i] || !literal_migration(t, after + 1, close))) {
            out.emplace_back(t[i].begin, "the module's exports are set inside a function or block, when it runs: the up() the tool calls "
                                         "is then what they hold, which pgfence does not read");
            continue;
        }
        if (after != 0) {
            if (std::string why = handed_on(t, i, after, a); !why.empty()) out.emplace_back(t[i].begin, std::move(why));
        }
        // `x.exports = ...`, `x.exports.up = ...` through another path to this module
        // (`arguments[2]`, `require.cache[__filename]`), and the module cache itself.
        if (is(t, i, "exports") && i > 0 && is(t, i - 1, ".") && !(i > 1 && is(t, i - 2, "module")) &&
            ((is(t, i + 1, "=") && !is(t, i + 2, "=")) || is(t, i + 1, ".") || is(t, i + 1, "["))) {
            out.emplace_back(t[i].begin, "a module's exports are written through a path pgfence does not follow: it may be this "
                                         "module's, whose up() the tool calls");
        }
        if (is(t, i, "require") && (is(t, i + 1, ".") || is(t, i + 1, "?.")) && is(t, i + 2, "cache")) {
            out.emplace_back(t[i].begin, "Node's module cache, through which this module's exports (its up()) may be replaced, which "
                                         "pgfence does not follow");
        }
        // Object.defineProperty(exports, ...), Reflect.set(module.exports, ...), ...
        // ... or on `this` (a function called with the exports as `this`), or such a writer taken
        // as a value (`Object.assign.call(null, module.exports, ...)`, `const set = Reflect.set`).
        if ((is(t, i, "Object") || is(t, i, "Reflect")) && is(t, i + 1, ".") && i + 2 < t.size() && !(i > 0 && is(t, i - 1, "."))) {
            std::string_view m = t[i + 2].text;
            bool writes = m == "defineProperty" || m == "defineProperties" || m == "assign" || m == "set" || m == "setPrototypeOf";
            if (writes && is(t, i + 3, "(") && (exports_at(t, i + 4, a) != 0 || is(t, i + 4, "this"))) {
                out.emplace_back(t[i].begin, t[i].text + "." + std::string(m) + "() on the module's exports may define the up() the tool runs, which pgfence does not read");
            } else if (writes && !is(t, i + 3, "(")) {
                out.emplace_back(t[i].begin, t[i].text + "." + std::string(m) + " taken as a value: what it is called on (the module's exports, "
                                             "their up()) is not followed");
            }
        }
    }
    if (migration) {
        for (auto& borrowed : borrowed_up(t, a.names)) out.push_back(std::move(borrowed));
    }
    for (auto& rebound : rebound_migration(t, names)) out.push_back(std::move(rebound));
    for (auto& written : import_writes(t)) out.push_back(std::move(written));
    // One per place: the first reason given there.
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    out.erase(std::unique(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first == y.first; }), out.end());
    return out;
}

std::vector<std::pair<std::size_t, std::size_t>> with_statements(const std::vector<Token>& t) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != TokenKind::Ident || t[i].text != "with" || !is(t, i + 1, "(")) continue;
        if (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?.") || is(t, i - 1, "function"))) continue;  // x.with(...), function with()
        std::size_t j = i + 1, depth = 0;  // to the `)` closing its head
        for (; j < t.size(); ++j) {
            if (is(t, j, "(")) ++depth;
            if (is(t, j, ")") && --depth == 0) break;
        }
        out.emplace_back(t[i].begin, j < t.size() ? t[j].end : t[i].end);
    }
    return out;
}

std::vector<std::size_t> runner_defaults(const std::vector<Token>& t, const std::set<std::string>& runners) {
    std::vector<std::size_t> out;
    std::vector<std::size_t> opens;  // the '(' of each parenthesis open
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (is(t, i, "(")) opens.push_back(i);
        if (is(t, i, ")") && !opens.empty()) opens.pop_back();
        // `= runner` inside parentheses directly after `function name?(` or before `) =>`: a
        // parameter's default. Checked cheaply: the `(` is a function's or is followed by `) =>`.
        if (!is(t, i, "=") || opens.empty() || i + 1 >= t.size() || t[i + 1].kind != TokenKind::Ident ||
            runners.count(t[i + 1].text) == 0)
            continue;
        std::size_t open = opens.back();
        bool function_params = (open > 0 && is(t, open - 1, "function")) ||
                               (open > 1 && t[open - 1].kind == TokenKind::Ident && is(t, open - 2, "function"));
        bool arrow = false;
        for (std::size_t j = i + 1, d = 1; j < t.size() && j < i + 4096; ++j) {  // bounded: linear overall
            if (is(t, j, "(")) ++d;
            if (is(t, j, ")") && --d == 0) {
                arrow = is(t, j + 1, "=>") || is(t, j + 1, "{");
                break;
            }
        }
        if (function_params || arrow) out.push_back(t[i + 1].begin);
    }
    return out;
}

namespace {

// One level of nodes_at: for the offsets `which` (indices into `offsets`, ascending by offset),
// the last node of `level` holding each, then into that node's kids. Each node of a level is
// weighed once per run of offsets its parent holds (a binary search), never once per offset.
void locate(const std::vector<Node>& level, const std::vector<std::size_t>& offsets, const std::vector<std::size_t>& which,
            std::vector<const Node*>& best, int depth) {
    if (depth >= 512 || which.empty()) return;
    std::vector<const Node*> inside(which.size(), nullptr);
    for (const Node& n : level) {
        auto from = std::partition_point(which.begin(), which.end(), [&](std::size_t k) { return offsets[k] < n.begin; });
        for (auto it = from; it != which.end() && offsets[*it] < n.end; ++it) inside[static_cast<std::size_t>(it - which.begin())] = &n;
    }
    for (std::size_t i = 0; i < which.size();) {
        const Node* node = inside[i];
        std::size_t j = i;
        std::vector<std::size_t> run;
        for (; j < which.size() && inside[j] == node; ++j) run.push_back(which[j]);
        if (node != nullptr) {
            for (std::size_t k : run) {
                if (best[k] == nullptr || node->kind == NodeKind::Call || (node->kind == NodeKind::Binary && node->name == "=")) best[k] = node;
            }
            locate(node->kids, offsets, run, best, depth + 1);
        }
        i = j;
    }
}

}  // namespace

std::vector<const Node*> nodes_at(const std::vector<Node>& nodes, const std::vector<std::size_t>& offsets) {
    std::vector<std::size_t> which(offsets.size());
    for (std::size_t k = 0; k < which.size(); ++k) which[k] = k;
    std::stable_sort(which.begin(), which.end(), [&](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
    std::vector<const Node*> best(offsets.size(), nullptr);
    locate(nodes, offsets, which, best, 0);
    return best;
}

void mark_unknown_at(const JsFile& file, const std::vector<std::pair<std::size_t, std::string>>& found, std::string_view call, Emitter& emitter) {
    std::vector<std::size_t> offsets;
    offsets.reserve(found.size());
    for (const auto& one : found) offsets.push_back(one.first);
    const std::vector<const Node*> nodes = nodes_at(file.statements, offsets);
    for (std::size_t k = 0; k < found.size(); ++k) {
        Node word;  // none holds it (the `export` of a declaration): its own token
        if (nodes[k] == nullptr) {
            auto token = std::lower_bound(file.tokens.begin(), file.tokens.end(), offsets[k],
                                          [](const Token& t, std::size_t at) { return t.begin < at; });
            word.begin = offsets[k];
            word.end = token != file.tokens.end() && token->begin == offsets[k] ? token->end : offsets[k] + 1;
        }
        const Node& n = nodes[k] != nullptr ? *nodes[k] : word;
        emitter.unknown(n, emitter.add_call(n, std::string(call), false), found[k].second);
    }
}

void mark_hidden_uses(const JsFile& file, std::string_view text, Emitter& emitter) {
    mark_hidden_uses(file, text, emitter, hidden_export_writes(file.tokens));
}

void mark_hidden_uses(const JsFile& file, std::string_view text, Emitter& emitter,
                      const std::vector<std::pair<std::size_t, std::string>>& hidden) {
    // Writes to the exports the walker does not read as definitions: unknown at their line.
    mark_unknown_at(file, hidden, "exports", emitter);
    for (std::size_t at : runner_defaults(file.tokens, up_receivers(file.tokens))) {
        Node use;
        use.begin = at;
        use.end = at;
        while (use.end < text.size() && (std::isalnum(static_cast<unsigned char>(text[use.end])) || text[use.end] == '_' ||
                                         text[use.end] == '$' || text[use.end] == '.')) {
            ++use.end;
        }
        emitter.unknown(use, emitter.add_call(use, "default", false),
                        "the migration's runner is a parameter's default value here: the function gets it without being "
                        "handed it, which pgfence does not follow");
    }
    for (const auto& [begin, end] : with_statements(file.tokens)) {
        Node head;
        head.begin = begin;
        head.end = end;
        {
            const Node* n = &head;
            emitter.unknown(*n, emitter.add_call(*n, "with", false),
                            "a `with` statement: the names in its block may be members of its object (the migration's runner or "
                            "a handle from it), which pgfence does not read as such");
        }
    }
}

}  // namespace pgfence::analyze::orm
