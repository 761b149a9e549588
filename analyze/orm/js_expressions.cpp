// The expression-level half of the JavaScript/TypeScript parser (see js_parser.hpp).
#include <algorithm>
#include <string>
#include <utility>

#include "analyze/parse/limits.hpp"
#include "analyze/orm/js_parser.hpp"

namespace pgfence::analyze::orm::detail {
namespace {

int precedence(const std::string& op) {
    static const std::pair<const char*, int> k_ops[] = {
        {"??", 1}, {"||", 2}, {"&&", 3}, {"|", 4}, {"^", 5}, {"&", 6}, {"==", 7}, {"!=", 7}, {"===", 7},
        {"!==", 7}, {"<", 8}, {">", 8}, {"<=", 8}, {">=", 8}, {"instanceof", 8}, {"in", 8}, {"+", 9},
        {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10}, {"**", 11}};
    for (const auto& [name, prec] : k_ops) {
        if (op == name) return prec;
    }
    return -1;
}

bool is_assignment(const std::string& op) {
    return op == "=" || op == "+=" || op == "-=" || op == "*=" || op == "/=" || op == "**=";
}

}  // namespace

Node Parser::expression() {
    Node first = assignment();
    if (!punct(",") || m_in_list) return first;
    Node seq;
    seq.kind = NodeKind::Other;
    seq.name = ",";
    seq.begin = first.begin;
    seq.kids.push_back(std::move(first));
    while (punct(",")) {
        ++m_i;
        if (!more()) break;
        seq.kids.push_back(assignment());
    }
    seq.end = prev_end();
    return seq;
}

Node Parser::assignment() {
    Deeper deeper(*this);
    if (too_deep()) return leaf_other();
    Node left = conditional();
    if (more() && m_t[m_i].kind == TokenKind::Punct &&
        (is_assignment(m_t[m_i].text) || m_t[m_i].text == "?\?=" || m_t[m_i].text == "||=")) {
        Node n;
        n.kind = NodeKind::Binary;
        n.name = m_t[m_i].text;
        ++m_i;
        n.begin = left.begin;
        Node right = assignment();
        // A function is called by what it is assigned to: `exports.up = async function migrate(knex)`
        // is the migration's up (its own name is bound only inside its body).
        if (right.kind == NodeKind::Func && (right.name.empty() || left.kind == NodeKind::Member)) {
            right.name = left.kind == NodeKind::Ident || left.kind == NodeKind::Member ? left.name : "";
        }
        n.end = right.end;
        n.kids.push_back(std::move(left));
        n.kids.push_back(std::move(right));
        return n;
    }
    return left;
}

Node Parser::conditional() {
    Node cond = binary(1);
    if (!punct("?")) return cond;
    Node n;
    n.kind = NodeKind::Other;
    n.name = "?:";  // kids: the condition, then its two branches
    n.begin = cond.begin;
    n.kids.push_back(std::move(cond));
    ++m_i;
    bool saved = m_in_list;
    m_in_list = true;
    n.kids.push_back(assignment());
    if (punct(":")) {
        ++m_i;
        n.kids.push_back(assignment());
    }
    m_in_list = saved;
    n.end = prev_end();
    return n;
}

Node Parser::binary(int min_prec) {
    Node left = unary();
    int links = 0;  // a left-deep chain: each link one level deeper
    while (more()) {
        if (word("as") || word("satisfies")) {
            ++m_i;
            skip_type_expression();
            left.end = prev_end();
            continue;
        }
        const Token& tk = m_t[m_i];
        if (tk.kind != TokenKind::Punct && !(tk.kind == TokenKind::Ident && (tk.text == "instanceof" || tk.text == "in")))
            break;
        int prec = precedence(tk.text);
        if (prec < min_prec) break;
        ++links, ++m_depth;
        if (too_deep()) break;
        Node n;
        n.kind = NodeKind::Binary;
        n.name = tk.text;
        ++m_i;
        n.begin = left.begin;
        Node right = binary(prec + 1);
        n.end = right.end;
        n.kids.push_back(std::move(left));
        n.kids.push_back(std::move(right));
        left = std::move(n);
    }
    m_depth -= links;
    return left;
}

std::size_t Parser::type_arguments_end() const {
    // Bounded, so a run of '<' comparisons costs linear time; longer type arguments are not read
    // as such (the expression then is not a call pgfence reads, and its runner use is unknown).
    constexpr std::size_t k_max_type_tokens = 256;
    int depth = 0;
    for (std::size_t k = m_i; k < m_stop && k < m_i + k_max_type_tokens; ++k) {
        const Token& t = m_t[k];
        if (t.kind == TokenKind::Punct) {
            if (t.text == "<") ++depth;
            else if (t.text == ">" && --depth == 0) return k + 1;
            else if (t.text == ";" || t.text == "=" || t.text == "==" || t.text == "===" || t.text == "!=" ||
                     t.text == "!==" || t.text == "&&" || t.text == "||" || t.text == "+" || t.text == "-" ||
                     t.text == "*" || t.text == "/" || t.text == "%" || t.text == "<=" || t.text == ">=")
                return 0;
        } else if (t.kind == TokenKind::Template || t.kind == TokenKind::Regex) {
            return 0;
        }
    }
    return 0;
}

void Parser::skip_type_expression() {
    if (word("const")) {
        ++m_i;
        return;
    }
    while (more()) {
        if (m_t[m_i].kind == TokenKind::Ident) ++m_i;
        else return;
        if (punct("<")) {
            int depth = 0;
            while (more()) {
                if (punct("<")) ++depth;
                if (punct(">")) --depth;
                ++m_i;
                if (depth == 0) break;
            }
        }
        while (punct("[") && punct("]", m_i + 1)) m_i += 2;
        if (punct(".")) ++m_i;
        else return;
    }
}

Node Parser::unary() {
    if (!more()) return leaf_other();
    const Token& tk = m_t[m_i];
    bool prefix = (tk.kind == TokenKind::Punct && (tk.text == "!" || tk.text == "-" || tk.text == "+" ||
                                                   tk.text == "~" || tk.text == "..." || tk.text == "++" ||
                                                   tk.text == "--")) ||
                  (tk.kind == TokenKind::Ident && (tk.text == "typeof" || tk.text == "void" || tk.text == "delete" ||
                                                   tk.text == "await" || tk.text == "yield"));
    if (prefix) {
        Deeper deeper(*this);
        if (too_deep()) return leaf_other();
        Node n;
        n.kind = NodeKind::Unary;
        n.name = tk.text;
        n.begin = tk.begin;
        ++m_i;
        n.kids.push_back(unary());
        n.end = n.kids.back().end;
        return n;
    }
    if (tk.kind == TokenKind::Ident && tk.text == "new") {
        Node n;
        n.kind = NodeKind::New;
        n.begin = tk.begin;
        ++m_i;
        Node callee = primary();
        while (punct(".") && m_i + 1 < m_stop && m_t[m_i + 1].kind == TokenKind::Ident) callee = member_of(std::move(callee));
        n.kids.push_back(std::move(callee));
        if (punct("(")) arguments(n);
        n.end = prev_end();
        return postfix(std::move(n));
    }
    return postfix(primary());
}

void Parser::arguments(Node& call) {
    Inside inside(*this, true);
    while (more()) {
        if (punct(",")) {
            ++m_i;
            continue;
        }
        std::size_t before = m_i;
        call.kids.push_back(assignment());
        if (m_i == before) ++m_i;
    }
}

Node Parser::member_of(Node object) {
    Node m;
    m.kind = NodeKind::Member;
    m.begin = object.begin;
    m.name = m_t[m_i + 1].text;
    m_i += 2;
    m.end = prev_end();
    m.kids.push_back(std::move(object));
    return m;
}

Node Parser::postfix(Node node) {
    int links = 0;  // a.b.c and f()() nest left-deep like a binary chain
    struct Restore {
        Parser& p;
        int& links;
        ~Restore() { p.m_depth -= links; }
    } restore{*this, links};
    // A link counts once it is built: the arguments of f(...) nest under f, not under a chain.
    for (; more(); ++links, ++m_depth) {
        if (too_deep()) break;
        if ((punct(".") || punct("?.")) && m_i + 1 < m_stop && m_t[m_i + 1].kind == TokenKind::Ident) {
            node = member_of(std::move(node));
        } else if (punct("?.") && (punct("(", m_i + 1) || punct("[", m_i + 1))) {
            ++m_i;
        } else if (punct("(")) {
            Node c;
            c.kind = NodeKind::Call;
            c.begin = node.begin;
            c.kids.push_back(std::move(node));
            arguments(c);
            c.end = prev_end();
            node = std::move(c);
        } else if (punct("[")) {
            Node x;
            x.kind = NodeKind::Index;
            x.begin = node.begin;
            x.kids.push_back(std::move(node));
            {
                Inside inside(*this);
                if (more()) x.kids.push_back(expression());
            }
            x.end = prev_end();
            node = std::move(x);
        } else if (more() && m_t[m_i].kind == TokenKind::Template && !newline_before(m_i)) {
            Node c;  // a tagged template: tag`...`
            c.kind = NodeKind::Call;
            c.begin = node.begin;
            c.kids.push_back(std::move(node));
            c.kids.push_back(leaf(NodeKind::Template));
            c.end = prev_end();
            node = std::move(c);
        } else if (punct("!") && !newline_before(m_i) &&
                   (punct(".", m_i + 1) || punct(")", m_i + 1) || punct(",", m_i + 1) || punct(";", m_i + 1) ||
                    punct("[", m_i + 1) || punct("(", m_i + 1))) {
            ++m_i;  // TypeScript non-null assertion: query!(...) is query(...)
        } else if (std::size_t after = punct("<") ? type_arguments_end() : 0; after != 0 && punct("(", after)) {
            // TypeScript type arguments of a call, query<T>(...): dropped, the same call. (In a .js
            // file this reads as comparisons; taking it as the call only ever adds what is read.)
            m_i = after;
        } else if ((punct("++") || punct("--")) && !newline_before(m_i)) {
            // A postfix update, `idx++` (ECMA-262 UpdateExpression: no line break before the
            // operator, else it starts the next statement); nothing chains after it.
            Node u;
            u.kind = NodeKind::Unary;
            u.name = m_t[m_i].text;
            u.begin = node.begin;
            ++m_i;
            u.end = prev_end();
            u.kids.push_back(std::move(node));
            node = std::move(u);
            break;
        } else {
            break;
        }
    }
    return node;
}

Node Parser::leaf(NodeKind kind) {
    Node n;
    n.kind = kind;
    n.token = static_cast<int>(m_i);
    n.begin = m_t[m_i].begin;
    n.end = m_t[m_i].end;
    if (kind == NodeKind::Ident || kind == NodeKind::Number) n.name = m_t[m_i].text;
    ++m_i;
    return n;
}

Node Parser::leaf_other() {
    Node n;
    n.kind = NodeKind::Other;
    n.begin = n.end = prev_end();
    return n;
}

// After '(' ... ')' or an identifier: is this an arrow function's parameter list?
bool Parser::arrow_follows(std::size_t after) const {
    if (punct("=>", after)) return true;
    if (!punct(":", after)) return false;
    // (a: T): R => ...: find '=>' before a ';' or '{' at depth 0.
    for (std::size_t k = after + 1; k < m_stop; ++k) {
        const Token& tk = m_t[k];
        if (tk.kind != TokenKind::Punct) continue;
        if (tk.text == "=>") return true;
        if (tk.text == ";" || tk.text == "{" || tk.text == ")" || tk.text == "," || tk.text == "}") return false;
    }
    return false;
}

Node Parser::primary() {
    if (!more()) return leaf_other();
    const Token& tk = m_t[m_i];
    std::size_t begin = tk.begin;
    switch (tk.kind) {
        case TokenKind::String: return leaf(NodeKind::String);
        case TokenKind::Template: return leaf(NodeKind::Template);
        case TokenKind::Number: return leaf(NodeKind::Number);
        case TokenKind::Regex: return leaf(NodeKind::Other);
        case TokenKind::Ident: {
            if (tk.text == "async" && (word("function", m_i + 1) || punct("(", m_i + 1))) {
                ++m_i;
                return primary_function(begin);
            }
            // `async x => ...`: x is the parameter (read as primary_function's name, the
            // function went unnamed and lost its parameter).
            bool async_arrow = tk.text == "async" && m_i + 2 < m_stop && m_t[m_i + 1].kind == TokenKind::Ident && punct("=>", m_i + 2);
            if (async_arrow) ++m_i;
            if (async_arrow || punct("=>", m_i + 1)) {
                Node f;
                f.kind = NodeKind::Func;
                f.begin = begin;
                f.params.push_back(m_t[m_i].text);
                m_i += 2;
                if (punct("{")) {
                    f.kids = function_body();
                } else if (more()) {
                    f.kids.push_back(assignment());
                    f.returns = true;
                }
                f.end = prev_end();
                return f;
            }
            if (tk.text == "function") return primary_function(begin);
            if (tk.text == "class") return class_declaration();
            return leaf(NodeKind::Ident);
        }
        case TokenKind::Punct: break;
    }
    if (tk.text == "(") {
        std::size_t close = match(m_i);
        if (arrow_follows(close + 1)) return function_rest(begin);
        Inside inside(*this, false);
        return more() ? expression() : leaf_other();
    }
    if (tk.text == "[") {
        Node a;
        a.kind = NodeKind::Array;
        a.begin = begin;
        arguments(a);
        a.end = prev_end();
        return a;
    }
    if (tk.text == "{") return object_literal();
    if (tk.text == "<") {
        // A TypeScript type assertion <any>x (the same value as x), or a generic arrow
        // <T>(x: T) => ...: past the type, the expression.
        if (std::size_t after = type_arguments_end(); after != 0 && after < m_stop) {
            m_i = after;
            return unary();
        }
        while (more() && !punct("(")) ++m_i;
        if (more()) return primary();
    }
    return leaf(NodeKind::Other);
}

Node Parser::primary_function(std::size_t begin) {
    if (word("function")) ++m_i;
    if (punct("*")) ++m_i;
    std::string name;
    if (more() && m_t[m_i].kind == TokenKind::Ident) name = m_t[m_i++].text;
    Node f = function_rest(begin);
    f.name = name;
    return f;
}

Node Parser::object_literal() {
    Node o;
    o.kind = NodeKind::Object;
    o.begin = m_t[m_i].begin;
    {
        Inside inside(*this, true);
        object_members(o);
    }
    o.end = prev_end();
    return o;
}

void Parser::object_members(Node& o) {
    while (more()) {
        if (punct(",") || punct(";")) {
            ++m_i;
            continue;
        }
        std::size_t before = m_i;
        std::size_t entry = m_t[m_i].begin;
        if (punct("...")) {
            ++m_i;
            o.keys.push_back("...");
            o.kids.push_back(assignment());
            continue;
        }
        while ((word("async") || word("get") || word("set") || punct("*")) && m_i + 1 < m_stop &&
               !punct("(", m_i + 1) && !punct(":", m_i + 1) && !punct(",", m_i + 1))
            ++m_i;
        std::string key;
        const Token& k = m_t[m_i];
        if (k.kind == TokenKind::String) key = k.string.value;
        else if (k.kind == TokenKind::Ident || k.kind == TokenKind::Number) key = k.text;
        if (punct("[")) {
            // `[Op.and]`: a dotted name is kept after the marker (Sequelize's operators are
            // read by it); any other computed key is only "[computed]".
            std::size_t close = match(m_i);
            key = "[computed]";
            std::string dotted;
            bool plain = close > m_i + 1;
            for (std::size_t j = m_i + 1; plain && j < close; ++j) {
                bool name = (j - m_i) % 2 == 1;
                plain = name ? m_t[j].kind == TokenKind::Ident : (m_t[j].kind == TokenKind::Punct && m_t[j].text == ".");
                dotted += m_t[j].text;
            }
            if (plain && (close - m_i) % 2 == 0) key += dotted;
            m_i = close;
        }
        ++m_i;
        if (punct(":")) {
            ++m_i;
            Node value = assignment();
            // `{ up: function migrate(knex) {...} }`: called as up.
            if (value.kind == NodeKind::Func && (value.name.empty() || !key.starts_with("[computed]"))) value.name = key;
            o.keys.push_back(key);
            o.kids.push_back(std::move(value));
        } else if (punct("(") || punct("<")) {
            Node f = function_rest(entry);
            f.name = key;
            o.keys.push_back(key);
            o.kids.push_back(std::move(f));
        } else {
            Node ident;  // shorthand { up, down } or { a = 1 } in a pattern
            ident.kind = NodeKind::Ident;
            ident.name = key;
            ident.begin = k.begin;
            ident.end = k.end;
            if (punct("=")) {
                ++m_i;
                (void)assignment();
            }
            o.keys.push_back(key);
            o.kids.push_back(std::move(ident));
        }
        if (m_i == before) ++m_i;
    }
}

}  // namespace pgfence::analyze::orm::detail
