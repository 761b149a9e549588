#include "analyze/orm/borrowed_up.hpp"

#include <set>
#include <string_view>

namespace pgfence::analyze::orm {
namespace {

class Scan {
public:
    explicit Scan(const std::vector<Token>& t) : m_t(t) {
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
            if (after != 0 && is(after, ".") && (is(after + 1, "up") || is(after + 1, "down")) && is(after + 2, "=") &&
                !is(after + 3, "=") && !local_function(after + 3)) {
                flag(i, "`exports." + m_t[after + 1].text + "` is set to a function defined elsewhere (another module's, or a value "
                        "pgfence does not read as one): the tool runs it, pgfence does not read it");
            }
            if (after != 0 && (after == i + 3 || is(i, "exports")) && is(after, "=") && is(after + 1, "{")) exported_object(i, after + 1);
            if (is(i, "export")) esm_export(i);
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

    // `exports` or `module.exports` at k: the index after it, else 0.
    std::size_t exports_at(std::size_t k) const {
        if (is(k, "exports")) return k + 1;
        if (is(k, "module") && is(k + 1, ".") && is(k + 2, "exports")) return k + 3;
        return 0;
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

    // `export * from`, `export { up } from`, `export { x as up }`, `export const up = h.up`.
    void esm_export(std::size_t i) {
        if (is(i + 1, "*")) {
            if (beside(i + 1)) return;
            flag(i, "`export * from` re-exports another module's names, among them the up() the tool may run: pgfence does not read it");
            return;
        }
        if (is(i + 1, "{") && m_match[i + 1] < m_t.size()) {
            std::size_t close = m_match[i + 1];
            bool from = is(close + 1, "from");
            if (from && beside(close + 1)) return;
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
        const std::string& module = m_t[k].string.value;
        return module.starts_with("./") && module.find('/', 2) == std::string::npos;
    }

    // `class S extends Base { ... }` with no up() of its own and Base not a class of this file.
    void inherits(std::size_t i) {
        std::size_t k = i + 1;
        if (ident(k) && !is(k, "extends")) ++k;
        if (!is(k, "extends") || !ident(k + 1)) return;
        std::string base = m_t[k + 1].text;
        bool dotted = is(k + 2, ".");
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

    const std::vector<Token>& m_t;
    std::vector<std::size_t> m_match;
    std::set<std::string, std::less<>> m_functions;
    std::set<std::string, std::less<>> m_classes;
    std::vector<std::pair<std::size_t, std::string>> m_out;
};

}  // namespace

std::vector<std::pair<std::size_t, std::string>> borrowed_up(const std::vector<Token>& tokens) { return Scan(tokens).run(); }

}  // namespace pgfence::analyze::orm
