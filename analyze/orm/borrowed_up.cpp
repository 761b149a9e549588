#include "analyze/orm/borrowed_up.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "analyze/orm/imports.hpp"

namespace pgfence::analyze::orm {
namespace {

class Scan {
public:
    explicit Scan(const std::vector<Token>& t, const std::set<std::string, std::less<>>* aliases = nullptr)
        : m_t(t), m_imports(imported_names(t)), m_exports_aliases(aliases) {
        m_match.assign(t.size(), t.size());
        std::vector<std::size_t> stack;
        for (std::size_t k = 0; k < t.size(); ++k) {
            if (is(k, "(") || is(k, "[") || is(k, "{")) stack.push_back(k);
            else if ((is(k, ")") || is(k, "]") || is(k, "}")) && !stack.empty()) {
                m_match[stack.back()] = k;
                stack.pop_back();
            }
        }
        // Names the file defines as functions or classes: `function up`, `class Base`,
        // `up = function / async / (...) => / x =>`.
        for (std::size_t k = 0; k + 1 < t.size(); ++k) {
            if ((is(k, "function") || is(k, "class")) && ident(k + 1)) m_functions.insert(t[k + 1].text);
            if (is(k, "function") && is(k + 1, "*") && ident(k + 2)) m_functions.insert(t[k + 2].text);
            if (ident(k) && !member(k) && is(k + 1, "=") && function_at(k + 2)) m_functions.insert(t[k].text);
            if (is(k, "class") && ident(k + 1)) m_classes.insert(t[k + 1].text);
        }
    }

    std::vector<std::pair<std::size_t, std::string>> run() {
        int depth = 0;
        for (std::size_t i = 0; i < m_t.size(); ++i) {
            if (is(i, "class") && !member(i)) inherits(i);
            if (is(i, "{") || is(i, "(") || is(i, "[")) ++depth;
            if (is(i, "}") || is(i, ")") || is(i, "]")) --depth;
            if (depth != 0 || member(i)) continue;
            std::size_t after = exports_at(i);
            if (after == 0 && is(i, "this")) after = i + 1;  // a CommonJS module's top-level `this` is its exports
            if (after != 0 && is(after, "[") && after + 2 < m_t.size() && m_t[after + 1].kind == TokenKind::String &&
                (m_t[after + 1].string.value == "up" || m_t[after + 1].string.value == "down") && is(after + 2, "]")) {
                std::size_t value = assigns_at(after + 3);
                if (value != 0 && (value != after + 4 || !local_function(value))) {
                    flag(i, "`exports['" + m_t[after + 1].string.value + "']` is set to a function defined elsewhere: the tool runs it, "
                            "pgfence does not read it");
                }
            }
            if (after != 0 && is(after, ".") && (is(after + 1, "up") || is(after + 1, "down"))) {
                // A logical assignment is never read as the definition, whatever its value.
                std::size_t value = assigns_at(after + 2);
                if (value != 0 && (value != after + 3 || !local_function(value)) && !(is(after + 1, "down") && value == after + 3 && no_down(value))) {
                    flag(i, "`exports." + m_t[after + 1].text + "` is set to a function defined elsewhere (another module's, or a value "
                            "pgfence does not read as one): the tool runs it, pgfence does not read it");
                }
            }
            if (after != 0 && (after == i + 3 || is(i, "exports")) && is(after, "=") && is(after + 1, "{")) exported_object(i, after + 1);
            if (is(i, "export")) esm_export(i);
        }
        return std::move(m_out);
    }

    // The module's exports of imported classes and re-exports (reexports.hpp).
    std::vector<ReExport> reexports() {
        int depth = 0;
        for (std::size_t i = 0; i < m_t.size(); ++i) {
            if (is(i, "{") || is(i, "(") || is(i, "[")) ++depth;
            if (is(i, "}") || is(i, ")") || is(i, "]")) --depth;
            if (depth != 0 || member(i)) continue;
            if (is(i, "const") || is(i, "let") || is(i, "var")) alias(i + 1);
            if (is(i, "export")) esm(i);
            if (std::size_t after = exports_at(i); after != 0) commonjs(i, after);
        }
        return std::move(m_reexports);
    }

