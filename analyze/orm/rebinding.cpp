#include "analyze/orm/rebinding.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace pgfence::analyze::orm {
namespace {

enum class Brace { Block, Function, Arrow, Class };

// A binding's declaration at the module's top level: where, whether it writes a value (`let x;`
// does not), and the tokens its value is read from (a function's or class's body, an initializer).
struct Declaration {
    std::size_t at = 0;
    bool writes = true;
    bool function = false;  // a function or class declaration, or an initializer that is one
    std::size_t begin = 0;
    std::size_t end = 0;
    bool exported = false;
};

class Rebinding {
public:
    Rebinding(const std::vector<Token>& t, const std::set<std::string, std::less<>>& names)
        : m_t(t), m_names(names), m_close(closing_brackets(t)) {
        m_open.assign(t.size(), t.size());
        for (std::size_t k = 0; k < t.size(); ++k) {
            if (m_close[k] < t.size()) m_open[m_close[k]] = k;
        }
        m_binding.assign(t.size(), 0);
        m_target.assign(t.size(), 0);
        braces();
        scopes();
    }

    std::vector<std::pair<std::size_t, std::string>> run() {
        declarations();
        assignments();
        judge(depends());
        keys();
        wrapper();
        constructors();
        accessors();
        export_lists();
        std::sort(m_out.begin(), m_out.end());
        return std::move(m_out);
    }

    std::vector<char> at_load() const { return m_hoist_top; }

private:
    bool is(std::size_t k, std::string_view s) const {
        return k < m_t.size() && (m_t[k].kind == TokenKind::Ident || m_t[k].kind == TokenKind::Punct) && m_t[k].text == s;
    }
    bool ident(std::size_t k) const { return k < m_t.size() && m_t[k].kind == TokenKind::Ident; }
    bool member(std::size_t k) const { return k > 0 && k < m_t.size() && (is(k - 1, ".") || is(k - 1, "?.")); }
    bool adjacent(std::size_t k) const { return k > 0 && k < m_t.size() && m_t[k - 1].end == m_t[k].begin; }
    void flag(std::size_t k, std::string why) { m_out.emplace_back(m_t[k].begin, std::move(why)); }

    // An assignment operator at k (`=`, `+=`, `??=`, `>>>=`, ...; the lexer splits some): the index
    // after it, else 0.
    std::size_t assign_op(std::size_t k) const {
        if (is(k, "=") || is(k, "+=") || is(k, "-=") || is(k, "*=") || is(k, "/=") || is(k, "**=")) return k + 1;
        static const std::string_view k_firsts[] = {"%", "&", "|", "^", "??", "&&", "||", "<", ">"};
        std::size_t j = k;
        while (j < k + 3 && j < m_t.size() && std::any_of(std::begin(k_firsts), std::end(k_firsts), [&](std::string_view w) { return is(j, w); })) {
            ++j;
            if (!adjacent(j)) return 0;
        }
        if (j == k) return 0;
        if (is(j, "=") || ((is(j, "<=") || is(j, ">=")) && (is(j - 1, "<") || is(j - 1, ">")))) return j + 1;
        return 0;
    }

    // Each `{`'s kind: an arrow's body, a function's or method's, a class's, or a block or object.
    void braces() {
        const std::size_t n = m_t.size();
        m_kind.assign(n, Brace::Block);
        for (std::size_t k = 0; k < n; ++k) {
            if (!is(k, "class") || member(k)) continue;
            for (std::size_t j = k + 1; j < n && j < k + 256; ++j) {
                if (is(j, "{")) {
                    m_kind[j] = Brace::Class;
                    break;
                }
                if ((is(j, "(") || is(j, "[")) && m_close[j] < n) j = m_close[j];
                else if (is(j, ";") || is(j, "}") || is(j, ")") || is(j, "class")) break;  // another class's is its own
            }
        }
        static const std::set<std::string_view> k_statements = {"if", "for", "while", "switch", "catch", "with"};
        for (std::size_t k = 1; k < n; ++k) {
            if (!is(k, "{") || m_kind[k] == Brace::Class) continue;
            if (is(k - 1, "=>")) {
                m_kind[k] = Brace::Arrow;
                continue;
            }
            std::size_t close = params_before(k);
            if (close >= n || m_open[close] == 0) continue;
            std::size_t b = m_open[close] - 1;
            if (ident(b) && k_statements.contains(m_t[b].text)) continue;
            if (is(b, "await") && b > 0 && is(b - 1, "for")) continue;
            const bool function = is(b, "function") || is(b, "*") || ident(b) || is(b, "]") || is(b, ">") ||
                                  m_t[b].kind == TokenKind::String || m_t[b].kind == TokenKind::Number;
            if (function) {
                m_kind[k] = Brace::Function;
                m_params.emplace_back(m_open[close], close);
            }
        }
        for (std::size_t k = 1; k < n; ++k) {  // an arrow's parameters: `(a, b) =>`, `a =>`, `(a): T =>`
            if (!is(k, "=>")) continue;
            if (ident(k - 1)) m_params.emplace_back(k - 1, k - 1);
            else if (std::size_t close = params_before(k); close < n) m_params.emplace_back(m_open[close], close);
        }
    }

