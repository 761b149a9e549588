#include "analyze/orm/emitter.hpp"

#include <algorithm>

#include "analyze/orm/js_bindings.hpp"
#include "analyze/orm/js_numbers.hpp"

namespace pgfence::analyze::orm {
namespace {

// Whether the file binds `name` more than once (js_bindings.hpp): a loop variable, a parameter or
// a `catch` of that name may stand where the constant is used.
bool rebound(const BindingCounts& bindings, const std::string& name) {
    auto it = bindings.find(name);
    return it != bindings.end() && it->second > 1;
}

// `const NAME = <string>` anywhere in the file; a name declared twice, or bound anywhere else
// (a parameter, a loop variable), is not a constant.
// `const NAME = <number>` likewise into `numbers`, as JavaScript prints it (a template's `${NAME}`).
void collect_constants(const std::vector<Node>& nodes, const Emitter& e, std::map<std::string, std::string>& out,
                       std::map<std::string, std::string, std::less<>>& numbers, std::map<std::string, int>& seen,
                       const BindingCounts& bindings) {
    for (const Node& n : nodes) {
        if (n.kind == NodeKind::Binary && n.name == "=" && n.context == "const" && n.kids.size() == 2 &&
            n.kids[0].kind == NodeKind::Ident) {
            const std::string& name = n.kids[0].name;
            if (++seen[name] == 1 && !rebound(bindings, name)) {
                if (auto v = e.string_of(n.kids[1])) out[name] = *v;
                else if (auto number = e.number_of(n.kids[1])) numbers.insert_or_assign(name, *number);
            } else {
                out.erase(name);
                numbers.erase(name);
            }
        }
        collect_constants(n.kids, e, out, numbers, seen, bindings);
    }
}

// `const [a, b] = <value>` / `const { a, b: c } = <value>` anywhere in the file: each plain name the
// pattern binds -> the value (Emitter::destructured_value); a name bound more than once is dropped.
void collect_patterns(const Node& n, std::map<std::string, const Node*, std::less<>>& out, const BindingCounts& bindings) {
    if (n.kind == NodeKind::Binary && n.name == "=" && n.context == "const" && n.kids.size() == 2 &&
        (n.kids[0].kind == NodeKind::Array || n.kids[0].kind == NodeKind::Object)) {
        for (std::size_t k = 0; k < n.kids[0].kids.size(); ++k) {
            const Node& p = n.kids[0].kids[k];
            const bool spread = k < n.kids[0].keys.size() && n.kids[0].keys[k] == "...";
            if (p.kind == NodeKind::Ident && !spread && !rebound(bindings, p.name)) out.insert_or_assign(p.name, &n.kids[1]);
        }
    }
    for (const Node& k : n.kids) collect_patterns(k, out, bindings);
}

bool literal_node(const Node& n) {
    return n.kind == NodeKind::Object || n.kind == NodeKind::Array ||
           (n.kind == NodeKind::Ident && (n.name == "true" || n.name == "false" || n.name == "null" || n.name == "undefined"));
}

// `const NAME = <object, array, boolean>` anywhere in the file (also an alias of another name,
// resolved by literal_of()); a name declared twice is dropped.
// Any other `const NAME = <value>` into `values` (Emitter::const_value).
void collect_literals(const Node& n, std::map<std::string, const Node*, std::less<>>& out,
                      std::map<std::string, const Node*, std::less<>>& values, std::map<std::string, int>& seen,
                      const BindingCounts& bindings) {
    if (n.kind == NodeKind::Binary && n.name == "=" && (n.context == "const" || n.context == "let") && n.kids.size() == 2 &&
        n.kids[0].kind == NodeKind::Ident) {
        const std::string& name = n.kids[0].name;
        bool once = ++seen[name] == 1 && n.context == "const" && !rebound(bindings, name);
        if (once && (literal_node(n.kids[1]) || n.kids[1].kind == NodeKind::Ident)) out[name] = &n.kids[1];
        else out.erase(name);
        if (once && !literal_node(n.kids[1]) && n.kids[1].kind != NodeKind::Ident) values.insert_or_assign(name, &n.kids[1]);
        else values.erase(name);
    }
    if (n.kind == NodeKind::Func) {
        for (const auto& p : n.params) ++seen[p], out.erase(p), values.erase(p);  // a parameter of that name hides it
    }
    for (const Node& k : n.kids) collect_literals(k, out, values, seen, bindings);
}

// A literal element of a loop's array: a string, a (negated) number, true, false or null.
bool literal_element(const std::vector<Token>& t, std::size_t& i, std::size_t close) {
    if (i < close && t[i].kind == TokenKind::Punct && t[i].text == "-") ++i;
    if (i >= close) return false;
    const Token& k = t[i++];
    return k.kind == TokenKind::String || k.kind == TokenKind::Number ||
           (k.kind == TokenKind::Ident && (k.text == "true" || k.text == "false" || k.text == "null"));
}

// `for (const NAME of [<literal>, ...])` in the file's tokens: NAME -> whether every element is
// a literal (a name seen twice: false).
void collect_loop_literals(const std::vector<Token>& t, std::map<std::string, bool, std::less<>>& out) {
    auto punct = [&](std::size_t i, const char* p) { return i < t.size() && t[i].kind == TokenKind::Punct && t[i].text == p; };
    auto word = [&](std::size_t i, const char* w) { return i < t.size() && t[i].kind == TokenKind::Ident && t[i].text == w; };
    for (std::size_t i = 0; i + 5 < t.size(); ++i) {
        if (!word(i, "for") || !punct(i + 1, "(") || !word(i + 2, "const") || t[i + 3].kind != TokenKind::Ident ||
            !word(i + 4, "of") || !punct(i + 5, "[")) continue;
        std::size_t j = i + 6;
        bool literal = true;
        while (j < t.size() && !punct(j, "]")) {
            if (!literal_element(t, j, t.size()) || !(punct(j, ",") || punct(j, "]"))) {
                literal = false;
                break;
            }
            if (punct(j, ",")) ++j;
        }
        literal = literal && punct(j, "]") && punct(j + 1, ")");
        auto [it, fresh] = out.try_emplace(t[i + 3].text, literal);
        if (!fresh) it->second = false;
        i = j > i ? j - 1 : i;
    }
}

void count_uses(std::string_view text, const std::vector<Token>& tokens, std::map<std::string, std::size_t, std::less<>>& uses, int nesting) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token& t = tokens[i];
        if (t.kind == TokenKind::Template && nesting < 16) {
            for (const auto& p : t.parts) {
                if (p.interpolation && p.expr_end > p.expr_begin) count_uses(text, lex_js(text, p.expr_begin, p.expr_end), uses, nesting + 1);
            }
        }
        bool member = i > 0 && tokens[i - 1].kind == TokenKind::Punct && (tokens[i - 1].text == "." || tokens[i - 1].text == "?.");
        if (t.kind == TokenKind::Ident && !member) ++uses[t.text];
    }
}