    // Top-level exports whose value may be a class from elsewhere that reexports() does not follow
    // (borrowed_up.hpp unfollowed_exports).
    std::vector<std::pair<std::size_t, std::string>> unfollowed() {
        declarations();
        int depth = 0;
        for (std::size_t i = 0; i < m_t.size(); ++i) {
            if (is(i, "{") || is(i, "(") || is(i, "[")) ++depth;
            if (is(i, "}") || is(i, ")") || is(i, "]")) --depth;
            // Anywhere: what replaces a class's up() or its prototype at run time (red team R73 F1).
            if ((is(i, "up") || is(i, "down")) && member(i) && is(i + 1, "=") && !is(i + 2, "=") && !local_function(i + 2)) {
                flag(i, "an `" + m_t[i].text + "` set at run time to a function defined elsewhere: TypeORM calls the instance's up(), "
                        "pgfence does not read it");
            }
            if ((is(i, "setPrototypeOf") || is(i, "__proto__")) && !is(i - 1, "function")) {
                flag(i, "a prototype set at run time: the class's up() may then be another module's, which pgfence does not read");
            }
            // A decorator of the class, or of any member or parameter (`@logged async up()`): each
            // runs when the class is defined and may replace the class, a method's descriptor (its
            // `value`, TypeORM then calls that up()) or the prototype (red team R82b B5). None is
            // known harmless in a migration: each is unknown.
            if (is(i, "@") && (ident(i + 1) || is(i + 1, "("))) {
                flag(i, depth == 0 ? "a decorator, which may replace the class TypeORM runs with another: its up() is not read"
                                   : "a decorator of a class member, which runs when the class is defined and may replace up() "
                                     "(a method's descriptor) or the prototype: what TypeORM runs is not read");
            }
            if (depth != 0 || member(i)) continue;
            if (is(i, "export")) esm_value(i);
            else if (std::size_t after = exports_at(i); after != 0) commonjs_value(i, after);
        }
        return std::move(m_out);
    }

private:
    bool is(std::size_t k, std::string_view s) const {
        return k < m_t.size() && (m_t[k].kind == TokenKind::Ident || m_t[k].kind == TokenKind::Punct) && m_t[k].text == s;
    }
    bool ident(std::size_t k) const { return k < m_t.size() && m_t[k].kind == TokenKind::Ident; }
    bool member(std::size_t k) const { return k > 0 && (is(k - 1, ".") || is(k - 1, "?.")); }
    void flag(std::size_t k, std::string why) { m_out.emplace_back(m_t[k].begin, std::move(why)); }

    // `exports` or `module.exports` at k, or a name the caller knows holds them (`const e =
    // module.exports`, red team R73 F2): the index after it, else 0.
    std::size_t exports_at(std::size_t k) const {
        if (is(k, "exports")) return k + 1;
        if (is(k, "module") && is(k + 1, ".") && is(k + 2, "exports")) return k + 3;
        if (m_exports_aliases != nullptr && ident(k) && m_exports_aliases->contains(m_t[k].text)) {
            return is(k + 1, ".") && is(k + 2, "exports") ? k + 3 : k + 1;
        }
        return 0;
    }
    // `=` at k, or a logical assignment (`??=`, `||=`, `&&=`: two tokens), which sets the export
    // whenever it is unset, as a require() of the file leaves it: the index of the value, else 0.
    std::size_t assigns_at(std::size_t k) const {
        if (is(k, "=") && !is(k + 1, "=")) return k + 1;
        if ((is(k, "??") || is(k, "||") || is(k, "&&")) && is(k + 1, "=") && !is(k + 2, "=")) return k + 2;
        return 0;
    }