    // The `)` closing the parameters before k (a body's `{` or an arrow), over a return type
    // (`): Promise<void> {`): its index, else the token count.
    std::size_t params_before(std::size_t k) const {
        const std::size_t n = m_t.size();
        if (is(k - 1, ")")) return m_open[k - 1] < n ? k - 1 : n;
        for (std::size_t j = k - 1; j > 0 && j + 64 > k; --j) {
            if (is(j, ";") || is(j, "{") || is(j, "}") || is(j, "=") || is(j, "=>")) return n;
            if (is(j, ":") && is(j - 1, ")")) return m_open[j - 1] < n ? j - 1 : n;
        }
        return n;
    }

    // For each token: outside every brace; outside every function, arrow and class (where `var`
    // and a function declaration bind the module's names); outside every non-arrow function and
    // class (where `arguments` and `this` are the module's); directly in a class body.
    void scopes() {
        const std::size_t n = m_t.size();
        m_block_top.assign(n, 0);
        m_hoist_top.assign(n, 0);
        m_module_scope.assign(n, 0);
        m_in_class.assign(n, 0);
        std::vector<Brace> stack;
        int functions = 0, arrows = 0, classes = 0;
        auto count = [&](Brace b, int by) {
            if (b == Brace::Function) functions += by;
            if (b == Brace::Arrow) arrows += by;
            if (b == Brace::Class) classes += by;
        };
        for (std::size_t k = 0; k < n; ++k) {
            if (is(k, "}") && !stack.empty()) {
                count(stack.back(), -1);
                stack.pop_back();
            }
            m_block_top[k] = stack.empty();
            m_hoist_top[k] = functions + arrows + classes == 0;
            m_module_scope[k] = functions + classes == 0;
            m_in_class[k] = !stack.empty() && stack.back() == Brace::Class;
            if (is(k, "{")) {
                stack.push_back(m_kind[k]);
                count(m_kind[k], 1);
            }
        }
    }

    // Does a declaration at k (`function`, `class`, or the `async` before one) stand as a
    // statement, rather than a named function or class expression (whose name is its own)?
    bool statement_at(std::size_t k) const {
        if (k == 0) return true;
        const Token& p = m_t[k - 1];
        if (p.kind == TokenKind::Punct) return is(k - 1, ";") || is(k - 1, "{") || is(k - 1, "}") || is(k - 1, ")");
        if (p.kind != TokenKind::Ident) return true;  // after a literal: a new statement (no semicolon)
        static const std::set<std::string_view> k_expression = {"return", "typeof", "void", "new", "await", "yield", "in", "of",
                                                                "instanceof", "delete", "case", "throw", "extends", "async"};
        return !k_expression.contains(p.text);
    }

    // A function or class literal at k: `function`, `async`, `class`, `(...) =>`, `x =>`.
    bool function_at(std::size_t k) const {
        if (is(k, "function") || is(k, "async") || is(k, "class")) return true;
        if (is(k, "(") && m_close[k] < m_t.size()) return is(m_close[k] + 1, "=>") || is(m_close[k] + 1, ":");
        return ident(k) && is(k + 1, "=>");
    }

