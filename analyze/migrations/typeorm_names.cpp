#include "analyze/migrations/typeorm_names.hpp"

#include <algorithm>
#include <optional>

#include "analyze/orm/js_lexer.hpp"

namespace pgfence::analyze::tools {
namespace {

using orm::Token;
using orm::TokenKind;

// What one construct says of the name: a constant, or `why` it is not known.
struct Setting {
    std::optional<std::string> value;
    int line = 1;
    std::string why;
};

struct ClassRead {
    std::string name;  // declared or inferred
    bool extends = false;
    int line = 1;      // the class keyword's
    std::vector<Setting> instance, statics;
    std::optional<Setting> unknown;
};

class Reader {
public:
    explicit Reader(std::string_view text) : m_text(text), m_t(orm::lex_js(text)) {
        m_match.assign(m_t.size(), m_t.size());
        m_open.assign(m_t.size(), m_t.size());
        std::vector<std::size_t> stack;
        for (std::size_t k = 0; k < m_t.size(); ++k) {
            if (m_t[k].kind != TokenKind::Punct) continue;
            const std::string& p = m_t[k].text;
            if (p == "(" || p == "[" || p == "{") stack.push_back(k);
            else if ((p == ")" || p == "]" || p == "}") && !stack.empty()) {
                m_match[stack.back()] = k;
                m_open[k] = stack.back();
                stack.pop_back();
            }
        }
    }

    std::vector<TypeormName> run() {
        std::optional<Setting> file_unknown;
        // Writes that reach a class or its prototype from outside its body.
        for (std::size_t k = 0; k < m_t.size() && !file_unknown; ++k) {
            if (m_t[k].kind != TokenKind::Ident) continue;
            // TypeScript's CommonJS output marks the module: `Object.defineProperty(exports, "__esModule", ...)`.
            if (punct(k + 1, "(") && (word(k + 2, "exports") || (word(k + 2, "module") && punct(k + 3, ".") && word(k + 4, "exports")))) {
                continue;
            }
            for (std::string_view w : {"prototype", "defineProperty", "defineProperties", "setPrototypeOf", "__proto__",
                                       "__defineGetter__", "__defineSetter__", "Reflect"}) {
                if (m_t[k].text == w) {
                    file_unknown = Setting{std::nullopt, line(k), "the script uses `" + std::string(w) +
                                                                      "`, which may give a class or its prototype another `name`"};
                }
            }
        }
        if (auto stop = orm::lexing_stop(m_text, true); stop && !file_unknown) {
            file_unknown = Setting{std::nullopt, line_at(stop->at), "pgfence cannot read the script from here (" + stop->why + ")"};
        }
        std::vector<TypeormName> out;
        std::size_t inside_until = 0;
        for (std::size_t k = 0; k < m_t.size(); ++k) {
            if (k < inside_until || !word(k, "class")) continue;
            if (k > 0 && (punct(k - 1, ".") || punct(k - 1, "?."))) continue;  // a member named class
            if (punct(k + 1, ":")) continue;                                     // an object's key
            ClassRead c = read_class(k, inside_until);
            if (file_unknown && !c.unknown) c.unknown = file_unknown;
            out.push_back(resolve(c));
        }
        return out;
    }

private:
    bool punct(std::size_t k, std::string_view p) const { return k < m_t.size() && m_t[k].kind == TokenKind::Punct && m_t[k].text == p; }
    bool word(std::size_t k, std::string_view w) const { return k < m_t.size() && m_t[k].kind == TokenKind::Ident && m_t[k].text == w; }
    bool ident(std::size_t k) const { return k < m_t.size() && m_t[k].kind == TokenKind::Ident; }
    std::size_t match(std::size_t k) const { return k < m_match.size() ? m_match[k] : m_t.size(); }