    // `false` or `undefined` alone at k: node-pg-migrate's "no down" (`exports.down = false`,
    // docs/migrations.md) and its automatic down, which runs up() in reverse (salsita/node-pg-migrate
    // src/migration.ts applyDown: `this.down === false` refuses, `this.down === undefined` sets
    // this.down = this.up with pgm.enableReverseMode()). Neither is a function from elsewhere
    // (red team R82a FA2).
    bool no_down(std::size_t k) const {
        if (!is(k, "false") && !is(k, "undefined")) return false;
        const std::size_t next = k + 1;
        return next >= m_t.size() || is(next, ";") || is(next, "}") || (ident(next) && !is(next, "in") && !is(next, "instanceof"));
    }
    // A function literal at k: `function`, `async`, `(...) =>`, `x =>`.
    bool function_at(std::size_t k) const {
        if (is(k, "function") || is(k, "async")) return true;
        if (is(k, "(") && m_match[k] < m_t.size()) return is(m_match[k] + 1, "=>") || is(m_match[k] + 1, ":");
        return ident(k) && is(k + 1, "=>");
    }
    // The value at k is a function of this file: a literal, or a name it defines as one.
    bool local_function(std::size_t k) const {
        if (function_at(k)) return true;
        bool ends = !(is(k + 1, ".") || is(k + 1, "?.") || is(k + 1, "[") || is(k + 1, "(") || is(k + 1, "`"));
        return ident(k) && ends && m_functions.contains(m_t[k].text);
    }

    // `module.exports = { ... }`: a spread, or an up/down that is not this file's function.
    void exported_object(std::size_t at, std::size_t open) {
        std::size_t close = m_match[open];
        for (std::size_t k = open + 1; k < close && k < m_t.size(); ++k) {
            if (is(k, "...")) {
                flag(at, "the module's exports spread another object (`...`): the up() the tool runs may come from it, which pgfence does not read");
                return;
            }
            bool key = (is(k, "up") || is(k, "down")) && (is(k - 1, "{") || is(k - 1, ","));
            if (key && (is(k + 1, ",") || is(k + 1, "}")) && !m_functions.contains(m_t[k].text)) {
                flag(at, "the module exports `" + m_t[k].text + "` from a name this file does not define as a function (an import): "
                         "the tool runs it, pgfence does not read it");
                return;
            }
            if (key && is(k + 1, ":") && !local_function(k + 2)) {
                flag(at, "the module exports `" + m_t[k].text + "` set to a function defined elsewhere: the tool runs it, pgfence does not read it");
                return;
            }
            if (is(k, "(") || is(k, "[") || is(k, "{")) k = m_match[k];
        }
    }

    // `export { up } from`, `export { x as up }`, `export const up = h.up`.
    void esm_export(std::size_t i) {
        if (is(i + 1, "*")) return;  // followed to the module, or unknown there (reexports.hpp)
        if (is(i + 1, "{") && m_match[i + 1] < m_t.size()) {
            std::size_t close = m_match[i + 1];
            // From a module of the same folder too: the tool runs that module's up() as this
            // migration's (knex's Migrator calls `migration.up` of each file), again.
            bool from = is(close + 1, "from");
            for (std::size_t k = i + 2; k < close; ++k) {
                if (!is(k, "up") && !is(k, "down")) continue;
                bool renamed = is(k - 1, "as");
                std::string name = renamed && ident(k - 2) ? m_t[k - 2].text : m_t[k].text;
                if (from || !m_functions.contains(name)) {
                    flag(i, "the module exports `" + m_t[k].text + "` from " + (from ? "another module" : "a name this file does not define as a function") +
                                ": the tool runs it, pgfence does not read it");
                    return;
                }
            }
            return;
        }
        std::size_t k = i + 1;
        if (is(k, "const") || is(k, "let") || is(k, "var")) ++k;
        if ((is(k, "up") || is(k, "down")) && is(k + 1, "=") && !local_function(k + 2)) {
            flag(i, "`" + m_t[k].text + "` is exported set to a function defined elsewhere: the tool runs it, pgfence does not read it");
        }
    }

    // The `from '...'` after k names a module of the same folder (`./init`): a barrel of the
    // migrations folder, whose modules pgfence reads as migrations themselves.
    bool beside(std::size_t k) const {
        while (k < m_t.size() && m_t[k].kind != TokenKind::String && !is(k, ";")) ++k;
        if (k >= m_t.size() || m_t[k].kind != TokenKind::String) return false;
        return beside_module(m_t[k].string.value);
    }