    // Is the name at k used as a function: called (`f(`, `f?.(`, `f.call(`), or given as up or
    // down (`exports.up = f`, `{ up: f }`, `export { f as up }`)?
    bool called_at(std::size_t k) const {
        if (is(k + 1, "(") || (is(k + 1, "?.") && is(k + 2, "(")) || is(k + 1, "`")) return true;
        if (is(k + 1, ".") && (is(k + 2, "call") || is(k + 2, "apply") || is(k + 2, "bind"))) return true;
        if (is(k + 1, "as")) return true;
        return k >= 2 && (is(k - 1, "=") || is(k - 1, ":")) && (is(k - 2, "up") || is(k - 2, "down"));
    }

    // Where a value starting at k ends: a `,` or `;` at its depth, or an enclosing closer.
    std::size_t value_stop(std::size_t k) const {
        for (std::size_t j = k; j < m_t.size(); ++j) {
            if ((is(j, "(") || is(j, "[") || is(j, "{")) && m_close[j] < m_t.size()) {
                j = m_close[j];
                continue;
            }
            if (is(j, ",") || is(j, ";") || is(j, ")") || is(j, "]") || is(j, "}")) return j;
        }
        return m_t.size();
    }

    void declare(std::size_t name, bool top, Declaration d) {
        m_binding[name] = 1;
        if (!top) {
            m_nested.insert(m_t[name].text);
            return;
        }
        d.at = name;
        m_top[m_t[name].text].push_back(d);
    }

    bool exported(std::size_t k) const {
        if (k > 0 && is(k - 1, "async")) --k;
        return k > 0 && (is(k - 1, "export") || (is(k - 1, "default") && k > 1 && is(k - 2, "export")));
    }

    void declarations() {
        const std::size_t n = m_t.size();
        for (std::size_t k = 0; k < n; ++k) {
            if (member(k)) continue;
            if (is(k, "function")) {
                std::size_t j = is(k + 1, "*") ? k + 2 : k + 1;
                if (!ident(j)) continue;
                const bool statement = statement_at(k > 0 && is(k - 1, "async") ? k - 1 : k);
                std::size_t body = j + 1;
                while (body < n && body < j + 256 && !is(body, "{") && !is(body, ";") && !is(body, "function")) {
                    if ((is(body, "(") || is(body, "[")) && m_close[body] < n) body = m_close[body];
                    ++body;
                }
                const std::size_t end = is(body, "{") && m_close[body] < n ? m_close[body] : j + 1;
                declare(j, statement && m_hoist_top[k], Declaration{0, true, true, k, end, exported(k)});
            } else if (is(k, "class") && ident(k + 1) && !is(k + 1, "extends") && !is(k + 1, "implements")) {
                std::size_t body = k + 2;
                while (body < n && body < k + 256 && m_kind[body] != Brace::Class && !is(body, "class")) ++body;
                const std::size_t end = body < n && is(body, "{") && m_close[body] < n ? m_close[body] : k + 2;
                declare(k + 1, statement_at(k) && m_block_top[k], Declaration{0, true, true, k, end, exported(k)});
            } else if ((is(k, "let") || is(k, "const") || is(k, "var")) && (ident(k + 1) || is(k + 1, "{") || is(k + 1, "["))) {
                declarators(k);
            } else if (is(k, "import") && m_block_top[k] && !is(k + 1, "(") && !is(k + 1, ".")) {
                for (std::size_t j = k + 1; j < n && j < k + 4096 && !is(j, "from") && !is(j, ";") && m_t[j].kind != TokenKind::String; ++j) {
                    if (!ident(j) || is(j, "type") || is(j, "typeof") || is(j, "as") || is(j + 1, "as")) continue;
                    declare(j, true, Declaration{0, true, false, j, j, false});
                }
            } else if (is(k, "catch") && is(k + 1, "(") && m_close[k + 1] < n) {
                for (std::size_t j = k + 2; j < m_close[k + 1]; ++j) {
                    if (ident(j) && !member(j)) declare(j, false, {});
                }
            }
        }
        for (const auto& [open, close] : m_params) {
            for (std::size_t j = open; j <= close && j < n; ++j) {
                if (ident(j) && !member(j)) declare(j, false, {});
            }
        }
    }

