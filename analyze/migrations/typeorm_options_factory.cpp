#include "analyze/migrations/typeorm_options_factory.hpp"

#include <vector>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {
namespace {

using orm::Token;
using orm::TokenKind;

constexpr std::size_t k_largest = 1u << 20;

struct Lexed {
    std::vector<Token> t;
    std::vector<std::size_t> partner;  // each bracket's partner (none: t.size())
    bool readable = true;

    explicit Lexed(std::string_view text) : t(orm::lex_js(text)), partner(t.size(), t.size()) {
        std::vector<std::size_t> open;
        for (std::size_t k = 0; k < t.size(); ++k) {
            if (!t[k].unreadable.empty() || t[k].unterminated) readable = false;
            if (is(k, "(") || is(k, "[") || is(k, "{")) open.push_back(k);
            else if ((is(k, ")") || is(k, "]") || is(k, "}")) && !open.empty()) {
                partner[open.back()] = k;
                partner[k] = open.back();
                open.pop_back();
            }
        }
        readable = readable && open.empty();
    }
    bool is(std::size_t k, std::string_view s) const {
        return k < t.size() && (t[k].kind == TokenKind::Ident || t[k].kind == TokenKind::Punct) && t[k].text == s;
    }
    bool ident(std::size_t k) const { return k < t.size() && t[k].kind == TokenKind::Ident; }
    // The uses of the name `s` (a member `x.s` is another name: laudspeaker's `dotenv.config()`).
    std::size_t count(std::string_view s) const {
        std::size_t n = 0;
        for (std::size_t k = 0; k < t.size(); ++k) n += is(k, s) && !(k > 0 && (is(k - 1, ".") || is(k - 1, "?."))) ? 1 : 0;
        return n;
    }
};

// In `text`, the object literal `method` of `cls` returns as its whole body: [begin, end) offsets.
std::optional<std::pair<std::size_t, std::size_t>> returned_literal(std::string_view text, const std::string& cls, const std::string& method,
                                                                    bool statically) {
    if (text.size() > k_largest) return std::nullopt;
    const Lexed x(text);
    const std::size_t n = x.t.size();
    // A decorator may replace the class or its method, a prototype write the method (not read).
    if (!x.readable || x.count("@") > 0 || x.count("prototype") > 0 || x.count(cls) == 0) return std::nullopt;
    std::size_t body = n;
    for (std::size_t k = 0; k + 2 < n; ++k) {
        if (!x.is(k, "class") || !x.is(k + 1, cls)) continue;
        if (body != n) return std::nullopt;  // two classes of that name
        std::size_t b = k + 2;
        while (b < n && !x.is(b, "{")) ++b;
        if (b == n || x.partner[b] == n) return std::nullopt;
        body = b;
    }
    if (body == n) return std::nullopt;
    std::optional<std::pair<std::size_t, std::size_t>> found;
    // Members at the top of the class body.
    for (std::size_t k = body + 1; k < x.partner[body]; ++k) {
        if (x.is(k, "(") || x.is(k, "[") || x.is(k, "{")) {
            k = x.partner[k];
            continue;
        }
        if (!x.is(k, method) || !x.is(k + 1, "(")) continue;
        // Its modifiers: `static` exactly where asked; no `async`, `get`, `*`.
        bool is_static = false;
        for (std::size_t m = k; m > body + 1;) {
            --m;
            if (x.is(m, "static")) is_static = true;
            else if (x.is(m, "public") || x.is(m, "private") || x.is(m, "protected") || x.is(m, "readonly")) continue;
            else if (x.is(m, "async") || x.is(m, "get") || x.is(m, "set") || x.is(m, "*")) return std::nullopt;
            else break;
        }
        if (found || is_static != statically) return std::nullopt;
        const std::size_t params = k + 1;
        if (x.partner[params] != params + 1) return std::nullopt;  // takes no parameters
        std::size_t open = params + 2;
        while (open < x.partner[body] && !x.is(open, "{") && !x.is(open, ";")) {
            open = x.partner[open] != n && x.partner[open] > open ? x.partner[open] + 1 : open + 1;  // a return type
        }
        if (!x.is(open, "{")) return std::nullopt;
        const std::size_t close = x.partner[open];
        // The whole body: `return { ... } ;? }`.
        if (!x.is(open + 1, "return") || !x.is(open + 2, "{")) return std::nullopt;
        const std::size_t lit_end = x.partner[open + 2];
        if (!(lit_end + 1 == close || (x.is(lit_end + 1, ";") && lit_end + 2 == close))) return std::nullopt;
        found = std::pair{x.t[open + 2].begin, x.t[lit_end].end};
        k = close;
    }
    return found;
}

}  // namespace