    // `class S extends Base { ... }` with no up() of its own and Base not a class of this file.
    void inherits(std::size_t i) {
        std::size_t k = i + 1;
        if (ident(k) && !is(k, "extends")) ++k;
        if (!is(k, "extends")) return;
        // `extends (Base)`, `extends mixin(Base)`: an expression, whatever it holds (red team R73 F1).
        std::string base = ident(k + 1) ? m_t[k + 1].text : std::string("an expression");
        bool dotted = !ident(k + 1) || is(k + 2, ".") || is(k + 2, "(");
        while (k < m_t.size() && !is(k, "{")) {
            if (is(k, "(")) k = m_match[k];
            ++k;
        }
        if (k >= m_t.size()) return;
        std::size_t close = m_match[k];
        for (std::size_t j = k + 1; j < close && j < m_t.size(); ++j) {
            if (is(j, "up") && !member(j) && (is(j + 1, "(") || is(j + 1, "=") || is(j + 1, "<") || is(j + 1, ":"))) return;
            if (is(j, "(") || is(j, "[") || is(j, "{")) j = m_match[j];
        }
        if (!dotted && m_classes.contains(base)) return;  // the walker reads a base class of this file
        flag(i, "the class inherits its up() from `" + base + "`, defined in another module: the tool runs that up(), "
                "pgfence does not read it");
    }

    // --- reexports() ------------------------------------------------------------------------

    bool migration_function(const std::string& name) const { return name == "up" || name == "down"; }

    // A value that is only the name at k (`= Base;`, `= Base` before the next declaration).
    bool ends_at(std::size_t k) const {
        static const std::string_view k_next[] = {";", "}", "export", "import", "const", "let", "var", "class", "function",
                                                  "module", "exports", "Object", "async"};
        if (k >= m_t.size()) return true;
        return m_t[k].kind != TokenKind::String &&
               std::any_of(std::begin(k_next), std::end(k_next), [&](std::string_view w) { return m_t[k].text == w; });
    }

    // The module a string at or after k names (`from '...'`), "" when none.
    std::string module_after(std::size_t k) const {
        for (std::size_t j = k; j < m_t.size() && j < k + 4; ++j) {
            if (m_t[j].kind == TokenKind::String) return m_t[j].string.value;
        }
        return {};
    }
    // A module of the same folder (`./init`): a barrel of the migrations folder, whose modules
    // pgfence reads as migrations themselves.
    static bool beside_module(const std::string& module) {
        return module.starts_with("./") && module.find('/', 2) == std::string::npos;
    }

    // What the name at k stands for when it is imported (directly, through `ns.X` of a namespace
    // import, or through a top-level `const A = B` of one).
    bool imported(std::size_t k, Import& out) const {
        if (!ident(k)) return false;
        std::string name = m_t[k].text;
        for (int hops = 0; hops < 8; ++hops) {
            auto alias = m_aliases.find(name);
            if (alias == m_aliases.end()) break;
            name = alias->second;
        }
        auto it = m_imports.find(name);
        if (it == m_imports.end()) return false;
        out = it->second;
        if (out.remote == "*" && is(k + 1, ".") && ident(k + 2)) out.remote = m_t[k + 2].text;
        return true;
    }
    std::size_t value_end(std::size_t k) const { return is(k + 1, ".") && ident(k + 2) ? k + 3 : k + 1; }

    void add(std::size_t at, Import what, std::string exported) {
        if (what.module.empty() || migration_function(what.remote)) return;
        bool beside = beside_module(what.module);
        m_reexports.push_back(ReExport{m_t[at].begin, std::move(what.module), std::move(what.remote), std::move(exported), beside});
    }

    // `const A = B` at the top: A stands for B (followed when exported).
    void alias(std::size_t k) {
        if (ident(k) && is(k + 1, "=") && ident(k + 2) && !is(k + 3, ".") && ends_at(k + 3)) m_aliases[m_t[k].text] = m_t[k + 2].text;
    }