    // `let|const|var a = 1, { b, c: d } = e, f;` at k: each name bound, at the top level (a
    // `var` outside any function, a `let`/`const` outside any brace) or nested.
    void declarators(std::size_t k) {
        const std::size_t n = m_t.size();
        const bool top = is(k, "var") ? m_hoist_top[k] : m_block_top[k];
        const bool out = exported(k);
        for (std::size_t j = k + 1; j < n;) {
            std::vector<std::size_t> names;
            std::size_t after = j + 1;
            if (ident(j)) {
                names.push_back(j);
            } else if ((is(j, "{") || is(j, "[")) && m_close[j] < n) {
                for (std::size_t p = j + 1; p < m_close[j]; ++p) {
                    if (ident(p) && !member(p) && !is(p + 1, ":")) names.push_back(p);
                }
                after = m_close[j] + 1;
            } else {
                return;
            }
            if (is(after, "!")) ++after;
            if (is(after, ":")) {  // a type: to the `=`, `,` or `;` at its depth
                while (after < n && !is(after, "=") && !is(after, ",") && !is(after, ";") && !is(after, ")")) {
                    if ((is(after, "(") || is(after, "[") || is(after, "{")) && m_close[after] < n) after = m_close[after];
                    ++after;
                }
            }
            Declaration d{0, false, false, after, after, out};
            std::size_t next = after;
            if (is(after, "=") || is(after, "of") || is(after, "in")) {  // a value, or a loop's head
                d.writes = true;
                d.function = is(after, "=") && function_at(after + 1);
                d.begin = after + 1;
                d.end = next = value_stop(after + 1);
            }
            for (std::size_t name : names) declare(name, top, d);
            if (!is(next, ",")) return;
            j = next + 1;
        }
    }

    // Every other write to a name: an assignment or update, parenthesised or not, a destructuring
    // target, a loop's head. Class fields and declarations are not.
    void assignments() {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < m_t.size(); ++i) {
            if (is(i, "(") || is(i, "[") || is(i, "{")) open.push_back(i);
            if ((is(i, ")") || is(i, "]") || is(i, "}")) && !open.empty()) open.pop_back();
            if (!ident(i) || member(i) || m_binding[i] || m_in_class[i] || is(i, "this")) continue;
            if (called_at(i)) m_called.insert(m_t[i].text);
            std::size_t j = i + 1;
            while (is(j, ")")) ++j;
            bool write = assign_op(j) != 0 || is(i + 1, "++") || is(i + 1, "--") || (i > 0 && (is(i - 1, "++") || is(i - 1, "--")));
            const bool pattern = i > 0 && (is(i - 1, "{") || is(i - 1, "[") || is(i - 1, ",") || is(i - 1, ":") || is(i - 1, "...") || is(i - 1, "("));
            if (!write && pattern && destructured(m_t, i + 1, open, m_close)) write = true;
            if (write) {
                m_target[i] = 1;
                m_writes[m_t[i].text].push_back(i);
            }
        }
    }

    // The names the migration depends on: up and down, those the module's top-level code and its
    // exported declarations read, and those their declarations read, transitively. Each token is
    // read once: linear however the names refer to each other.
    std::set<std::string, std::less<>> depends() {
        const std::size_t n = m_t.size();
        std::vector<int> inside(n + 1, 0);  // within a top-level declaration's value
        std::vector<std::pair<std::size_t, std::size_t>> work;
        for (const auto& [name, list] : m_top) {
            for (const Declaration& d : list) {
                if (d.begin >= d.end || d.end > n) continue;
                ++inside[d.begin];
                --inside[d.end];
                if (d.exported) work.emplace_back(d.begin, d.end);
            }
        }
        std::set<std::string, std::less<>> out = m_names;
        std::vector<char> read(n, 0);
        auto reach = [&](std::size_t from, std::size_t to) {
            for (std::size_t k = from; k < to && k < n; ++k) {
                if (read[k]) continue;
                read[k] = 1;
                if (!ident(k) || member(k) || m_binding[k] || m_target[k]) continue;
                if (!out.insert(m_t[k].text).second) continue;
                if (auto top = m_top.find(m_t[k].text); top != m_top.end()) {
                    for (const Declaration& d : top->second) work.emplace_back(d.begin, d.end);
                }
            }
        };
        for (const std::string& root : m_names) {
            if (auto top = m_top.find(root); top != m_top.end()) {
                for (const Declaration& d : top->second) work.emplace_back(d.begin, d.end);
            }
        }
        int depth = 0;
        for (std::size_t k = 0; k < n; ++k) {
            depth += inside[k];
            if (depth == 0) reach(k, k + 1);
        }
        while (!work.empty()) {
            auto [from, to] = work.back();
            work.pop_back();
            reach(from, to);
        }
        return out;
    }