    int line_at(std::size_t offset) const {
        offset = std::min(offset, m_text.size());
        return 1 + static_cast<int>(std::count(m_text.begin(), m_text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    }
    int line(std::size_t k) const { return line_at(k < m_t.size() ? m_t[k].begin : m_text.size()); }
    bool newline_before(std::size_t k) const {
        if (k == 0 || k >= m_t.size()) return true;
        return m_text.substr(m_t[k - 1].end, m_t[k].begin - m_t[k - 1].end).find('\n') != std::string_view::npos;
    }

    // A string or a template with no `${}` at `k`, standing alone up to one of `ends` (or a new
    // line): its value.
    std::optional<std::string> literal(std::size_t k, std::initializer_list<std::string_view> ends) const {
        if (k >= m_t.size()) return std::nullopt;
        std::string value;
        const Token& t = m_t[k];
        if (t.kind == TokenKind::String) {
            value = t.string.value;
        } else if (t.kind == TokenKind::Template && !t.unterminated &&
                   std::none_of(t.parts.begin(), t.parts.end(), [](const orm::TemplatePart& p) { return p.interpolation; })) {
            for (const auto& p : t.parts) value += p.text.value;
        } else {
            return std::nullopt;
        }
        std::size_t next = k + 1;
        if (word(next, "as") && word(next + 1, "const")) next += 2;  // TypeScript's `"X" as const`
        if (next >= m_t.size() || newline_before(next)) return value;
        for (std::string_view e : ends) {
            if (punct(next, e)) return value;
        }
        return std::nullopt;
    }

    // The name an anonymous class expression at `k` gets from where it stands (ECMAScript
    // NamedEvaluation): `const M = class`, `M = class`, `{ M: class }`, `export default class`.
    std::string inferred_name(std::size_t k) const {
        std::size_t p = k;
        while (p > 0 && word(p - 1, "abstract")) --p;
        if (p >= 2 && word(p - 1, "default") && word(p - 2, "export")) return "default";
        if (p >= 2 && punct(p - 1, "=") && ident(p - 2) && !(p >= 3 && (punct(p - 3, ".") || punct(p - 3, "?.") || punct(p - 3, ":")))) {
            return m_t[p - 2].text;
        }
        if (p >= 3 && punct(p - 1, ":") && (ident(p - 2) || m_t[p - 2].kind == TokenKind::String) && (punct(p - 3, "{") || punct(p - 3, ","))) {
            return m_t[p - 2].kind == TokenKind::String ? m_t[p - 2].string.value : m_t[p - 2].text;
        }
        return "";
    }

    // Whether a decorator stands before the class at `k` (`@Wrap() export class`): it may return another class.
    bool decorated(std::size_t k) const {
        std::size_t p = k;
        while (p > 0 && (word(p - 1, "abstract") || word(p - 1, "export") || word(p - 1, "default") || word(p - 1, "declare"))) --p;
        if (p > 0 && punct(p - 1, ")")) p = m_open[p - 1];
        if (p == 0 || p >= m_t.size() || !ident(p - 1)) return false;
        --p;
        while (p >= 2 && punct(p - 1, ".") && ident(p - 2)) p -= 2;
        return p >= 1 && punct(p - 1, "@");
    }

    // The end of a field's initializer or type from `k`: after its `;`, or at the next member's first token.
    std::size_t field_end(std::size_t k, std::size_t e) const {
        for (std::size_t first = k; k < e; ++k) {
            if (punct(k, ";")) return k + 1;
            if (k > first && newline_before(k)) {
                const Token& prev = m_t[k - 1];
                const bool complete = prev.kind != TokenKind::Punct || prev.text == ")" || prev.text == "]" || prev.text == "}";
                if (complete && (ident(k) || m_t[k].kind == TokenKind::String || punct(k, "@") || punct(k, "*"))) return k;
            }
            if (punct(k, "(") || punct(k, "[") || punct(k, "{")) k = std::min(match(k), e);
        }
        return e;
    }

    ClassRead read_class(std::size_t k, std::size_t& inside_until) {
        ClassRead c;
        c.line = line(k);
        std::size_t j = k + 1;
        if (ident(j) && !word(j, "extends") && !word(j, "implements")) c.name = m_t[j++].text;
        else c.name = inferred_name(k);
        int angle = 0;
        for (; j < m_t.size() && !(angle == 0 && punct(j, "{")); ++j) {
            if (punct(j, "<")) ++angle;
            else if (punct(j, ">")) --angle;
            else if (punct(j, ">>")) angle -= 2;
            else if (angle == 0 && word(j, "extends")) c.extends = true;
            else if (punct(j, "(") || punct(j, "[")) j = match(j);
        }
        if (decorated(k)) c.unknown = Setting{std::nullopt, c.line, "a decorator may replace the class"};
        if (j >= m_t.size() || match(j) >= m_t.size()) {
            if (!c.unknown) c.unknown = Setting{std::nullopt, c.line, "pgfence cannot find the class's body"};
            inside_until = m_t.size();
            return c;
        }
        const std::size_t e = match(j);
        inside_until = e;
        read_members(j + 1, e, c);
        return c;
    }

    void note_unknown(ClassRead& c, std::size_t k, std::string why) {
        if (!c.unknown) c.unknown = Setting{std::nullopt, line(k), std::move(why)};
    }

    void read_members(std::size_t k, std::size_t e, ClassRead& c) {
        static constexpr std::string_view k_modifiers[] = {"public",   "private", "protected", "static",   "readonly", "async",
                                                           "abstract", "override", "declare",  "accessor", "get",      "set"};
        while (k < e) {
            if (punct(k, ";") || punct(k, ",")) {
                ++k;
                continue;
            }
            while (punct(k, "@")) {  // a member's decorators
                ++k;
                while (ident(k) && punct(k + 1, ".")) k += 2;
                if (ident(k)) ++k;
                if (punct(k, "(")) k = match(k) + 1;
            }
            bool is_static = false, getter = false, setter = false;
            for (bool more = true; more && k < e;) {
                more = false;
                for (std::string_view m : k_modifiers) {
                    if (!word(k, m) || punct(k + 1, "(") || punct(k + 1, "=") || punct(k + 1, ":") || punct(k + 1, ";") ||
                        punct(k + 1, "?") || punct(k + 1, "!") || punct(k + 1, "}") || k + 1 >= e) {
                        continue;
                    }
                    if (m == "static" && punct(k + 1, "{")) {  // a static block runs with `this` the class
                        const std::size_t close = std::min(match(k + 1), e);
                        for (std::size_t i = k + 1; i < close; ++i) {
                            if (word(i, "name") || word(i, "this")) note_unknown(c, i, "a static block may set the class's `name`");
                        }
                        k = close;
                        break;
                    }
                    is_static = is_static || m == "static";
                    getter = getter || m == "get";
                    setter = setter || m == "set";
                    ++k;
                    more = true;
                    break;
                }
            }
            if (k >= e) break;
            if (punct(k, "}")) {  // the end of a static block
                ++k;
                continue;
            }
            if (punct(k, "*")) ++k;
            std::string key;
            bool computed = false;
            if (punct(k, "[")) {
                const std::size_t close = std::min(match(k), e);
                if (close == k + 2 && m_t[k + 1].kind == TokenKind::String) key = m_t[k + 1].string.value;
                else computed = true;
                k = close + 1;
            } else if (ident(k) || m_t[k].kind == TokenKind::Number) {
                key = m_t[k++].text;
            } else if (m_t[k].kind == TokenKind::String) {
                key = m_t[k++].string.value;
            } else {
                ++k;
                continue;
            }
            const std::size_t at = k - 1;
            if (punct(k, "?") || punct(k, "!")) ++k;
            if (punct(k, "<")) {
                while (k < e && !punct(k, "(")) ++k;
            }
            std::vector<Setting>& settings = is_static ? c.statics : c.instance;
            if (punct(k, "(")) {  // a method, getter or setter
                k = std::min(match(k), e) + 1;
                while (k < e && !punct(k, "{") && !punct(k, ";")) ++k;
                if (punct(k, ";")) {  // a declaration with no body
                    ++k;
                    continue;
                }
                const std::size_t body = k, body_end = std::min(match(k), e);
                k = body_end + 1;
                if (computed) {
                    note_unknown(c, at, "a member whose name is computed may be `name`");
                } else if (key == "name" && getter) {
                    std::optional<std::string> v;
                    if (word(body + 1, "return")) {
                        v = literal(body + 2, {";", "}"});
                        const std::size_t after = body + 3 + (word(body + 3, "as") ? 2 : 0);
                        if (v && !(after == body_end || (punct(after, ";") && after + 1 == body_end))) v.reset();
                    }
                    if (v) settings.push_back(Setting{v, line(at), {}});
                    else note_unknown(c, at, "its `name` getter computes the name");
                } else if (key == "name") {
                    note_unknown(c, at, std::string("its `name` is a ") + (setter ? "setter" : "method"));
                } else if (key == "constructor" && !is_static) {
                    read_constructor(body + 1, body_end, c);
                }
                continue;
            }
            // A field: its type and initializer, up to the next member.
            std::optional<std::size_t> value;
            std::size_t end = k;
            if (punct(k, ":") || punct(k, "=")) {
                end = field_end(k + 1, e);
                for (std::size_t i = k; i < end && !value; ++i) {
                    if (punct(i, "=")) value = i + 1;
                    else if (punct(i, "(") || punct(i, "[") || punct(i, "{")) i = std::min(match(i), end);
                }
            } else if (punct(k, ";")) {
                end = k + 1;
            }
            if (computed && value) note_unknown(c, at, "a field whose name is computed may be `name`");
            if (key == "name" && value) {
                auto v = literal(*value, {";", "}"});
                if (v) settings.push_back(Setting{v, line(at), {}});
                else note_unknown(c, at, "its `name` field is an expression pgfence does not evaluate");
            }
            k = end;
        }
    }

    // `this.name = ...`, `Object.assign(this, {...})` and any other hand-over of `this` in the constructor.
    void read_constructor(std::size_t k, std::size_t e, ClassRead& c) {
        for (; k < e; ++k) {
            if (word(k, "return") && !punct(k + 1, ";") && !punct(k + 1, "}")) note_unknown(c, k, "its constructor returns another object");
            if (!word(k, "this")) continue;
            if ((punct(k + 1, ".") || punct(k + 1, "?.")) && word(k + 2, "name")) {
                auto v = punct(k + 3, "=") ? literal(k + 4, {";", "}", ")"}) : std::nullopt;
                if (v) c.instance.push_back(Setting{v, line(k), {}});
                else note_unknown(c, k, "its constructor sets `this.name` to what pgfence does not evaluate");
                continue;
            }
            if ((punct(k + 1, ".") || punct(k + 1, "?.")) && ident(k + 2)) {
                if (punct(k + 3, "(")) note_unknown(c, k, "its constructor calls a method, which may set `this.name`");
                continue;
            }
            if (k >= 4 && punct(k - 1, "(") && word(k - 2, "assign") && punct(k - 3, ".") && word(k - 4, "Object")) {
                const std::size_t close = match(k - 1);
                std::size_t j = k + 1;
                while (j < close && punct(j, ",") && punct(j + 1, "{")) {
                    read_object(j + 1, std::min(match(j + 1), close), c);
                    j = std::min(match(j + 1), close) + 1;
                }
                if (j != close) note_unknown(c, k, "its constructor copies into `this` what pgfence does not read");
                k = std::max(k, std::min(close, e));
                continue;
            }
            note_unknown(c, k, "its constructor hands `this` to code that may set its `name`");
        }
    }

    // The keys of the object literal `{` at `o` (closing at `oe`) that Object.assign copies onto the instance.
    void read_object(std::size_t o, std::size_t oe, ClassRead& c) {
        for (std::size_t j = o + 1; j < oe;) {
            if (punct(j, ",")) {
                ++j;
                continue;
            }
            if (punct(j, "...") || punct(j, "[")) {
                note_unknown(c, j, "Object.assign(this, ...) copies a spread or computed key, which may be `name`");
                return;
            }
            if ((word(j, "get") || word(j, "set") || word(j, "async")) && !punct(j + 1, ":") && !punct(j + 1, ",") &&
                !punct(j + 1, "(") && !punct(j + 1, "}")) {
                ++j;
            }
            std::string key = j < oe && m_t[j].kind == TokenKind::String ? m_t[j].string.value : (j < oe ? m_t[j].text : "");
            const std::size_t at = j++;
            if (punct(j, ":")) {
                if (key == "name") {
                    auto v = literal(j + 1, {",", "}"});
                    if (v) c.instance.push_back(Setting{v, line(at), {}});
                    else note_unknown(c, at, "Object.assign(this, { name: ... }) sets a name pgfence does not evaluate");
                }
            } else if (key == "name") {
                note_unknown(c, at, "Object.assign(this, { name }) sets a name pgfence does not evaluate");
            }
            while (j < oe && !punct(j, ",")) {
                if (punct(j, "(") || punct(j, "[") || punct(j, "{")) j = std::min(match(j), oe);
                ++j;
            }
        }
    }

    // One value from the settings, or why there is none.
    static std::optional<Setting> one(const std::vector<Setting>& settings) {
        if (settings.empty()) return std::nullopt;
        const Setting& last = settings.back();
        for (const auto& s : settings) {
            if (s.value != last.value) return Setting{std::nullopt, last.line, "its `name` is set in more than one place"};
        }
        if (last.value->empty()) {
            return Setting{std::nullopt, last.line, "its `name` is empty: TypeORM 1.0 and later keep it (`??`), earlier ones take the class name (`||`)"};
        }
        return last;
    }

    static TypeormName resolve(const ClassRead& c) {
        TypeormName out{c.name, c.name, c.line, {}};
        std::optional<Setting> decided = c.unknown;
        if (!decided) decided = one(c.instance);
        if (!decided && c.extends) decided = Setting{std::nullopt, c.line, "it extends a class whose constructor or prototype may set `name`"};
        if (!decided) decided = one(c.statics);
        if (!decided && c.name.empty()) decided = Setting{std::nullopt, c.line, "it is an anonymous class JavaScript gives no name"};
        if (!decided) return out;
        out.line = decided->line;
        if (decided->value) out.name = *decided->value;
        else out.unknown = "TypeORM records this migration by its `name` or else its class name, and " + decided->why;
        return out;
    }

    std::string_view m_text;
    std::vector<Token> m_t;
    std::vector<std::size_t> m_match, m_open;
};

}  // namespace

std::vector<TypeormName> typeorm_migration_names(std::string_view text) { return Reader(text).run(); }

}  // namespace pgfence::analyze::tools