    void esm(std::size_t i) {
        if (is(i + 1, "type")) return;  // export type { X }: no value
        if (is(i + 1, "*")) {
            std::string module = module_after(i + 2);
            std::string as = is(i + 2, "as") && ident(i + 3) ? m_t[i + 3].text : "*";
            add(i, Import{module, "*"}, as);
            return;
        }
        if (is(i + 1, "{") && m_match[i + 1] < m_t.size()) {
            std::size_t close = m_match[i + 1];
            std::string from = is(close + 1, "from") ? module_after(close + 2) : std::string();
            for (std::size_t k = i + 2; k < close; ++k) {
                if (!ident(k) || is(k, "as") || is(k, "type") || is(k - 1, "as") || is(k - 1, "type")) continue;
                std::string exported = is(k + 1, "as") && ident(k + 2) ? m_t[k + 2].text : m_t[k].text;
                if (migration_function(exported)) continue;  // borrowed_up.hpp judges these
                Import what;
                if (is(close + 1, "from")) add(i, Import{from, m_t[k].text}, exported);
                else if (imported(k, what)) add(i, what, exported);
            }
            return;
        }
        std::size_t k = i + 1;
        if (is(k, "default")) {
            Import what;
            if (imported(k + 1, what) && ends_at(value_end(k + 1))) add(i, what, "default");
            return;
        }
        if (is(k, "const") || is(k, "let") || is(k, "var")) ++k;
        Import what;
        if (ident(k) && is(k + 1, "=") && imported(k + 2, what) && ends_at(value_end(k + 2)) && !migration_function(m_t[k].text)) {
            add(i, what, m_t[k].text);
        }
    }


    void commonjs(std::size_t i, std::size_t after) {
        Import what;
        if (is(after, "=") && imported(after + 1, what) && ends_at(value_end(after + 1))) {
            add(i, what, "module.exports");  // module.exports = Base
            return;
        }
        if (is(after, ".") && ident(after + 1) && is(after + 2, "=") && !is(after + 3, "=") && !migration_function(m_t[after + 1].text) &&
            imported(after + 3, what) && ends_at(value_end(after + 3))) {
            add(i, what, m_t[after + 1].text);  // exports.S = Base
            return;
        }
        if (is(after, "=") && is(after + 1, "{") && m_match[after + 1] < m_t.size()) {
            // module.exports = { S: Base, Base }
            std::size_t close = m_match[after + 1];
            for (std::size_t k = after + 2; k < close; ++k) {
                if (is(k, "(") || is(k, "[") || is(k, "{")) {
                    k = m_match[k];
                    continue;
                }
                bool key = is(k - 1, "{") || is(k - 1, ",");
                if (!key || !ident(k) || migration_function(m_t[k].text)) continue;
                if (is(k + 1, ":") && imported(k + 2, what) && (is(value_end(k + 2), ",") || value_end(k + 2) == close)) add(i, what, m_t[k].text);
                else if ((is(k + 1, ",") || k + 1 == close) && imported(k, what)) add(i, what, m_t[k].text);
            }
        }
    }

    // --- unfollowed() ---------------------------------------------------------------------

    // The top-level `const|let|var NAME (: T)? = VALUE` of the file: NAME's value span. A name
    // declared twice, or declared without a value, has an empty span (what it holds is not read).
    void declarations() {
        int depth = 0;
        for (std::size_t i = 0; i < m_t.size(); ++i) {
            if (is(i, "{") || is(i, "(") || is(i, "[")) ++depth;
            if (is(i, "}") || is(i, ")") || is(i, "]")) --depth;
            if (depth != 0 || member(i) || !(is(i, "const") || is(i, "let") || is(i, "var"))) continue;
            for (std::size_t k = i + 1; ident(k);) {
                std::size_t eq = k + 1;
                if (is(eq, "!")) ++eq;
                if (is(eq, ":")) eq = type_end(eq + 1);
                std::pair<std::size_t, std::size_t> span{0, 0};
                if (is(eq, "=")) span = {eq + 1, value_stop(eq + 1)};
                auto [it, fresh] = m_values.emplace(m_t[k].text, span);
                if (!fresh) it->second = {0, 0};
                std::size_t next = is(eq, "=") ? span.second : eq;
                if (!is(next, ",")) break;
                k = next + 1;
            }
        }
    }