    void judge(const std::set<std::string, std::less<>>& names) {
        for (const std::string& name : names) {
            auto top = m_top.find(name);
            if (top == m_top.end() && m_nested.contains(name)) continue;  // a local of some function
            // A counter or a piece of data rebound is read where it is used (the walker trusts only
            // constants); what matters here is what is called.
            bool function = m_names.contains(name) || m_called.contains(name);
            std::vector<std::size_t> writes;
            if (top != m_top.end()) {
                for (const Declaration& d : top->second) {
                    if (d.writes) writes.push_back(d.at);
                    function = function || d.function;
                }
            }
            if (!function) continue;
            if (auto w = m_writes.find(name); w != m_writes.end()) writes.insert(writes.end(), w->second.begin(), w->second.end());
            if (writes.size() < 2) continue;
            // At the second binding: one place per name, however often it is rebound.
            std::nth_element(writes.begin(), writes.begin() + 1, writes.end());
            flag(writes[1], "`" + name + "`, which the migration's up() or down() is or calls through, is bound more than once in this "
                            "script (declared twice, or declared and assigned): the tool calls what it holds when it runs, "
                            "which pgfence does not read");
        }
    }

    // Objects and classes: an up/down accessor, the same key twice, or beside a computed key or spread.
    void keys() {
        const std::size_t n = m_t.size();
        static const std::set<std::string_view> k_modifiers = {"async", "get", "set", "*", "static", "public", "private",
                                                               "protected", "readonly", "override", "declare", "abstract"};
        for (std::size_t open = 0; open < n; ++open) {
            if (!is(open, "{") || m_close[open] >= n || m_kind[open] == Brace::Function || m_kind[open] == Brace::Arrow) continue;
            const bool klass = m_kind[open] == Brace::Class;
            std::map<std::string, int, std::less<>> seen;
            std::size_t other = n;  // a computed key or spread
            bool migration = false;
            std::size_t prev = open;
            for (std::size_t k = open + 1; k < m_close[open]; prev = k, k = (is(k, "(") || is(k, "[") || is(k, "{")) && m_close[k] < n ? m_close[k] + 1 : k + 1) {
                std::string key;
                if (ident(k)) key = m_t[k].text;
                else if (m_t[k].kind == TokenKind::String) key = m_t[k].string.value;
                if (!m_names.contains(key) && !is(k, "...") && !is(k, "[")) continue;
                // Modifiers before the key (a few), back to the separator.
                std::size_t q = prev;
                bool accessor = false;
                for (int hops = 0; hops < 8 && q > open && (ident(q) || is(q, "*")) && k_modifiers.contains(m_t[q].text); ++hops, --q) {
                    accessor = accessor || is(q, "get") || is(q, "set");
                }
                if (!(is(q, "{") || is(q, ",") || (klass && (is(q, ";") || is(q, "}"))))) continue;
                if (is(k, "...") || is(k, "[")) {
                    if (is(k, "...") || is(m_close[k] + 1, ":") || is(m_close[k] + 1, "(") || (klass && is(m_close[k] + 1, "="))) other = std::min(other, k);
                    continue;
                }
                // A key, not a call in a block: `up:`, `up(...) {`, `up,`, `up }`, a class's `up = `.
                std::size_t after = k + 1;
                if (is(after, "?") || is(after, "!")) ++after;
                bool is_key = is(after, ":") || is(after, ",") || is(after, "}") || (klass && (is(after, "=") || is(after, ";") || is(after, "<")));
                if (is(after, "(") && m_close[after] < n) is_key = is(m_close[after] + 1, "{") || is(m_close[after] + 1, ":") || klass;
                if (!is_key) continue;
                // Without an up, extract.cpp's "up() not found" says it; a helper's names (K4) are their own.
                migration = migration || key == "up" || !m_names.contains("up");
                if (accessor) {
                    flag(k, "`" + key + "` is an accessor (get/set): the tool calls what the getter returns, which pgfence does not read");
                } else if (++seen[key] == 2) {
                    flag(k, "`" + key + "` is given twice in one object or class: the last one is what the tool calls");
                }
            }
            if (migration && other < n) {
                flag(other, "a computed key or a spread beside up(): it may set the one the tool calls, which pgfence does not read");
            }
        }
    }

