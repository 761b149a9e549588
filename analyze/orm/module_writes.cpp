#include "analyze/orm/module_writes.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "analyze/orm/imports.hpp"
#include "analyze/orm/rebinding.hpp"

namespace pgfence::analyze::orm {
namespace {

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

// What a member chain starts from, and what it passes through.
struct Chain {
    enum class Base { Name, Module, Group, Other } base = Base::Other;
    std::string name;       // Base::Name: the name
    std::size_t end = 0;    // the token after the chain
    int members = 0;        // members after the last call
    bool called = false;    // a call along the chain (before its last members)
    bool proto = false;     // `.prototype` or `__proto__` along it
};

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

// The names that hold what the script imports or a value computed from one: `const h =
// require(x)`, `import h from`, `const { Client } = require("knex")`, `const p = Client.prototype`,
// `g = h`, in passes until none is added (eight at most).
std::set<std::string, std::less<>> module_names(const std::vector<Token>& t, const std::vector<std::size_t>& close) {
    std::set<std::string, std::less<>> out;
    const std::size_t n = t.size();
    for (std::size_t k = 0; k + 1 < n; ++k) {  // import declarations (TypeScript's `import h = require()` too)
        if (!is(t, k, "import") || member(t, k) || is(t, k + 1, "(") || is(t, k + 1, ".")) continue;
        for (std::size_t j = k + 1; j < n && j < k + 4096 && !is(t, j, "from") && !is(t, j, ";") && !is(t, j, "import") &&
                                    t[j].kind != TokenKind::String;
             ++j) {
            if (ident(t, j) && !is(t, j, "as") && !is(t, j, "type") && !is(t, j + 1, "as")) out.insert(t[j].text);
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
        if ((is(t, p, "}") || is(t, p, "]")) && opener[p] < n) p = opener[p];
        else if (!ident(t, p) || member(t, p)) continue;
        bindings.push_back(Binding{p, k + 1, ends[k + 1]});
    }
    // Each pass marks the tokens that make a value a module's (below), counted in prefix sums, so
    // a value nested in another costs nothing more: linear per pass.
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
            } else if (ident(t, j) && !(is(t, j + 1, ":") && j > 0 && (is(t, j - 1, "{") || is(t, j - 1, ",")))) {  // not a key
                const bool root = ((is(t, j, "require") || is(t, j, "import")) && is(t, j + 1, "(")) || out.contains(t[j].text);
                mark = is(t, j, "globalThis") || is(t, j, "global") || (root && !chain_at(t, j, close).called);
            }
            marks[j + 1] = marks[j] + (mark ? 1 : 0);
        }
        for (Binding& b : bindings) {
            if (b.done || marks[std::min(b.end, n)] == marks[b.value]) continue;
            b.done = true;
            // Each token of the patterns once, however they nest (`[[a] = x] = y`): a visited one
            // points past itself.
            const std::size_t last = ident(t, b.pattern) ? b.pattern : std::min(close[b.pattern], n - 1);
            for (std::size_t j = unvisited(b.pattern); j <= last && j < n; j = unvisited(j + 1)) {
                if (ident(t, j) && !is(t, j + 1, ":")) out.insert(t[j].text);
                skip[j] = j + 1;
            }
        }
        if (out.size() == before) break;
    }
    return out;
}

// A `:` at c that gives a TypeScript type (`const c: Knex.Config = ...`, `(k: Knex.Client = x)`),
// not an object literal's value; `below`: the bracket holding it, or npos.
bool annotation(const std::vector<Token>& t, std::size_t c, std::size_t below) {
    static const std::set<std::string_view> k_heads = {"const", "let", "var", "private", "public", "protected", "readonly", "static",
                                                       "declare", "abstract", "override"};
    if (!is(t, c, ":") || c < 2) return false;
    std::size_t name = is(t, c - 1, "?") || is(t, c - 1, "!") ? c - 2 : c - 1;
    if (!ident(t, name) || name == 0) return false;
    const std::size_t head = name - 1;
    if (ident(t, head) && k_heads.contains(t[head].text)) return true;
    return (is(t, head, "(") || is(t, head, ",")) && below < t.size() && is(t, below, "(");
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
    return false;
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

}  // namespace