// A number literal, a negated one, or a + or - with one inside.
bool numeric(const Node& n) {
    if (n.kind == NodeKind::Number) return true;
    if ((n.kind == NodeKind::Unary || n.kind == NodeKind::Binary) && (n.name == "-" || n.name == "+")) {
        return std::any_of(n.kids.begin(), n.kids.end(), [](const Node& k) { return numeric(k); });
    }
    return false;
}

bool holds_literal(const Node& n) {
    if (n.kind == NodeKind::String || n.kind == NodeKind::Template) return true;
    if (n.kind == NodeKind::Binary && n.name == "+") return holds_literal(n.kids[0]) || holds_literal(n.kids[1]);
    return false;
}

}  // namespace

// Certainly a string in JavaScript: a string or template literal, a `const` of one, or a + with
// one of those on either side.
bool Emitter::string_valued(const Node& n) const {
    if (n.kind == NodeKind::String || n.kind == NodeKind::Template) return true;
    if (n.kind == NodeKind::Ident) return !scope.contains(n.name) && m_constants.contains(n.name);
    return n.kind == NodeKind::Binary && n.name == "+" && (string_valued(n.kids[0]) || string_valued(n.kids[1]));
}

std::string quote_ident(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string quote_qualified(std::string_view name) {
    std::size_t dot = name.find('.');
    if (dot == std::string_view::npos) return quote_ident(name);
    return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

const Node* property(const Node& object, std::string_view key) {
    if (object.kind != NodeKind::Object) return nullptr;
    for (std::size_t i = 0; i < object.keys.size() && i < object.kids.size(); ++i) {
        if (object.keys[i] == key) return &object.kids[i];
    }
    return nullptr;
}

// An option's boolean: false when absent, nullopt when it is not a literal (or the object has a spread).
std::optional<bool> literal_flag(const Node* opts, std::string_view key) {
    if (opts == nullptr || opts->kind != NodeKind::Object) return false;
    for (const auto& k : opts->keys) {
        if (k == "..." || k.starts_with("[computed]")) return std::nullopt;
    }
    const Node* v = property(*opts, key);
    if (v == nullptr || (v->kind == NodeKind::Ident && (v->name == "false" || v->name == "undefined" || v->name == "null"))) return false;
    if (v->kind == NodeKind::Ident && v->name == "true") return true;
    return std::nullopt;
}

Emitter::Emitter(const JsFile& file, std::string_view text, Extraction& out) : m_file(file), m_text(text), m_out(out) {
    BindingCounts& bindings = m_bindings;
    count_bindings(text, file.tokens, 0, file.tokens.size(), bindings);
    std::map<std::string, int> seen;
    // Two passes: a constant may be built from one declared before it.
    collect_constants(file.statements, *this, m_constants, m_numbers, seen, bindings);
    seen.clear();
    collect_constants(file.statements, *this, m_constants, m_numbers, seen, bindings);
    seen.clear();
    for (const Node& n : file.statements) collect_literals(n, m_literals, m_values, seen, bindings);
    for (const Node& n : file.statements) collect_patterns(n, m_patterns, bindings);
    count_uses(text, file.tokens, m_uses, 0);
    collect_loop_literals(file.tokens, m_loop_literals);
}

const Node* Emitter::const_value(const Node& n) const {
    if (n.kind != NodeKind::Ident || scope.contains(n.name)) return nullptr;
    auto it = m_values.find(n.name);
    return it == m_values.end() ? nullptr : it->second;
}

const Node* Emitter::destructured_value(const Node& n) const {
    if (n.kind != NodeKind::Ident || scope.contains(n.name) || rebound(m_bindings, n.name)) return nullptr;
    auto it = m_patterns.find(n.name);
    return it == m_patterns.end() ? nullptr : it->second;
}

bool Emitter::literal_loop_variable(const Node& n) const {
    if (n.kind != NodeKind::Ident || scope.contains(n.name) || rebound(m_bindings, n.name)) return false;
    auto it = m_loop_literals.find(n.name);
    return it != m_loop_literals.end() && it->second;
}

bool Emitter::global_name(const std::string& name) const { return !scope.contains(name) && !m_bindings.contains(name); }

const Node* Emitter::literal_of(const Node& n) const {
    const Node* at = &n;
    for (int hops = 0; hops < 8 && at->kind == NodeKind::Ident && !literal_node(*at); ++hops) {
        auto it = m_literals.find(at->name);
        auto uses = m_uses.find(at->name);
        if (it == m_literals.end() || uses == m_uses.end() || uses->second != 2 || scope.count(at->name) != 0) return nullptr;
        at = it->second;
    }
    return literal_node(*at) ? at : nullptr;
}

std::map<std::string, std::size_t, std::less<>> Emitter::bindings_in(const Node& n) const {
    const auto& t = m_file.tokens;
    auto first = std::lower_bound(t.begin(), t.end(), n.begin, [](const Token& k, std::size_t at) { return k.begin < at; });
    auto last = std::lower_bound(first, t.end(), n.end, [](const Token& k, std::size_t at) { return k.begin < at; });
    BindingCounts counts;
    count_bindings(m_text, t, static_cast<std::size_t>(first - t.begin()), static_cast<std::size_t>(last - t.begin()), counts);
    return counts;
}

std::string Emitter::source(const Node& n) const {
    if (n.end <= n.begin || n.end > m_text.size()) return {};
    return std::string(m_text.substr(n.begin, n.end - n.begin));
}

std::optional<std::string> Emitter::string_of(const Node& n) const {
    switch (n.kind) {
        case NodeKind::String: return token(n).string.value;
        case NodeKind::Template: {
            std::string out;
            for (const auto& part : token(n).parts) {
                if (!part.interpolation) {
                    out += part.text.value;
                    continue;
                }
                std::string expr(m_text.substr(part.expr_begin, part.expr_end - part.expr_begin));
                while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back()))) expr.pop_back();
                while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.front()))) expr.erase(0, 1);
                auto it = m_constants.find(expr);
                auto number = scope.contains(expr) ? m_numbers.end() : m_numbers.find(expr);
                if (it != m_constants.end()) out += it->second;
                else if (number != m_numbers.end()) out += number->second;
                else return std::nullopt;
            }
            return out;
        }
        case NodeKind::Ident: {
            auto it = m_constants.find(n.name);
            if (it != m_constants.end()) return it->second;
            return std::nullopt;
        }
        case NodeKind::Binary:
            if (n.name == "+") {
                auto l = string_of(n.kids[0]);
                auto r = l ? string_of(n.kids[1]) : std::nullopt;
                if (l && r) return *l + *r;
                if (auto number = l && n.kids[1].kind == NodeKind::Number ? js_number_text(n.kids[1].name) : std::nullopt) return *l + *number;
            }
            return std::nullopt;
        default: return std::nullopt;
    }
}