    // `arguments` of CommonJS's module wrapper (`arguments[0]` is the exports, `[2]` the module);
    // `this.up`, `this.down`, `this[...]` set (a function given the exports as `this`).
    void wrapper() {
        for (std::size_t k = 0; k < m_t.size(); ++k) {
            if (member(k) || !ident(k)) continue;
            if (is(k, "arguments") && m_module_scope[k]) {
                flag(k, "`arguments` outside any function is CommonJS's module wrapper's (the exports, require, the module): what is "
                        "written through it, the up() the tool calls too, is not read");
            }
            if (is(k, "this") && m_module_scope[k] && !module_this_read(k)) {
                flag(k, "`this` outside any function is a CommonJS module's exports: what is written through it, or through "
                        "what it is handed to, may be the up() the tool calls, which pgfence does not read (red team R76 K2)");
                continue;
            }
            if (!is(k, "this") || m_block_top[k]) continue;  // top-level `this.up = ...`: borrowed_up.hpp judges it
            std::size_t after = 0;
            if ((is(k + 1, ".") || is(k + 1, "?.")) && k + 2 < m_t.size() && m_names.contains(m_t[k + 2].text)) after = k + 3;
            if (is(k + 1, "[") && m_close[k + 1] < m_t.size()) {
                const Token& key = m_t[k + 2];
                const bool other = m_close[k + 1] == k + 3 && key.kind == TokenKind::String && !m_names.contains(key.string.value);
                if (!other) after = m_close[k + 1] + 1;
            }
            if (after != 0 && assign_op(after) != 0) {
                flag(k, "an up or down set on `this` (a function called with the module's exports as `this`, a constructor): the "
                        "tool may call it, and pgfence does not read it");
            }
        }
    }

    // `return <value>` in a class's constructor: `new C()` then yields that value, and TypeORM
    // runs its up(), not the class's (typeorm src/migration/MigrationExecutor.ts getMigrations:
    // `new migrationClass()`; red team R82b B6). `return;` and `return this` keep the instance.
    // Returns of functions and arrows nested in the constructor are theirs.
    void constructors() {
        if (!m_names.contains("up")) return;  // a helper's classes are not what the tool instantiates
        std::vector<std::size_t> stack;  // the open braces of functions and arrows
        for (std::size_t k = 0; k < m_t.size(); ++k) {
            if (is(k, "{") && (m_kind[k] == Brace::Function || m_kind[k] == Brace::Arrow)) stack.push_back(k);
            if (is(k, "}") && !stack.empty() && m_close[stack.back()] == k) stack.pop_back();
            if (!is(k, "return") || member(k) || stack.empty() || !constructor_body(stack.back())) continue;
            const bool keeps = is(k + 1, ";") || is(k + 1, "}") || (is(k + 1, "this") && (is(k + 2, ";") || is(k + 2, "}")));
            if (!keeps) {
                flag(k, "a class's constructor returns a value: `new` yields it instead of the instance, and TypeORM runs its "
                        "up(), which pgfence does not read");
            }
        }
    }

    // Is the function body opening at `open` a class's constructor (`constructor(...) {`)?
    bool constructor_body(std::size_t open) const {
        const std::size_t close = params_before(open);
        if (close >= m_t.size() || m_open[close] == 0) return false;
        const std::size_t name = m_open[close] - 1;
        const bool named = is(name, "constructor") || (m_t[name].kind == TokenKind::String && m_t[name].string.value == "constructor");
        return named && m_in_class[name] && !member(name);
    }