    // After a type annotation starting at k: the `=`, `,` or `;` that ends it at its own depth.
    std::size_t type_end(std::size_t k) const {
        int angle = 0;
        for (; k < m_t.size(); ++k) {
            if (is(k, "(") || is(k, "[") || is(k, "{")) {
                if (m_match[k] >= m_t.size()) return m_t.size();
                k = m_match[k];
                continue;
            }
            if (is(k, "<")) ++angle;
            if (is(k, ">") && angle > 0) --angle;
            if (is(k, ">>") && angle > 0) angle = std::max(0, angle - 2);
            if (angle == 0 && (is(k, "=") || is(k, ",") || is(k, ";") || is(k, ")") || is(k, "}"))) return k;
        }
        return k;
    }

    // Where a value starting at k ends: a `,` or `;` at its depth, the end of an enclosing
    // bracket, or a word that starts the next statement (a script without semicolons).
    std::size_t value_stop(std::size_t k) const {
        static const std::string_view k_next[] = {"export", "import", "const", "let", "var", "class", "function", "module",
                                                  "exports", "if", "for", "while", "return", "try", "switch"};
        for (std::size_t j = k; j < m_t.size(); ++j) {
            if (is(j, "(") || is(j, "[") || is(j, "{")) {
                if (m_match[j] >= m_t.size()) return m_t.size();
                j = m_match[j];
                continue;
            }
            if (is(j, ",") || is(j, ";") || is(j, ")") || is(j, "]") || is(j, "}")) return j;
            if (j > k && ident(j) && !member(j) &&
                std::any_of(std::begin(k_next), std::end(k_next), [&](std::string_view w) { return m_t[j].text == w; })) {
                // `class`/`function` right after an operator is an expression (`x || class {}`).
                bool after_operator = m_t[j - 1].kind == TokenKind::Punct && !is(j - 1, ")") && !is(j - 1, "]") && !is(j - 1, "}");
                if (!after_operator || is(j, "export") || is(j, "import")) return j;
            }
        }
        return m_t.size();
    }

    // The value [k, end) is exactly an imported name (`Base`, `ns.Base`): reexports() follows it.
    bool followed_import(std::size_t k, std::size_t end) const {
        Import what;
        return imported(k, what) && value_end(k) == end;
    }

    // Why the value [k, end) may hold a class pgfence does not read, or "" when it cannot: a
    // class, function or arrow written here; literals; names of this file's classes and
    // functions and of its constants holding such values. Anything else (an imported name in
    // an expression, a call's result, a global) may be a class from elsewhere.
    std::string opaque(std::size_t k, std::size_t end, int depth = 0) const {
        static const std::set<std::string_view> k_plain = {
            "true", "false", "null", "undefined", "void", "typeof", "NaN", "Infinity", "as", "satisfies", "const", "new",
            "in", "instanceof", "of", "any", "unknown", "never", "string", "number", "boolean", "object", "symbol", "bigint"};
        if (k >= end) return {};
        if (is(k, "class") || is(k, "function") || is(k, "async") || function_at(k)) return {};
        if (depth > 64) return "a chain of constants too long to follow";
        for (std::size_t j = k; j < end && j < m_t.size(); ++j) {
            if (is(j, "class") || is(j, "function")) {  // written here: its body is not the value
                while (j < end && !is(j, "{")) ++j;
                if (j < end && m_match[j] < m_t.size()) j = m_match[j];
                continue;
            }
            if (is(j, "=>") && is(j + 1, "{") && m_match[j + 1] < m_t.size()) {
                j = m_match[j + 1];
                continue;
            }
            if (!ident(j) || member(j)) continue;
            const std::string& name = m_t[j].text;
            if (k_plain.contains(name)) {
                if ((name == "as" || name == "satisfies") && ident(j + 1)) ++j;  // the type after it
                continue;
            }
            if (is(j + 1, ":") && (is(j - 1, "{") || is(j - 1, ","))) continue;  // a key
            if (is(j + 1, "(") || is(j + 1, "`")) return "the result of calling `" + name + "`";
            Import what;
            if (imported(j, what)) return "`" + name + "`, imported from '" + what.module + "', in an expression";
            if (m_classes.contains(name) || m_functions.contains(name)) continue;
            if (std::string why = constant(name, depth); !why.empty()) return why;
        }
        return {};
    }