std::vector<std::pair<std::size_t, std::string>> module_writes(const std::vector<Token>& t) {
    std::vector<std::pair<std::size_t, std::string>> out;
    const std::size_t n = t.size();
    const std::vector<std::size_t> close = closing_brackets(t);
    const std::set<std::string, std::less<>> modules = module_names(t, close);
    auto judge = [&](const Chain& c, std::size_t at, bool whole) {
        // `whole`: the value itself is written (Object.assign's target), not only a member of it.
        if (c.members == 0 && !whole) return;
        const bool own = c.base == Chain::Base::Name && (c.name == "exports" || c.name == "module" || c.name == "this" || c.name == "super");
        if (own && !c.proto && !c.called) return;  // hidden_export_writes, rebinding.hpp and borrowed_up.hpp judge these
        const bool imported = c.base == Chain::Base::Module || (c.base == Chain::Base::Name && modules.contains(c.name));
        const bool global = c.base == Chain::Base::Name && global_name(c.name) && !c.called;
        const bool computed = c.called || c.base == Chain::Base::Group;
        if (!(c.proto || imported || global || computed)) return;
        out.emplace_back(t[at].begin, why_for(c, imported, global));
    };
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < n; ++i) {
        if (is(t, i, ")") || is(t, i, "]") || is(t, i, "}")) {
            if (!open.empty()) open.pop_back();
            continue;
        }
        const bool group = is(t, i, "(") && !(i > 0 && (ident(t, i - 1) || is(t, i - 1, ")") || is(t, i - 1, "]") || is(t, i - 1, "?.")));
        if (is(t, i, "(") || is(t, i, "[") || is(t, i, "{")) open.push_back(i);
        if (!(group || (ident(t, i) && !member(t, i)))) continue;
        if (i > 0 && (is(t, i - 1, ".") || is(t, i - 1, "?."))) continue;
        // Object.assign(target, ...), Reflect.set(target, ...): the target judged as written whole.
        if ((is(t, i, "Object") || is(t, i, "Reflect")) && is(t, i + 1, ".") && is(t, i + 3, "(") && i + 2 < n) {
            static const std::set<std::string_view> k_writers = {"assign", "defineProperty", "defineProperties", "setPrototypeOf", "set",
                                                                 "deleteProperty"};
            if (k_writers.contains(t[i + 2].text) && close[i + 3] < n && i + 4 < close[i + 3]) {
                judge(chain_at(t, i + 4, close), i + 4, true);  // at the target, where import_writes() may name it too
            }
        }
        const Chain c = chain_at(t, i, close);
        if (c.members == 0 || in_type(t, i, open)) continue;
        const bool written = writes_at(t, c.end) || (i > 0 && (is(t, i - 1, "delete") || is(t, i - 1, "++") || is(t, i - 1, "--"))) ||
                             destructured(t, c.end, open, close);
        if (written) judge(c, i, false);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    out.erase(std::unique(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.first == y.first; }), out.end());
    return out;
}

namespace {

// How far loaded modules are followed: a depth, and files and bytes in all (each read once).
constexpr int k_max_load_depth = 8;
constexpr std::size_t k_max_loaded_files = 128;
constexpr std::size_t k_max_loaded_bytes = 16u << 20;

struct Load {
    std::size_t at = 0;  // the token index of `require` / `import` / `export`
    std::string spec;
    bool bare = false;  // loaded for its side effects only
};

// The modules the tokens load by a constant name: `require('x')`, `import 'x'`, `import ... from
// 'x'`, `export ... from 'x'`, `import('x')`.
std::vector<Load> loads_of(const std::vector<Token>& t) {
    std::vector<Load> out;
    const std::size_t n = t.size();
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (member(t, k)) continue;
        if ((is(t, k, "require") || is(t, k, "import")) && is(t, k + 1, "(") && k + 3 < n && t[k + 2].kind == TokenKind::String && is(t, k + 3, ")")) {
            const bool statement = k == 0 || is(t, k - 1, ";") || is(t, k - 1, "}") || is(t, k - 1, "{") || !operand_end(t, k - 1);
            const bool bare = statement && !(k > 0 && (is(t, k - 1, "=") || is(t, k - 1, "(") || is(t, k - 1, ",") || is(t, k - 1, ":") ||
                                                        is(t, k - 1, "await") || is(t, k - 1, "return")));
            out.push_back(Load{k, t[k + 2].string.value, bare && !is(t, k + 4, ".")});
        } else if (is(t, k, "import") && t[k + 1].kind == TokenKind::String) {
            out.push_back(Load{k, t[k + 1].string.value, true});
        } else if ((is(t, k, "import") || is(t, k, "export")) && !is(t, k + 1, "(") && !is(t, k + 1, ".")) {
            for (std::size_t j = k + 1; j + 1 < n && j < k + 4096 && !is(t, j, ";"); ++j) {
                if (is(t, j, "from") && t[j + 1].kind == TokenKind::String) {
                    out.push_back(Load{k, t[j + 1].string.value, false});
                    break;
                }
                if (t[j].kind == TokenKind::String || is(t, j, "import") || is(t, j, "export")) break;
            }
        }
    }
    return out;
}