    // A module-scope `this` pgfence reads: `this.up = ...` at the top level (borrowed_up.hpp
    // judges it, and export_writes.cpp the second one), and TypeScript's emitted helpers
    // `(this && this.__awaiter) || function ...`, which read the exports and write nothing.
    bool module_this_read(std::size_t k) const {
        const std::size_t n = m_t.size();
        if (m_block_top[k] && (is(k + 1, ".") || is(k + 1, "[")) && k + 2 < n && (k == 0 || is(k - 1, ";") || is(k - 1, "}"))) {
            const bool key = is(k + 1, ".") ? m_names.contains(m_t[k + 2].text)
                                            : m_t[k + 2].kind == TokenKind::String && m_names.contains(m_t[k + 2].string.value) && is(k + 3, "]");
            if (key && is(is(k + 1, ".") ? k + 3 : k + 4, "=") && !is(is(k + 1, ".") ? k + 4 : k + 5, "=")) return true;
        }
        auto helper = [&](std::size_t a) {  // `( this && this . __x ) ||` with a at the first `this`
            return a > 0 && is(a - 1, "(") && is(a + 1, "&&") && is(a + 2, "this") && is(a + 3, ".") && a + 4 < n &&
                   m_t[a + 4].text.starts_with("__") && is(a + 5, ")") && is(a + 6, "||");
        };
        return helper(k) || (k >= 2 && is(k - 1, "&&") && helper(k - 2));
    }

    // `__defineGetter__` and its kin, however reached (`x.__defineGetter__(...)`, `x['__define' +
    // ...]` aside, `x['__defineGetter__']`): they make a property an accessor, so what `exports.up`
    // (or a helper's export) holds is what a function returns when the tool reads it, which
    // pgfence does not read (red team R76 K1). The word anywhere is unknown at its place.
    void accessors() {
        static const std::set<std::string_view> k_words = {"__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"};
        for (std::size_t k = 0; k < m_t.size(); ++k) {
            const Token& t = m_t[k];
            auto holds = [&](const std::string& text) {
                return std::any_of(k_words.begin(), k_words.end(), [&](std::string_view w) { return text.find(w) != std::string::npos; });
            };
            bool word = (t.kind == TokenKind::Ident && k_words.contains(t.text)) || (t.kind == TokenKind::String && holds(t.string.value));
            for (const TemplatePart& part : t.parts) word = word || (!part.interpolation && holds(part.text.value));
            if (word) {
                flag(k, "`" + std::string(t.kind == TokenKind::Ident ? t.text : "__defineGetter__") +
                            "` makes an object's property an accessor: what the module exports (the up() the tool calls) may be "
                            "what a function returns then, which pgfence does not read");
            }
        }
    }

    // `export { a as up }`, `export { a as 'up' }`, `export { a as default }`: the module's up is the
    // local `a`, which the walker does not follow from the list (it reads a declaration named up,
    // whether exported or not), so each is unknown at its place (red team R76 K3). `export { up }`
    // exports the declaration the walker reads; `export { a as up } from '...'` is borrowed_up's.
    void export_lists() {
        const std::size_t n = m_t.size();
        for (std::size_t k = 0; k + 1 < n; ++k) {
            if (!is(k, "export") || member(k) || !is(k + 1, "{") || m_close[k + 1] >= n) continue;
            const std::size_t close = m_close[k + 1];
            if (is(close + 1, "from")) continue;
            for (std::size_t j = k + 2; j + 2 <= close; ++j) {
                if (!is(j + 1, "as")) continue;
                const Token& to = m_t[j + 2];
                const std::string exported = to.kind == TokenKind::String ? to.string.value : to.text;
                const std::string local = m_t[j].kind == TokenKind::String ? m_t[j].string.value : m_t[j].text;
                if ((m_names.contains(exported) || exported == "default") && exported != local) {
                    flag(j, "`" + local + "` is exported as `" + exported + "`: the tool calls it, and pgfence does not follow an export "
                                "list's renaming to read it");
                }
            }
        }
    }

    const std::vector<Token>& m_t;
    const std::set<std::string, std::less<>>& m_names;  // up and down, or the names a migration takes from a helper
    std::vector<std::size_t> m_close, m_open;
    std::vector<Brace> m_kind;
    std::vector<std::pair<std::size_t, std::size_t>> m_params;  // each function's and arrow's parameters (first, last)
    std::vector<char> m_block_top, m_hoist_top, m_module_scope, m_in_class;
    std::vector<char> m_binding;  // a name declared here
    std::vector<char> m_target;   // a name written here
    std::map<std::string, std::vector<Declaration>, std::less<>> m_top;
    std::set<std::string, std::less<>> m_nested;
    std::map<std::string, std::vector<std::size_t>, std::less<>> m_writes;
    std::set<std::string, std::less<>> m_called;  // names used as functions (called_at)
    std::vector<std::pair<std::size_t, std::string>> m_out;
};

}  // namespace