    // opaque() of the constant `name`'s value, once per name (a name met again while it is judged
    // is a cycle, judged as it stands): linear in the file however the constants refer to each other.
    std::string constant(const std::string& name, int depth) const {
        if (auto known = m_judged.find(name); known != m_judged.end()) return known->second;
        auto value = m_values.find(name);
        if (value == m_values.end()) return "`" + name + "`, which this file does not define";
        if (value->second.first == 0) return "`" + name + "`, whose value pgfence does not follow";
        if (followed_import(value->second.first, value->second.second)) return "`" + name + "`, a constant holding an imported name";
        m_judged[name] = {};
        std::string why = opaque(value->second.first, value->second.second, depth + 1);
        m_judged[name] = why;
        return why;
    }

    void unfollowed_at(std::size_t at, const std::string& exported, const std::string& why) {
        if (why.empty()) return;
        flag(at, "the module exports " + (exported.empty() ? std::string("a value") : "`" + exported + "`") +
                     " that may be a class pgfence does not follow (" + why +
                     "): TypeORM runs every class a migration file exports, in an object or array too, "
                     "so an up() may run from it unread");
    }

    // A name of `export { name }`: the class or function of this file, an import reexports()
    // follows, or a constant whose value is judged.
    void exported_name(std::size_t at, std::size_t k, const std::string& exported) {
        Import what;
        const std::string& name = m_t[k].text;
        if (imported(k, what) || m_classes.contains(name) || m_functions.contains(name)) return;
        auto value = m_values.find(name);
        if (value == m_values.end()) return unfollowed_at(at, exported, "`" + name + "`, which this file does not define");
        if (value->second.first == 0) return unfollowed_at(at, exported, "`" + name + "`, whose value pgfence does not follow");
        if (followed_import(value->second.first, value->second.second)) return;  // `const A = Base; export { A }`
        unfollowed_at(at, exported, constant(name, 0));  // once per name, however often it is exported
    }

    void esm_value(std::size_t i) {
        static const std::set<std::string_view> k_declared = {"type", "interface", "declare", "abstract", "class", "function", "async", "*"};
        if (i + 1 >= m_t.size() || k_declared.contains(m_t[i + 1].text)) return;
        // TypeScript's namespaces and enums are objects TypeORM looks into; `export import A = B`
        // exports what B holds (red team R73 F1).
        if (is(i + 1, "namespace") || is(i + 1, "module") || is(i + 1, "import")) {
            return unfollowed_at(i, ident(i + 2) ? m_t[i + 2].text : std::string(), "a TypeScript " + m_t[i + 1].text + " export");
        }
        if (is(i + 1, "enum") || (is(i + 1, "const") && is(i + 2, "enum"))) {
            std::size_t open = i + 1;
            while (open < m_t.size() && !is(open, "{") && !is(open, ";")) ++open;
            if (!is(open, "{") || m_match[open] >= m_t.size()) return;
            for (std::size_t k = open + 1; k < m_match[open]; ++k) {
                if (!is(k, "=")) continue;
                const std::size_t end = std::min(value_stop(k + 1), m_match[open]);
                if (std::string why = opaque(k + 1, end); !why.empty()) return unfollowed_at(i, "enum", why);
                k = end;
            }
            return;
        }
        if (is(i + 1, "{") && m_match[i + 1] < m_t.size()) {
            std::size_t close = m_match[i + 1];
            if (is(close + 1, "from")) return;  // reexports() follows it
            for (std::size_t k = i + 2; k < close; ++k) {
                if (!ident(k) || is(k, "as") || is(k, "type") || is(k - 1, "as") || is(k - 1, "type")) continue;
                std::string exported = is(k + 1, "as") && ident(k + 2) ? m_t[k + 2].text : m_t[k].text;
                if (!migration_function(exported)) exported_name(i, k, exported);
            }
            return;
        }
        if (is(i + 1, "default") || is(i + 1, "=")) {
            std::size_t v = i + 2;
            if (is(v, "class") || is(v, "function") || is(v, "async") || is(v, "abstract") || is(v, "interface")) return;
            std::size_t end = value_stop(v);
            // `export default Base` is followed (reexports()); TypeScript's `export = Base` is not.
            if (is(i + 1, "=") || !followed_import(v, end)) unfollowed_at(i, is(i + 1, "=") ? "export =" : "default", opaque(v, end));
            return;
        }
        if (!(is(i + 1, "const") || is(i + 1, "let") || is(i + 1, "var"))) return;
        if (is(i + 2, "{") || is(i + 2, "[")) return unfollowed_at(i, "", "names taken apart from another value");
        for (std::size_t k = i + 2; ident(k);) {
            auto value = m_values.find(m_t[k].text);
            if (migration_function(m_t[k].text) || value == m_values.end()) break;  // up/down: borrowed_up judges them
            exported_name(i, k, m_t[k].text);
            std::size_t next = value->second.first == 0 ? k + 1 : value->second.second;
            if (!is(next, ",")) break;
            k = next + 1;
        }
    }