std::optional<FactoryOptions> factory_options(std::string_view path, std::string_view text, const LoadModule& load) {
    if (text.size() > k_largest) return std::nullopt;
    const Lexed x(text);
    const std::size_t n = x.t.size();
    if (!x.readable) return std::nullopt;
    // The one `new DataSource(name)` (or `name as T`).
    std::size_t arg = n;
    for (std::size_t k = 1; k + 2 < n; ++k) {
        if (!x.is(k, "DataSource") || !x.is(k + 1, "(")) continue;
        if (arg != n || !x.is(k - 1, "new") || !x.ident(k + 2)) return std::nullopt;
        if (!(x.is(k + 3, ")") || (x.is(k + 3, "as") && x.partner[k + 1] != n))) return std::nullopt;
        arg = k + 2;
    }
    if (arg == n) return std::nullopt;
    const std::string name = x.t[arg].text;
    // `const name = new C().m();` or `const name = C.m();`, and name nowhere else.
    if (x.count(name) != 2) return std::nullopt;
    std::size_t decl = n;
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (x.is(k, "const") && x.is(k + 1, name) && x.is(k + 2, "=")) decl = k + 3;
    }
    if (decl == n) return std::nullopt;
    std::string cls, method;
    bool statically = false;
    std::size_t after = n;
    if (x.is(decl, "new") && x.ident(decl + 1) && x.is(decl + 2, "(") && x.is(decl + 3, ")") && x.is(decl + 4, ".") && x.ident(decl + 5) &&
        x.is(decl + 6, "(") && x.is(decl + 7, ")")) {
        cls = x.t[decl + 1].text, method = x.t[decl + 5].text, after = decl + 8;
    } else if (x.ident(decl) && x.is(decl + 1, ".") && x.ident(decl + 2) && x.is(decl + 3, "(") && x.is(decl + 4, ")")) {
        cls = x.t[decl].text, method = x.t[decl + 2].text, after = decl + 5, statically = true;
    } else {
        return std::nullopt;
    }
    // The call is the whole value (not `new C().m().x`, `... || other`).
    for (std::string_view more : {".", "(", "[", "?", "?.", "||", "&&", "??", ",", "+"}) {
        if (x.is(after, more)) return std::nullopt;
    }
    // The class: here, or `import { C } from './x'` (one named import, not renamed).
    if (x.count(cls) < 2) return std::nullopt;
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (x.is(k, "class") && x.is(k + 1, cls)) {
            auto lit = returned_literal(text, cls, method, statically);
            if (!lit) return std::nullopt;
            std::string masked(text);
            for (std::size_t c = 0; c < masked.size(); ++c) {
                if ((c < lit->first || c >= lit->second) && masked[c] != '\n') masked[c] = ' ';
            }
            return FactoryOptions{std::string(path), std::move(masked)};
        }
    }
    for (std::size_t k = 1; k + 3 < n; ++k) {
        if (!x.is(k, cls) || !(x.is(k - 1, "{") || x.is(k - 1, ",")) || !(x.is(k + 1, "}") || x.is(k + 1, ","))) continue;
        std::size_t close = k;
        while (close < n && !x.is(close, "}")) ++close;
        if (!x.is(close + 1, "from") || close + 2 >= n || x.t[close + 2].kind != TokenKind::String) continue;
        const std::string spec = x.t[close + 2].string.value;
        if (!(spec.starts_with("./") || spec.starts_with("../"))) return std::nullopt;
        auto loaded = load(path, spec);
        if (!loaded) return std::nullopt;
        auto lit = returned_literal(loaded->second, cls, method, statically);
        if (!lit) return std::nullopt;
        std::string masked = loaded->second;
        for (std::size_t c = 0; c < masked.size(); ++c) {
            if ((c < lit->first || c >= lit->second) && masked[c] != '\n') masked[c] = ' ';
        }
        return FactoryOptions{loaded->first, std::move(masked)};
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::tools