std::optional<std::string> Emitter::number_of(const Node& n) const {
    if (n.kind == NodeKind::Number) return js_number_text(n.name);
    if (n.kind == NodeKind::Unary && n.name == "-" && n.kids[0].kind == NodeKind::Number) {
        auto number = js_number_text(n.kids[0].name);
        if (!number || *number == "0") return number;  // String(-0) is "0"
        return "-" + *number;
    }
    return std::nullopt;
}

int Emitter::add_call(const Node& call, std::string name, bool literal) {
    m_out.calls.push_back(CallRecord{call.begin, call.end, std::move(name), literal, down});
    return static_cast<int>(m_out.calls.size()) - 1;
}

bool Emitter::sql_part(const Node& n, SqlPiece& piece, std::string& why, int& holes) const {
    // An expression JavaScript turns into text here: no parameter (extract.hpp, SqlPiece::spliced).
    auto hole = [&](std::size_t at, std::string expr) {
        piece.spliced.emplace_back(at, expr);
        piece.sql.append("$" + std::to_string(++holes), at);
    };
    switch (n.kind) {
        case NodeKind::String: piece.sql.append(token(n).string); return true;
        case NodeKind::Template:
            for (const auto& part : token(n).parts) {
                if (!part.interpolation) {
                    piece.sql.append(part.text);
                    continue;
                }
                std::string expr(m_text.substr(part.expr_begin, part.expr_end - part.expr_begin));
                auto parsed = parse_js(expr);
                const Node* single = parsed.statements.size() == 1 ? &parsed.statements[0] : nullptr;
                std::string trimmed = single ? std::string(expr.substr(single->begin, single->end - single->begin)) : expr;
                auto it = m_constants.find(trimmed);
                auto bound = scope.find(trimmed);
                if (bound != scope.end() && bound->second) {
                    piece.sql.append(*bound->second, part.expr_begin);
                } else if (bound != scope.end()) {
                    hole(part.expr_begin - 2, "${" + trimmed + "}");
                } else if (it != m_constants.end()) {
                    piece.sql.append(it->second, part.expr_begin);
                } else if (auto number = m_numbers.find(trimmed); number != m_numbers.end()) {
                    piece.sql.append(number->second, part.expr_begin);  // as JavaScript prints it
                } else if (single && single->kind == NodeKind::String) {
                    piece.sql.append(parsed.tokens[static_cast<std::size_t>(single->token)].string.value, part.expr_begin);
                } else if (auto number = single && single->kind == NodeKind::Number ? js_number_text(single->name) : std::nullopt) {
                    piece.sql.append(*number, part.expr_begin);
                } else {
                    hole(part.expr_begin - 2, "${" + trimmed + "}");
                }
            }
            return true;
        case NodeKind::Ident: {
            // A helper's parameter hides the file's constant of its name (as in a template).
            auto bound = scope.find(n.name);
            auto it = m_constants.find(n.name);
            if (bound != scope.end() && bound->second) {
                piece.sql.append(*bound->second, n.begin);
            } else if (bound == scope.end() && it != m_constants.end()) {
                piece.sql.append(it->second, n.begin);
            } else {
                hole(n.begin, n.name);
            }
            return true;
        }
        case NodeKind::Number:
            // As JavaScript turns the number into text: `"DROP TABLE users" + 0x10` sends users16.
            if (auto number = js_number_text(n.name)) {
                piece.sql.append(*number, n.begin);
                return true;
            }
            why = "SQL built with the number " + n.name + ", whose text pgfence does not compute as JavaScript does";
            return false;
        case NodeKind::Binary:
            if (n.name == "+") {
                // `1 + 2 + "..."` and `"..." + (n + 1)`: a + of two numbers adds them (JavaScript
                // evaluates left to right), so the digits are not spliced side by side.
                if (!string_valued(n.kids[0]) && !string_valued(n.kids[1]) && (numeric(n.kids[0]) || numeric(n.kids[1]))) {
                    why = "SQL built with a + that may add numbers (" + source(n) + ")";
                    return false;
                }
                return sql_part(n.kids[0], piece, why, holes) && sql_part(n.kids[1], piece, why, holes);
            }
            break;
        default: break;
    }
    // Any other expression inside a concatenation is a value we cannot see.
    if (holds_literal(n)) {
        why = "SQL built by an expression the extractor does not follow";
        return false;
    }
    hole(n.begin, source(n));
    return true;
}