    // `exports.S = VALUE`, `module.exports.S = VALUE`, `module.exports = { S: VALUE, T }`; the
    // whole exports set to anything else is hidden_export_writes()'s.
    void commonjs_value(std::size_t i, std::size_t after) {
        if (is(after, ".") && ident(after + 1) && is(after + 2, "=") && !is(after + 3, "=")) {
            const std::string& exported = m_t[after + 1].text;
            if (migration_function(exported) || exported == "__esModule") return;
            std::size_t v = after + 3, end = value_stop(v);
            if (!followed_import(v, end)) unfollowed_at(i, exported, opaque(v, end));
            return;
        }
        if (!is(after, "=") || !is(after + 1, "{") || m_match[after + 1] >= m_t.size()) return;
        std::size_t close = m_match[after + 1];
        for (std::size_t k = after + 2; k < close;) {
            std::size_t end = value_stop(k);  // this property: to its `,` or the closing `}`
            if (end > close) end = close;
            const bool keyed = ident(k) && is(k + 1, ":");
            const std::string key = ident(k) ? m_t[k].text : std::string();
            if (!migration_function(key) && !is(k, "...")) {
                if (keyed && !followed_import(k + 2, end)) unfollowed_at(i, key, opaque(k + 2, end));
                if (ident(k) && k + 1 == end) exported_name(i, k, key);  // shorthand `{ S }`
            }
            k = end + 1;
        }
    }

    const std::vector<Token>& m_t;
    std::vector<std::size_t> m_match;
    ImportedNames m_imports;
    const std::set<std::string, std::less<>>* m_exports_aliases = nullptr;  // names holding the exports (export_writes.cpp)
    std::map<std::string, std::string, std::less<>> m_aliases;  // const A = B at the top
    std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> m_values;  // top-level constants' value spans
    mutable std::map<std::string, std::string, std::less<>> m_judged;  // constant(): each name's reason
    std::vector<ReExport> m_reexports;
    std::set<std::string, std::less<>> m_functions;
    std::set<std::string, std::less<>> m_classes;
    std::vector<std::pair<std::size_t, std::string>> m_out;
};

}  // namespace

std::vector<std::pair<std::size_t, std::string>> borrowed_up(const std::vector<Token>& tokens,
                                                             const std::set<std::string, std::less<>>& exports_aliases) {
    return Scan(tokens, &exports_aliases).run();
}

std::vector<ReExport> reexports(const std::vector<Token>& tokens) { return Scan(tokens).reexports(); }

std::vector<std::pair<std::size_t, std::string>> unfollowed_exports(const std::vector<Token>& tokens) { return Scan(tokens).unfollowed(); }

namespace {

const Node* computed_in(const Node& n, bool in_class) {
    // The parser names a member by its first token, '[' for a computed one (js_ast.cpp class_member).
    if (in_class && n.kind == NodeKind::Func && n.name == "[") return &n;
    bool cls = n.kind == NodeKind::Other && n.name == "class";
    for (const Node& k : n.kids) {
        const Node* member = &k;
        if (cls && k.kind == NodeKind::Binary && k.name == "=" && k.kids.size() == 2) member = &k.kids[1];  // a field
        if (const Node* found = computed_in(*member, cls)) return found;
    }
    return nullptr;
}

}  // namespace

const Node* computed_method(const JsFile& file) {
    for (const Node& n : file.statements) {
        if (const Node* found = computed_in(n, false)) return found;
    }
    return nullptr;
}

}  // namespace pgfence::analyze::orm