bool relative(std::string_view spec) { return spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".."; }

int line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

class Loader {
public:
    explicit Loader(std::vector<std::string>& read) : m_read(read) {}

    // Why the module at `file` (or one it loads) is not known not to write another module's
    // value, "" when it is known not to.
    std::string check(const std::string& file, int depth) {
        if (auto known = m_done.find(file); known != m_done.end()) return known->second;
        m_done[file] = "";  // while it is read: a cycle adds nothing
        const std::string name = std::filesystem::path(file).filename().string();
        if (name.ends_with(".json")) return "";
        if (depth >= k_max_load_depth || m_files >= k_max_loaded_files || m_bytes >= k_max_loaded_bytes) {
            return m_done[file] = "it is past pgfence's limit on following the modules a migration loads";
        }
        auto text = read_limited(file, k_max_loaded_bytes - m_bytes);
        if (!text) return m_done[file] = "it could not be read, or is past pgfence's limit on following the modules a migration loads";
        ++m_files;
        m_bytes += text->size();
        if (std::find(m_read.begin(), m_read.end(), file) == m_read.end()) m_read.push_back(file);
        const std::vector<Token> tokens = lex_js(*text);
        if (!tokens.empty() && !tokens.back().unreadable.empty()) {
            return m_done[file] = name + " is not read to its end (" + tokens.back().unreadable + ")";
        }
        if (auto writes = module_writes(tokens); !writes.empty()) {
            return m_done[file] = "at line " + std::to_string(line_at(*text, writes.front().first)) + " of " + name + ": " + writes.front().second;
        }
        for (const Load& l : loads_of(tokens)) {
            if (!relative(l.spec)) continue;
            std::string ambiguous;
            auto next = resolve_import(file, l.spec, &ambiguous);
            std::string why;
            if (!next) {
                if (!l.bare && ambiguous.empty()) continue;  // a helper not found: its calls are the walker's
                why = name + " loads '" + l.spec + "', which pgfence cannot follow" + (ambiguous.empty() ? std::string(" (no file of the repository)") : ambiguous);
            } else {
                why = check(*next, depth + 1);
            }
            if (!why.empty()) return m_done[file] = why;
        }
        return "";
    }

private:
    std::vector<std::string>& m_read;
    std::map<std::string, std::string> m_done;
    std::size_t m_files = 0;
    std::size_t m_bytes = 0;
};

}  // namespace

std::vector<std::pair<std::size_t, std::string>> loaded_module_writes(std::string_view path, const std::vector<Token>& tokens,
                                                                      std::vector<std::string>& read) {
    std::vector<std::pair<std::size_t, std::string>> out;
    Loader loader(read);
    for (const Load& l : loads_of(tokens)) {
        if (!relative(l.spec)) continue;
        std::string ambiguous;
        auto file = path.empty() ? std::nullopt : resolve_import(path, l.spec, &ambiguous);
        std::string why;
        if (!file) {
            if (!l.bare && ambiguous.empty()) continue;  // a helper not found: its calls are the walker's
            why = "pgfence cannot follow it" + (ambiguous.empty() ? std::string(" (no file of the repository)") : ambiguous) +
                  ": its code runs when the script loads, and may replace what the migration calls";
        } else if (std::string found = loader.check(*file, 1); !found.empty()) {
            why = found;
        }
        if (why.empty()) continue;
        out.emplace_back(tokens[l.at].begin, "'" + l.spec + "', which this script loads (its code runs in the same process, before the "
                                             "migration's up()): " + why);
    }
    return out;
}

bool runs_in_tool_process(std::string_view path) {
    const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    const std::string_view folder = path.substr(0, path.size() - name.size());
    auto script = [](std::string_view n) {
        for (std::string_view ext : {".js", ".ts", ".cjs", ".mjs", ".cts", ".mts"}) {
            if (n.ends_with(ext)) return true;
        }
        return false;
    };
    if (name.starts_with("knexfile.") && script(name)) return true;
    if (name == ".sequelizerc") return true;
    return (name == "config.js" || name == "config.cjs") && (folder == "config/" || folder.ends_with("/config/"));
}

std::vector<std::pair<int, std::string>> settings_module_writes(std::string_view path, std::string_view text) {
    const std::vector<Token> tokens = lex_js(text);
    auto found = module_writes(tokens);
    std::vector<std::string> read;
    for (auto& w : loaded_module_writes(path, tokens, read)) found.push_back(std::move(w));
    std::vector<std::pair<int, std::string>> out;
    for (auto& [at, why] : found) {
        out.emplace_back(line_at(text, at), "the migration tool runs this file in the process that then runs the migrations: " + std::move(why));
    }
    return out;
}

}  // namespace pgfence::analyze::orm