bool Emitter::sql_of(const Node& n, SqlPiece& piece, std::string& why) const {
    if (!holds_literal(n)) {
        if (n.kind == NodeKind::Ident) {
            auto it = m_constants.find(n.name);
            if (it != m_constants.end()) {
                piece.sql.append(it->second, n.begin);
                return true;
            }
            why = "SQL comes from the variable `" + n.name + "`";
        } else if (n.kind == NodeKind::Call) {
            why = "SQL built by a call (`" + source(n.kids[0]) + "(...)`)";
        } else {
            why = "SQL is not a string literal";
        }
        return false;
    }
    int holes = 0;
    return sql_part(n, piece, why, holes);
}

SqlPiece& Emitter::raw(const Node& call, const std::string& name, const Node* sql_arg) {
    bool literal = sql_arg != nullptr && holds_literal(*sql_arg);
    SqlPiece piece;
    piece.begin = call.begin;
    piece.end = call.end;
    piece.call = add_call(call, name, literal);
    if (!context.empty()) piece.notes.push_back(context);
    std::string why;
    if (sql_arg == nullptr) {
        piece.unknown = "no SQL argument";
    } else if (!sql_of(*sql_arg, piece, why)) {
        piece.unknown = why;
        piece.sql = MappedText{};
        piece.holes.clear();
        piece.spliced.clear();
    }
    m_out.pieces.push_back(std::move(piece));
    return m_out.pieces.back();
}

