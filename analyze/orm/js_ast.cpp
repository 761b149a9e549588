#include "analyze/orm/js_ast.hpp"

#include <utility>

namespace pgfence::analyze::orm {
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

class Parser {
public:
    Parser(std::string_view text, const std::vector<Token>& tokens) : m_text(text), m_t(tokens) {
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

    std::vector<Node> file() { return block(m_t.size()); }

private:
    bool more() const { return m_i < m_stop; }
    bool punct(std::string_view p, std::size_t k) const {
        return k < m_stop && m_t[k].kind == TokenKind::Punct && m_t[k].text == p;
    }
    bool punct(std::string_view p) const { return punct(p, m_i); }
    bool word(std::string_view w, std::size_t k) const {
        return k < m_stop && m_t[k].kind == TokenKind::Ident && m_t[k].text == w;
    }
    bool word(std::string_view w) const { return word(w, m_i); }
    std::size_t match(std::size_t k) const { return std::min(m_match[k], m_stop); }
    std::size_t prev_end() const { return m_i > 0 ? m_t[m_i - 1].end : 0; }
    bool newline_before(std::size_t k) const {
        if (k == 0 || k >= m_t.size()) return false;
        return m_text.substr(m_t[k - 1].end, m_t[k].begin - m_t[k - 1].end).find('\n') != std::string_view::npos;
    }

    // Statements of tokens [m_i, stop).
    std::vector<Node> block(std::size_t stop) {
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
    std::vector<Node> bracketed_block() {
        std::size_t close = match(m_i);
        ++m_i;
        std::vector<Node> out = block(close);
        m_i = std::min(close + 1, m_stop);
        return out;
    }

    void statement(std::vector<Node>& out) {
        if (punct(";") || punct(",") || punct(":")) {
            ++m_i;
            return;
        }
        if (punct("{")) {
            for (auto& n : bracketed_block()) out.push_back(std::move(n));
            return;
        }
        if (m_t[m_i].kind == TokenKind::Ident) {
            const std::string& w = m_t[m_i].text;
            if (w == "import") {
                while (more() && m_t[m_i].kind != TokenKind::String && !punct(";")) ++m_i;
                if (more()) ++m_i;
                return;
            }
            if (w == "export" || w == "default" || w == "else" || w == "do" || w == "try" || w == "finally" ||
                w == "return" || w == "throw" || w == "break" || w == "continue" || w == "case" || w == "declare") {
                ++m_i;
                return;
            }
            if (w == "const" || w == "let" || w == "var") {
                ++m_i;
                Node n = expression();
                if (n.kind == NodeKind::Binary && n.name == "=" && w == "const") n.context = "const";
                out.push_back(std::move(n));
                return;
            }
            if (w == "if" || w == "while" || w == "for" || w == "switch" || w == "catch" || w == "with") {
                ++m_i;
                if (word("await")) ++m_i;
                std::string context;
                if (punct("(")) {
                    std::size_t open = m_i;
                    std::vector<Node> head = bracketed_block();
                    for (std::size_t k = open; k < m_i; ++k) {
                        const std::string& name = m_t[k].text;
                        if (m_t[k].kind == TokenKind::Ident && (name == "hasTable" || name == "hasColumn" || name == "hasIndex")) {
                            context = "guarded by " + name + "(): analysed as if the condition holds";
                        }
                    }
                    for (auto& n : head) out.push_back(std::move(n));
                }
                if (w == "if" && !context.empty() && more()) {
                    std::vector<Node> body;
                    statement(body);
                    for (auto& n : body) {
                        mark(n, context);
                        out.push_back(std::move(n));
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

    static void mark(Node& n, const std::string& context) {
        if (n.context != "const") n.context = context;
        for (auto& k : n.kids) mark(k, context);
    }

    Node class_declaration() {
        Node cls;
        cls.kind = NodeKind::Other;
        cls.begin = m_t[m_i].begin;
        while (more() && !punct("{")) ++m_i;
        if (!more()) return cls;
        std::size_t close = match(m_i);
        ++m_i;
        std::size_t saved = m_stop;
        m_stop = close;
        while (more()) {
            std::size_t before = m_i;
            class_member(cls.kids);
            if (m_i == before) ++m_i;
        }
        m_stop = saved;
        m_i = std::min(close + 1, m_stop);
        cls.end = prev_end();
        return cls;
    }

    void class_member(std::vector<Node>& out) {
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
            Node value = expression();
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
            out.push_back(std::move(assign));
        }
    }

    // Skips a type annotation (after ':') up to one of `ends` at depth 0, a '{' body or '=>',
    // or a new line that starts another member.
    void skip_type(std::initializer_list<std::string_view> ends, bool stop_at_brace = false) {
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
    std::vector<std::string> params() {
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
    Node function_rest(std::size_t begin) {
        Node f;
        f.kind = NodeKind::Func;
        f.begin = begin;
        if (punct("<")) {
            while (more() && !punct("(")) ++m_i;
        }
        f.params = params();
        if (punct(":")) skip_type({}, true);
        if (punct("=>")) ++m_i;
        if (punct("{")) f.kids = bracketed_block();
        else if (more()) f.kids.push_back(assignment());
        f.end = prev_end();
        return f;
    }

    Node expression() {
        Node first = assignment();
        if (!punct(",") || m_in_list) return first;
        Node seq;
        seq.kind = NodeKind::Other;
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

    Node assignment() {
        Node left = conditional();
        if (more() && m_t[m_i].kind == TokenKind::Punct &&
            (is_assignment(m_t[m_i].text) || m_t[m_i].text == "?\?=" || m_t[m_i].text == "||=")) {
            Node n;
            n.kind = NodeKind::Binary;
            n.name = m_t[m_i].text;
            ++m_i;
            n.begin = left.begin;
            Node right = assignment();
            if (right.kind == NodeKind::Func && right.name.empty()) {
                right.name = left.kind == NodeKind::Ident || left.kind == NodeKind::Member ? left.name : "";
            }
            n.end = right.end;
            n.kids.push_back(std::move(left));
            n.kids.push_back(std::move(right));
            return n;
        }
        return left;
    }

    Node conditional() {
        Node cond = binary(1);
        if (!punct("?")) return cond;
        Node n;
        n.kind = NodeKind::Other;
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

    Node binary(int min_prec) {
        Node left = unary();
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
        return left;
    }

    void skip_type_expression() {
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

    Node unary() {
        if (!more()) return leaf_other();
        const Token& tk = m_t[m_i];
        bool prefix = (tk.kind == TokenKind::Punct && (tk.text == "!" || tk.text == "-" || tk.text == "+" ||
                                                       tk.text == "~" || tk.text == "..." || tk.text == "++" ||
                                                       tk.text == "--")) ||
                      (tk.kind == TokenKind::Ident && (tk.text == "typeof" || tk.text == "void" || tk.text == "delete" ||
                                                       tk.text == "await" || tk.text == "yield"));
        if (prefix) {
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
            while (punct(".") && m_i + 1 < m_stop && m_t[m_i + 1].kind == TokenKind::Ident) {
                Node m;
                m.kind = NodeKind::Member;
                m.begin = callee.begin;
                m.name = m_t[m_i + 1].text;
                m_i += 2;
                m.end = prev_end();
                m.kids.push_back(std::move(callee));
                callee = std::move(m);
            }
            n.kids.push_back(std::move(callee));
            if (punct("(")) arguments(n);
            n.end = prev_end();
            return postfix(std::move(n));
        }
        return postfix(primary());
    }

    void arguments(Node& call) {
        std::size_t close = match(m_i);
        ++m_i;
        std::size_t saved = m_stop;
        bool saved_list = m_in_list;
        m_stop = close;
        m_in_list = true;
        while (more()) {
            if (punct(",")) {
                ++m_i;
                continue;
            }
            std::size_t before = m_i;
            call.kids.push_back(assignment());
            if (m_i == before) ++m_i;
        }
        m_stop = saved;
        m_in_list = saved_list;
        m_i = std::min(close + 1, m_stop);
    }

    Node postfix(Node node) {
        while (more()) {
            if ((punct(".") || punct("?.")) && m_i + 1 < m_stop && m_t[m_i + 1].kind == TokenKind::Ident) {
                Node m;
                m.kind = NodeKind::Member;
                m.begin = node.begin;
                m.name = m_t[m_i + 1].text;
                m_i += 2;
                m.end = prev_end();
                m.kids.push_back(std::move(node));
                node = std::move(m);
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
                std::size_t close = match(m_i);
                ++m_i;
                std::size_t saved = m_stop;
                m_stop = close;
                if (more()) x.kids.push_back(expression());
                m_stop = saved;
                m_i = std::min(close + 1, m_stop);
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
            } else if (punct("!") && (punct(".", m_i + 1) || punct(")", m_i + 1) || punct(",", m_i + 1) ||
                                      punct(";", m_i + 1) || punct("[", m_i + 1))) {
                ++m_i;  // TypeScript non-null assertion
            } else {
                break;
            }
        }
        return node;
    }

    Node leaf(NodeKind kind) {
        Node n;
        n.kind = kind;
        n.token = static_cast<int>(m_i);
        n.begin = m_t[m_i].begin;
        n.end = m_t[m_i].end;
        if (kind == NodeKind::Ident || kind == NodeKind::Number) n.name = m_t[m_i].text;
        ++m_i;
        return n;
    }

    Node leaf_other() {
        Node n;
        n.kind = NodeKind::Other;
        n.begin = n.end = prev_end();
        return n;
    }

    // After '(' ... ')' or an identifier: is this an arrow function's parameter list?
    bool arrow_follows(std::size_t after) const {
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

    Node primary() {
        if (!more()) return leaf_other();
        const Token& tk = m_t[m_i];
        std::size_t begin = tk.begin;
        switch (tk.kind) {
            case TokenKind::String: return leaf(NodeKind::String);
            case TokenKind::Template: return leaf(NodeKind::Template);
            case TokenKind::Number: return leaf(NodeKind::Number);
            case TokenKind::Regex: return leaf(NodeKind::Other);
            case TokenKind::Ident: {
                if (tk.text == "async" && (word("function", m_i + 1) || punct("(", m_i + 1) ||
                                           (m_i + 2 < m_stop && m_t[m_i + 1].kind == TokenKind::Ident && punct("=>", m_i + 2)))) {
                    ++m_i;
                    return primary_function(begin);
                }
                if (tk.text == "function") return primary_function(begin);
                if (tk.text == "class") return class_declaration();
                if (punct("=>", m_i + 1)) {
                    Node f;
                    f.kind = NodeKind::Func;
                    f.begin = begin;
                    f.params.push_back(tk.text);
                    m_i += 2;
                    if (punct("{")) f.kids = bracketed_block();
                    else if (more()) f.kids.push_back(assignment());
                    f.end = prev_end();
                    return f;
                }
                return leaf(NodeKind::Ident);
            }
            case TokenKind::Punct: break;
        }
        if (tk.text == "(") {
            std::size_t close = match(m_i);
            if (arrow_follows(close + 1)) return function_rest(begin);
            Node n;
            ++m_i;
            std::size_t saved = m_stop;
            bool saved_list = m_in_list;
            m_stop = close;
            m_in_list = false;
            n = more() ? expression() : leaf_other();
            m_stop = saved;
            m_in_list = saved_list;
            m_i = std::min(close + 1, m_stop);
            return n;
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
        if (tk.text == "<") {  // a TypeScript generic arrow <T>(x: T) => ...
            while (more() && !punct("(")) ++m_i;
            if (more()) return primary();
        }
        return leaf(NodeKind::Other);
    }

    Node primary_function(std::size_t begin) {
        if (word("function")) ++m_i;
        if (punct("*")) ++m_i;
        std::string name;
        if (more() && m_t[m_i].kind == TokenKind::Ident) name = m_t[m_i++].text;
        Node f = function_rest(begin);
        f.name = name;
        return f;
    }

    Node object_literal() {
        Node o;
        o.kind = NodeKind::Object;
        o.begin = m_t[m_i].begin;
        std::size_t close = match(m_i);
        ++m_i;
        std::size_t saved = m_stop;
        bool saved_list = m_in_list;
        m_stop = close;
        m_in_list = true;
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
                m_i = match(m_i);
                key = "[computed]";
            }
            ++m_i;
            if (punct(":")) {
                ++m_i;
                Node value = assignment();
                if (value.kind == NodeKind::Func && value.name.empty()) value.name = key;
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
        m_stop = saved;
        m_in_list = saved_list;
        m_i = std::min(close + 1, m_stop);
        o.end = prev_end();
        return o;
    }

    std::string_view m_text;
    const std::vector<Token>& m_t;
    std::vector<std::size_t> m_match;
    std::size_t m_i = 0;
    std::size_t m_stop = 0;
    bool m_in_list = false;  // inside arguments or literals, where ',' separates
};

}  // namespace

JsFile parse_js(std::string_view text) {
    JsFile file;
    file.tokens = lex_js(text);
    Parser parser(text, file.tokens);
    file.statements = parser.file();
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
