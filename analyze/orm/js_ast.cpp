#include "analyze/orm/js_ast.hpp"

#include <algorithm>
#include <utility>

#include "analyze/parse/limits.hpp"
#include "analyze/orm/js_parser.hpp"

namespace pgfence::analyze::orm {
namespace detail {

namespace {
// `name = value` as the parser builds it, a function value named by `name` (up = async () => ...).
Node named_assignment(std::size_t begin, const std::string& name, Node value) {
    if (value.kind == NodeKind::Func && value.name.empty()) value.name = name;
    Node assign;
    assign.kind = NodeKind::Binary;
    assign.name = "=";
    assign.begin = begin;
    assign.end = value.end;
    Node left;
    left.kind = NodeKind::Ident;
    left.name = name;
    left.begin = begin;
    left.end = begin + name.size();
    assign.kids.push_back(std::move(left));
    assign.kids.push_back(std::move(value));
    return assign;
}
}  // namespace

Parser::Parser(std::string_view text, const std::vector<Token>& tokens, const DialectHelpers* helpers)
    : m_text(text), m_t(tokens), m_helpers(helpers) {
    m_match.assign(tokens.size(), tokens.size());
    std::vector<std::size_t> stack;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        if (tokens[k].kind != TokenKind::Punct) continue;
        const std::string& p = tokens[k].text;
        if (p == "(" || p == "[" || p == "{") {
            stack.push_back(k);
        } else if (p == ")" || p == "]" || p == "}") {
            if (!stack.empty()) {
                m_match[stack.back()] = k;
                stack.pop_back();
            }
        }
    }
    m_stop = tokens.size();
}

bool Parser::too_deep() {
    if (m_depth <= k_max_js_nesting) return false;
    if (m_i < m_t.size() && (m_too_deep.empty() || m_too_deep.back() != m_t[m_i].begin)) m_too_deep.push_back(m_t[m_i].begin);
    while (more() && !punct(";") && !punct(",")) {
        const std::string& p = m_t[m_i].text;
        bool opens = m_t[m_i].kind == TokenKind::Punct && (p == "(" || p == "[" || p == "{");
        m_i = opens ? match(m_i) + 1 : m_i + 1;
    }
    return true;
}

namespace {

// The names a declaration binds: `x`, `x = 1`, `{ a, b: c, ...d } = o`, `[a, = b] = l`, `a = 1, b = 2`.
void bound_names(const Node& n, std::vector<std::string>& out) {
    switch (n.kind) {
        case NodeKind::Ident: out.push_back(n.name); return;
        case NodeKind::Binary:
            if (n.name == "=" && !n.kids.empty()) bound_names(n.kids[0], out);
            return;
        case NodeKind::Object:
        case NodeKind::Array:
            for (const Node& k : n.kids) bound_names(k, out);
            return;
        case NodeKind::Unary:  // `...rest`
            if (n.name == "..." && !n.kids.empty()) bound_names(n.kids[0], out);
            return;
        case NodeKind::Other:
            if (n.name == ",") {
                for (const Node& k : n.kids) bound_names(k, out);
            }
            return;
        default: return;
    }
}

}  // namespace

// Statements of tokens [m_i, stop).
std::vector<Node> Parser::block(std::size_t stop) {
    std::size_t saved = m_stop;
    bool saved_list = m_in_list;
    m_stop = std::min(stop, saved);
    m_in_list = false;
    std::vector<Node> out;
    while (more()) {
        std::size_t before = m_i;
        statement(out);
        if (m_i == before) ++m_i;
    }
    m_stop = saved;
    m_in_list = saved_list;
    return out;
}

// The contents of the bracket at m_i as statements; leaves m_i after the closing bracket.
std::vector<Node> Parser::bracketed_block() {
    std::size_t close = match(m_i);
    ++m_i;
    std::vector<Node> out = block(close);
    m_i = std::min(close + 1, m_stop);
    return out;
}

std::vector<Node> Parser::function_body() {
    std::vector<std::string> outer = std::exchange(m_lexical, {});
    std::vector<Node> out = bracketed_block();
    m_lexical = std::move(outer);
    return out;
}

void Parser::statement(std::vector<Node>& out) {
    Deeper deeper(*this);
    if (too_deep()) return;
    if (punct(";") || punct(",") || punct(":")) {
        ++m_i;
        return;
    }
    if (punct("{")) {
        const std::size_t begin = m_t[m_i].begin;
        std::vector<std::string> outer = std::exchange(m_lexical, {});
        std::vector<Node> inner = bracketed_block();
        scoped(out, std::move(inner), std::exchange(m_lexical, std::move(outer)), begin);
        return;
    }
    if (m_t[m_i].kind == TokenKind::Ident) {
        const std::string& w = m_t[m_i].text;
        if (w == "import") {
            while (more() && m_t[m_i].kind != TokenKind::String && !punct(";")) ++m_i;
            if (more()) ++m_i;
            return;
        }
        // `export default { up() {...} }`: an object literal, whose methods are named by their
        // keys (read as a block, `up: async () => ...` was a label and an unnamed function).
        if (w == "default" && punct("{", m_i + 1)) {
            ++m_i;
            out.push_back(expression());
            return;
        }
        if (w == "export" || w == "default" || w == "else" || w == "do" || w == "try" || w == "finally" ||
            w == "return" || w == "throw" || w == "break" || w == "continue" || w == "case" || w == "declare") {
            ++m_i;
            return;
        }
        if (w == "const" || w == "let" || w == "var") {
            ++m_i;
            // `const up: MigrationFn<QueryInterface> = ...` (TypeScript): the type skipped, the
            // function named by the variable, as without it.
            if (more() && m_t[m_i].kind == TokenKind::Ident && punct(":", m_i + 1)) {
                std::size_t begin = m_t[m_i].begin;
                std::string name = m_t[m_i].text;
                ++m_i;
                skip_type({"=", ";"});
                if (w != "var") m_lexical.push_back(name);
                if (punct("=")) {
                    ++m_i;
                    Node assign = named_assignment(begin, name, expression());
                    assign.context = w == "const" ? "const" : "let";
                    out.push_back(std::move(assign));
                } else {
                    Node declared;  // `let qr: QueryRunner`: declared here, assigned later
                    declared.kind = NodeKind::Ident;
                    declared.name = name;
                    declared.begin = begin;
                    declared.end = begin + name.size();
                    declared.context = w == "const" ? "const" : "let";
                    out.push_back(std::move(declared));
                }
                return;
            }
            const bool lexical = w != "var";
            Node n = expression();
            // A declaration (`let`/`var` marked "let"): the walker tells a name the function
            // declares from one it assigns outside itself (walker.cpp, escapes).
            if ((n.kind == NodeKind::Binary && n.name == "=") || n.kind == NodeKind::Ident) n.context = w == "const" ? "const" : "let";
            if (lexical) bound_names(n, m_lexical);
            out.push_back(std::move(n));
            return;
        }
        if (w == "if" || w == "while" || w == "for" || w == "switch" || w == "catch" || w == "with") {
            ++m_i;
            if (word("await")) ++m_i;
            std::string context;
            std::size_t open = std::string_view::npos;
            if (punct("(")) {
                open = m_i;
                const std::size_t begin = m_t[open].begin;
                // `catch (e)` and `for (let x ...)` bind names for the block after them only.
                const bool binds = w == "catch" || (w == "for" && (word("let", open + 1) || word("const", open + 1)));
                std::vector<std::string> outer = std::exchange(m_lexical, {});
                std::vector<Node> head = bracketed_block();
                std::vector<std::string> names = std::exchange(m_lexical, std::move(outer));
                for (std::size_t k = open; k < m_i; ++k) {
                    const std::string& name = m_t[k].text;
                    if (m_t[k].kind == TokenKind::Ident && (name == "hasTable" || name == "hasColumn" || name == "hasIndex")) {
                        context = "guarded by " + name + "(): analysed as if the condition holds";
                    }
                }
                if (binds && more()) {
                    if (w == "catch") {
                        // The parameter is a binding, not a use: only a pattern's defaults are code.
                        names.clear();
                        std::erase_if(head, [&](const Node& n) { return n.kind == NodeKind::Ident && (names.push_back(n.name), true); });
                        for (const Node& n : head) bound_names(n, names);
                    }
                    statement(head);  // the body, in the same scope as the head's names
                    const std::size_t at = out.size();
                    scoped(out, std::move(head), std::move(names), begin);
                    if (w == "catch" && out.size() == at + 1 && out[at].kind == NodeKind::Other && out[at].name == "{}") {
                        out[at].keys.push_back("catch");
                    }
                    return;
                }
                for (auto& n : head) out.push_back(std::move(n));
            }
            // A branch for another database only (js_dialects.hpp) is parsed past, not kept.
            const bool closed = open != std::string_view::npos && m_match[open] < m_t.size();
            if (w == "switch" && closed && punct("{")) {
                const std::string subject = dialects().subject(open + 1, m_match[open]);
                if (!subject.empty() && dialect_switch(out, subject, open)) return;
            }
            OnPg on_pg = OnPg::Maybe;
            std::string subject;
            if (w == "if" && closed && more()) on_pg = dialects().condition(open + 1, m_match[open], subject);
            if (w == "if" && (!context.empty() || on_pg != OnPg::Maybe) && more()) {
                std::string databases;
                for (std::size_t k = open + 1; k < m_match[open]; ++k) {
                    const Token& t = m_t[k];
                    if (t.kind == TokenKind::String && db_name(t.string.value) == DbName::Other) {
                        databases += (databases.empty() ? "" : ", ") + t.string.value;
                    } else if (t.kind == TokenKind::Template && t.parts.size() == 1 && !t.parts[0].interpolation &&
                               db_name(t.parts[0].text.value) == DbName::Other) {
                        databases += (databases.empty() ? "" : ", ") + t.parts[0].text.value;
                    }
                }
                if (databases.empty()) databases = std::string(m_text.substr(m_t[open].end, m_t[m_match[open]].begin - m_t[open].end));
                const std::size_t body_from = m_i;
                std::vector<Node> body;
                statement(body);
                if (on_pg == OnPg::No) {
                    if (!body.empty()) skipped_branch(body_from, m_i, subject, databases);
                } else {
                    for (auto& n : body) {
                        if (!context.empty()) mark(n, context);
                        out.push_back(std::move(n));
                    }
                }
                if (on_pg == OnPg::Yes && word("else") && m_i + 1 < m_stop) {
                    ++m_i;
                    const std::size_t else_from = m_i;
                    std::vector<Node> dead;
                    statement(dead);
                    if (!dead.empty()) skipped_branch(else_from, m_i, subject, "not " + databases);
                }
            }
            return;
        }
        // TypeScript declarations (`module.exports = ...` is an expression, not one).
        if ((w == "interface" || w == "enum" || w == "namespace" || w == "module" || w == "type") &&
            m_i + 1 < m_stop && m_t[m_i + 1].kind != TokenKind::Punct && !newline_before(m_i + 1) &&
            (w != "type" || punct("=", m_i + 2))) {
            if (w == "type") {
                m_i += 3;
                (void)assignment();
                return;
            }
            while (more() && !punct("{")) ++m_i;
            if (more()) m_i = match(m_i) + 1;
            return;
        }
        if (w == "class" || (w == "abstract" && word("class", m_i + 1))) {
            out.push_back(class_declaration());
            return;
        }
    }
    out.push_back(expression());
}

const DialectReader& Parser::dialects() {
    if (!m_dialects) m_dialects.emplace(m_t, m_match, m_helpers);
    return *m_dialects;
}

void Parser::skipped_branch(std::size_t from, std::size_t to, const std::string& subject, std::string databases) {
    JsFile::DialectSkip skip{m_t[from].begin, subject, std::move(databases)};
    skip.end = to > from && to <= m_t.size() ? m_t[to - 1].end : skip.at;
    skip.may_run = may_run_on_postgres(m_t, from, to);
    m_dialect_skips.push_back(std::move(skip));
}

bool Parser::dialect_switch(std::vector<Node>& out, const std::string& subject, std::size_t) {
    const std::size_t open = m_i, close = m_match[open];
    if (close >= m_stop || !punct("}", close)) return false;
    auto skip = [&](std::size_t k) {
        return (punct("(", k) || punct("[", k) || punct("{", k)) && m_match[k] < close ? m_match[k] : k;
    };
    // The labels at the body's top level: `case <value>:` and `default:`.
    struct Label {
        std::size_t start, colon;
        DbName db;
    };
    std::vector<Label> labels;
    for (std::size_t k = open + 1; k < close; k = skip(k) + 1) {
        const bool member = punct(".", k - 1) || punct("?.", k - 1);
        if (word("default", k) && !member && punct(":", k + 1)) {
            labels.push_back(Label{k, k + 1, DbName::None});
            k = k + 1;
        } else if (word("case", k) && !member) {
            std::size_t colon = k + 1;
            while (colon < close && !punct(":", colon)) colon = skip(colon) + 1;
            if (colon >= close) return false;
            labels.push_back(Label{k, colon, dialects().label(k + 1, colon)});
            k = colon;
        }
    }
    // Whether control can leave a case's statements [from, to) at their end and run the next
    // case's: no `break`, `return`, `throw` or `continue` that is a statement of its own there.
    // A jump right after `if (...)`, `else`, a loop's head is one of their bodies; one after a
    // `;`, a `}`, a label or a line break (automatic semicolon insertion) is a statement.
    auto falls_through = [&](std::size_t from, std::size_t to) {
        std::size_t guard_close = std::string_view::npos;  // the `)` of the last `if (`/`while (` met
        for (std::size_t k = from; k < to; k = skip(k) + 1) {
            if (punct("(", k) && k > from && (word("if", k - 1) || word("while", k - 1) || word("for", k - 1) || word("with", k - 1))) {
                guard_close = m_match[k];
            }
            const bool jump = word("break", k) || word("return", k) || word("throw", k) || word("continue", k);
            if (!jump) continue;
            if (k > from && (k - 1 == guard_close || word("else", k - 1) || word("do", k - 1))) continue;
            if (k == from || punct(";", k - 1) || punct("}", k - 1) || punct(":", k - 1) || newline_before(k)) return false;
        }
        return true;
    };
    std::vector<std::string> outer = std::exchange(m_lexical, {});
    std::vector<Node> inner;
    auto read = [&](std::size_t from, std::size_t to, bool keep, const std::string& databases) {
        m_i = from;
        std::vector<Node> nodes = block(to);
        if (keep) {
            for (auto& n : nodes) inner.push_back(std::move(n));
        } else if (!nodes.empty()) {
            skipped_branch(from, to, subject, databases);
        }
    };
    const std::size_t first = labels.empty() ? close : labels.front().start;
    read(open + 1, first, true, {});
    bool runs = false;  // whether the case before can run on PostgreSQL and fall into this one
    for (std::size_t i = 0; i < labels.size();) {
        std::size_t j = i;
        bool may = runs;
        std::string databases;
        // Labels with nothing between them share the statements after the last.
        for (;; ++j) {
            may = may || labels[j].db != DbName::Other;
            if (labels[j].db == DbName::Other) {
                std::string value(m_text.substr(m_t[labels[j].start + 1].begin, m_t[labels[j].colon - 1].end - m_t[labels[j].start + 1].begin));
                databases += (databases.empty() ? "" : ", ") + value;
            }
            if (j + 1 >= labels.size() || labels[j + 1].start != labels[j].colon + 1) break;
        }
        const std::size_t from = labels[j].colon + 1, to = j + 1 < labels.size() ? labels[j + 1].start : close;
        read(from, to, may, databases);
        runs = may && falls_through(from, to);
        i = j + 1;
    }
    m_i = std::min(close + 1, m_stop);
    scoped(out, std::move(inner), std::exchange(m_lexical, std::move(outer)), m_t[open].begin);
    return true;
}

void Parser::scoped(std::vector<Node>& out, std::vector<Node> kids, std::vector<std::string> names, std::size_t begin) {
    if (names.empty()) {
        for (auto& n : kids) out.push_back(std::move(n));
        return;
    }
    Node scope;
    scope.kind = NodeKind::Other;
    scope.name = "{}";
    scope.begin = begin;
    scope.end = kids.empty() ? begin : kids.back().end;
    scope.params = std::move(names);
    scope.kids = std::move(kids);
    out.push_back(std::move(scope));
}

void Parser::mark(Node& n, const std::string& context) {
    if (n.context != "const" && n.context != "let") n.context = context;
    for (auto& k : n.kids) mark(k, context);
}

Node Parser::class_declaration() {
    Node cls;
    cls.kind = NodeKind::Other;
    cls.begin = m_t[m_i].begin;
    // `class Name extends Base implements I {`: the name and the base, for calls of its methods.
    cls.name = "class";
    cls.keys = {"", ""};
    for (bool after_class = false, after_extends = false; more() && !punct("{"); ++m_i) {
        if (m_t[m_i].kind == TokenKind::Ident && after_class && cls.keys[0].empty()) cls.keys[0] = m_t[m_i].text;
        else if (m_t[m_i].kind == TokenKind::Ident && after_extends && cls.keys[1].empty()) cls.keys[1] = m_t[m_i].text;
        after_class = word("class");
        after_extends = word("extends");
    }
    if (!more()) return cls;
    {
        Inside inside(*this);
        while (more()) {
            std::size_t before = m_i;
            class_member(cls.kids);
            if (m_i == before) ++m_i;
        }
    }
    cls.end = prev_end();
    return cls;
}

void Parser::class_member(std::vector<Node>& out) {
    static const char* k_modifiers[] = {"public", "private", "protected", "static", "readonly", "async",
                                        "abstract", "override", "declare", "get", "set"};
    if (punct(";") || punct(",")) {
        ++m_i;
        return;
    }
    std::size_t begin = m_t[m_i].begin;
    bool skipped = true;
    while (skipped && more()) {
        skipped = false;
        for (const char* m : k_modifiers) {
            // A modifier is followed by the member's name, not by '(' or '=' (a method named "get").
            if (word(m) && m_i + 1 < m_stop && !punct("(", m_i + 1) && !punct("=", m_i + 1) && !punct(":", m_i + 1)) {
                ++m_i;
                skipped = true;
            }
        }
        if (punct("*")) {
            ++m_i;
            skipped = true;
        }
    }
    if (!more()) return;
    std::string name = m_t[m_i].kind == TokenKind::String ? m_t[m_i].string.value : m_t[m_i].text;
    if (punct("[")) m_i = match(m_i);
    ++m_i;
    if (punct("?") || punct("!")) ++m_i;
    if (punct("(") || punct("<")) {
        Node f = function_rest(begin);
        f.name = name;
        out.push_back(std::move(f));
        return;
    }
    if (punct(":")) skip_type({"=", ";"});
    if (punct("=")) {
        ++m_i;
        out.push_back(named_assignment(begin, name, expression()));
    }
}

// Skips a type annotation (after ':') up to one of `ends` at depth 0, a '{' body or '=>',
// or a new line that starts another member.
void Parser::skip_type(std::initializer_list<std::string_view> ends, bool stop_at_brace) {
    ++m_i;
    int angle = 0;
    while (more()) {
        if (angle == 0) {
            for (auto e : ends) {
                if (punct(e)) return;
            }
            if (punct("=>") || punct(")") || punct("}") || punct("]")) return;
            if (stop_at_brace && punct("{")) return;
            if (newline_before(m_i) && !punct("|") && !punct("&") && !punct("{") && !punct("<")) return;
        }
        if (punct("<")) ++angle;
        else if (punct(">")) --angle;
        else if (punct(">>")) angle -= 2;
        if (punct("(") || punct("[") || punct("{")) m_i = match(m_i);
        ++m_i;
    }
}

// Parameter names of the parenthesised list at m_i; leaves m_i after ')'.
std::vector<std::string> Parser::params() {
    std::vector<std::string> out;
    if (!punct("(")) return out;
    std::size_t close = match(m_i);
    bool expect = true;
    for (std::size_t k = m_i + 1; k < close; ++k) {
        const Token& tk = m_t[k];
        if (tk.kind == TokenKind::Punct && (tk.text == "(" || tk.text == "[" || tk.text == "{")) {
            if (expect) out.emplace_back();
            expect = false;
            k = m_match[k] < close ? m_match[k] : close;
            continue;
        }
        if (tk.kind == TokenKind::Punct && tk.text == ",") {
            expect = true;
            continue;
        }
        if (expect && tk.kind == TokenKind::Ident && tk.text != "public" && tk.text != "private" &&
            tk.text != "readonly" && tk.text != "protected") {
            out.push_back(tk.text);
            expect = false;
        }
    }
    m_i = std::min(close + 1, m_stop);
    return out;
}

// From a function's parameter list (or its type parameters) to the end of its body.
Node Parser::function_rest(std::size_t begin) {
    Node f;
    f.kind = NodeKind::Func;
    f.begin = begin;
    if (punct("<")) {
        while (more() && !punct("(")) ++m_i;
    }
    f.params = params();
    if (punct(":")) skip_type({}, true);
    if (punct("=>")) ++m_i;
    if (punct("{")) {
        f.kids = function_body();
    } else if (more()) {
        f.kids.push_back(assignment());
        f.returns = true;
    }
    f.end = prev_end();
    return f;
}

}  // namespace detail

JsFile parse_js(std::string_view text) { return parse_js(text, std::string_view{}); }

JsFile parse_js(std::string_view text, std::string_view path) {
    JsFile file;
    file.tokens = lex_js(text);
    const DialectHelpers helpers = dialect_helpers(file.tokens, path);
    detail::Parser parser(text, file.tokens, &helpers);
    file.statements = parser.file();
    file.too_deep = parser.too_deep_at();
    file.dialect_skipped = parser.take_dialect_skips();
    for (const Token& t : file.tokens) {
        if (t.too_deep) file.too_deep.push_back(t.begin);
        if (!t.unreadable.empty()) file.unreadable.emplace_back(t.begin, t.unreadable);
    }
    std::sort(file.too_deep.begin(), file.too_deep.end());
    return file;
}

std::string dotted_name(const Node& node) {
    if (node.kind == NodeKind::Ident) return node.name;
    if (node.kind == NodeKind::Member && !node.kids.empty()) {
        std::string base = dotted_name(node.kids[0]);
        return base.empty() ? std::string() : base + "." + node.name;
    }
    return {};
}

}  // namespace pgfence::analyze::orm