void Emitter::generated(const Node& where, int call, std::string sql, std::vector<std::string> notes) {
    SqlPiece piece;
    piece.begin = where.begin;
    piece.end = where.end;
    piece.call = call;
    piece.literal = false;
    piece.sql.append(sql, where.begin);
    piece.notes = std::move(notes);
    if (!context.empty()) piece.notes.push_back(context);
    m_out.pieces.push_back(std::move(piece));
}

void Emitter::unknown(const Node& where, int call, std::string why) {
    auto key = std::make_tuple(where.begin, where.end, down, why);
    if (auto seen = m_unknowns.find(key); seen != m_unknowns.end()) {
        // The same line for the same reason, reached again through another call of its helper:
        // one statement, naming the calls.
        auto& [index, vias] = seen->second;
        if (via.empty() || std::find(vias.begin(), vias.end(), via) != vias.end()) return;
        vias.push_back(via);
        std::string lines;
        for (std::size_t i = 0; i < vias.size(); ++i) lines += (i == 0 ? "" : i + 1 == vias.size() ? " and " : ", ") + vias[i];
        m_out.pieces[index].unknown = why + " (in a helper reached from the calls at " + lines + ")";
        return;
    }
    m_unknowns.emplace(std::move(key), std::make_pair(m_out.pieces.size(), via.empty() ? std::vector<std::string>{}
                                                                                       : std::vector<std::string>{via}));
    SqlPiece piece;
    piece.begin = where.begin;
    piece.end = where.end;
    piece.call = call;
    piece.literal = false;
    piece.unknown = std::move(why);
    if (!context.empty()) piece.notes.push_back(context);
    m_out.pieces.push_back(std::move(piece));
}

bool Emitter::unknown_at(std::size_t begin) const {
    return std::any_of(m_unknowns.begin(), m_unknowns.end(), [&](const auto& u) { return std::get<0>(u.first) == begin; });
}

void Emitter::adopt(const Extraction& other, const Node& at, const std::string& prefix, const std::string& note) {
    for (const SqlPiece& p : other.pieces) {
        SqlPiece piece = p;
        piece.begin = at.begin;
        piece.end = at.end;
        piece.sql.offsets.assign(piece.sql.value.size(), at.begin);  // the helper's offsets are another file's
        for (auto& s : piece.spliced) s.first = at.begin;  // (every statement of the piece then holds it: unknown)
        const CallRecord* call = p.call >= 0 ? &other.calls[static_cast<std::size_t>(p.call)] : nullptr;
        piece.call = add_call(at, prefix + " -> " + (call ? call->name : std::string("?")), call && call->holds_literal);
        piece.notes.push_back(note);
        if (!context.empty()) piece.notes.push_back(context);
        m_out.pieces.push_back(std::move(piece));
    }
    for (std::size_t deep : other.too_deep) {
        (void)deep;
        unknown(at, add_call(at, prefix, false), note + ": nested too deeply to read");
        break;
    }
    for (const auto& [where, why] : other.unreadable) {
        (void)where;
        unknown(at, add_call(at, prefix, false), note + ": not read past " + why);
        break;
    }
}

std::size_t Emitter::piece_count() const { return m_out.pieces.size(); }

void Emitter::note_since(std::size_t mark, const std::string& note) {
    for (std::size_t i = mark; i < m_out.pieces.size(); ++i) m_out.pieces[i].notes.push_back(note);
}

}  // namespace pgfence::analyze::orm