namespace {
bool tok_is(const std::vector<Token>& t, std::size_t i, std::string_view s) {
    return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
}
}  // namespace

bool writes_at(const std::vector<Token>& t, std::size_t j) {
    if (j >= t.size() || t[j].kind != TokenKind::Punct) return false;
    static const std::set<std::string_view> k_not = {"==", "===", "!=", "!==", "<=", ">=", "=>"};
    const std::string& op = t[j].text;
    if (op == "++" || op == "--") return true;
    if (op.ends_with("=") && !k_not.contains(op)) return !(op == "=" && tok_is(t, j + 1, "="));
    static const std::set<std::string_view> k_firsts = {"??", "||", "&&", "%", "&", "|", "^", "*", "**", "<<", ">>", ">>>", "<", ">"};
    return k_firsts.contains(op) && j + 1 < t.size() && t[j + 1].begin == t[j].end && (tok_is(t, j + 1, "=") || tok_is(t, j + 1, ">=") || tok_is(t, j + 1, "<="));
}

std::vector<std::size_t> closing_brackets(const std::vector<Token>& t) {
    auto is = [&](std::size_t k, std::string_view s) { return t[k].kind == TokenKind::Punct && t[k].text == s; };
    std::vector<std::size_t> close(t.size(), t.size()), stack;
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (is(k, "(") || is(k, "[") || is(k, "{")) stack.push_back(k);
        else if ((is(k, ")") || is(k, "]") || is(k, "}")) && !stack.empty()) {
            close[stack.back()] = k;
            stack.pop_back();
        }
    }
    return close;
}

bool destructured(const std::vector<Token>& t, std::size_t k, const std::vector<std::size_t>& open, const std::vector<std::size_t>& close) {
    auto is = [&](std::size_t i, std::string_view s) {
        return i < t.size() && (t[i].kind == TokenKind::Ident || t[i].kind == TokenKind::Punct) && t[i].text == s;
    };
    if (is(k, "of") || is(k, "in")) return !open.empty() && is(open.back(), "(") && open.back() > 0 && is(open.back() - 1, "for");
    if (!(is(k, ",") || is(k, "}") || is(k, "]") || is(k, "="))) return false;
    // `[` after a name or a `]` is a computed key (`items[row.name] = x`, and so across a line
    // break: no semicolon is inserted before `[`), not an array pattern.
    static const std::set<std::string_view> k_keywords = {"return", "typeof", "case", "else", "do", "throw", "await", "yield", "void",
                                                          "delete", "in", "of", "instanceof", "new", "extends", "export", "default"};
    auto key = [&](std::size_t o) {
        return is(o, "[") && o > 0 && ((t[o - 1].kind == TokenKind::Ident && !k_keywords.contains(t[o - 1].text)) || is(o - 1, "]"));
    };
    for (std::size_t level = 0; level < open.size(); ++level) {
        const std::size_t o = open[open.size() - 1 - level];
        if (is(o, "(") || key(o)) return false;
        if (level >= 8) return true;
        const std::size_t c = close[o];
        if (c >= t.size()) return false;
        if (is(c + 1, "=") && !is(c + 2, "=") && !is(c + 2, ">")) return true;
        // `for ([h.run] of list)`: the pattern written at each step.
        if ((is(c + 1, "of") || is(c + 1, "in")) && level + 1 < open.size()) {
            const std::size_t f = open[open.size() - 2 - level];
            if (is(f, "(") && f > 0 && is(f - 1, "for")) return true;
        }
        if (!(is(c + 1, ",") || is(c + 1, "}") || is(c + 1, "]") || is(c + 1, "="))) return false;
    }
    return false;
}

std::vector<std::pair<std::size_t, std::string>> rebound_migration(const std::vector<Token>& tokens,
                                                                   const std::set<std::string, std::less<>>& names) {
    return Rebinding(tokens, names).run();
}

std::vector<char> runs_at_load(const std::vector<Token>& tokens) {
    static const std::set<std::string, std::less<>> k_names = {"up", "down"};
    return Rebinding(tokens, k_names).at_load();
}

}  // namespace pgfence::analyze::orm
