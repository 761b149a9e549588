// knex.raw(sql, bindings) as knex 3 builds it for PostgreSQL (knex/lib/formatter/rawFormatter.js,
// replaceRawArrBindings and replaceKeyBindings; wrappingFormatter.js wrapString; the pg dialect's
// wrapIdentifierImpl and positionBindings). knex replaces bindings in the whole text, comments and
// string literals included, so an identifier binding inside `/* ?? */` whose value holds `*/`
// ends the comment (red team R70 F26): the text is rebuilt the same way and then read.
#include "analyze/orm/emitter.hpp"

#include "analyze/parse/tokens.hpp"

#include <cctype>

namespace pgfence::analyze::orm {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string js_trim(std::string_view v) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (!v.empty() && space(v.front())) v.remove_prefix(1);
    while (!v.empty() && space(v.back())) v.remove_suffix(1);
    return std::string(v);
}

// The pg dialect's wrapIdentifierImpl: `*` as is; else the text up to its first `[digits]` (on
// the first line holding one: the regex's `.` stops at line ends) quoted, `"` doubled, then it.
std::string pg_wrap(const std::string& v) {
    if (v == "*") return v;
    std::size_t line = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\n' || v[i] == '\r') {
            line = i + 1;
            continue;
        }
        if (v[i] == '[' && i + 1 < v.size() && std::isdigit(static_cast<unsigned char>(v[i + 1]))) {
            std::size_t j = i + 1;
            while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
            if (j < v.size() && v[j] == ']') return quote_ident(v.substr(line, i - line)) + v.substr(i, j + 1 - i);
        }
    }
    return quote_ident(v);
}

std::string wrap_as_identifier(std::string_view v) { return pg_wrap(js_trim(v)); }

// wrappingFormatter.js getAliasSeparatorIndex: the first " as " (any case of "as").
std::size_t alias_separator(const std::string& v) {
    for (std::size_t i = v.find(' '); i != std::string::npos; i = v.find(' ', i + 1)) {
        if (i + 3 < v.size() && (v[i + 1] | 32) == 'a' && (v[i + 2] | 32) == 's' && v[i + 3] == ' ') return i;
    }
    return std::string::npos;
}

// wrappingFormatter.js wrapString.
std::string wrap_string(const std::string& v, int depth = 0) {
    std::size_t as = depth < 64 ? alias_separator(v) : std::string::npos;
    if (as != std::string::npos) return wrap_string(v.substr(0, as), depth + 1) + " as " + wrap_as_identifier(v.substr(as + 4));
    std::size_t dot = v.find('.');
    if (dot == std::string::npos) return wrap_as_identifier(v);
    std::string wrapped;
    std::size_t start = 0;
    for (int i = 0; dot != std::string::npos; ++i) {
        std::string segment = v.substr(start, dot - start);
        if (i > 0) wrapped += '.';
        wrapped += i == 0 ? wrap_string(js_trim(segment), depth + 1) : wrap_as_identifier(segment);
        start = dot + 1;
        dot = v.find('.', start);
    }
    return wrapped + "." + wrap_as_identifier(v.substr(start));
}

// A number JavaScript prints as written: a plain decimal integer.
bool plain_integer(const std::string& s) {
    if (s.empty() || s.size() > 15 || (s.size() > 1 && s[0] == '0')) return false;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// columnize(): what an identifier binding becomes, nullopt when its value is not known.
std::optional<std::string> columnize(const Node& v, Emitter& e) {
    if (auto s = e.string_of(v)) return wrap_string(*s);
    // `knex.ref('flow_id')` (as raw_value() reads `<x>.raw`): knex 2.5.1 lib/ref.js toSQL() is
    // `formatter.columnize(this.ref)` without withSchema() or as(), the same as the string's
    // (automatisch's `knex.raw('? || ??', ['/webhooks/flows/', knex.ref('flow_id')])`).
    if (v.kind == NodeKind::Call && v.kids.size() == 2 && v.kids[0].kind == NodeKind::Member && v.kids[0].name == "ref" &&
        !v.kids[0].kids.empty() && v.kids[0].kids[0].kind == NodeKind::Ident) {
        if (auto s = e.string_of(v.kids[1])) {
            e.read_inside(v);
            return wrap_string(*s);
        }
    }
    if (v.kind == NodeKind::Number && plain_integer(v.name)) return v.name;
    if (v.kind == NodeKind::Array) {
        std::string out;
        for (std::size_t i = 0; i < v.kids.size(); ++i) {
            if (v.kids[i].kind == NodeKind::Array) return std::nullopt;
            auto one = columnize(v.kids[i], e);
            if (!one) return std::nullopt;
            out += (i ? ", " : "") + *one;
        }
        return out;
    }
    return std::nullopt;
}

// A value binding read as the literal it stands for, nullopt when not known (then $n).
std::optional<std::string> value_literal(const Node& v, Emitter& e) {
    if (auto s = e.string_of(v)) return quote_literal(*s);
    if (v.kind == NodeKind::Number && plain_integer(v.name)) return v.name;
    if (v.kind == NodeKind::Ident && (v.name == "true" || v.name == "false")) return v.name;
    if (v.kind == NodeKind::Ident && v.name == "null") return "NULL";
    return std::nullopt;
}

bool inherited_key(const std::string& k) {
    static const char* const k_names[] = {"constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf",
                                          "propertyIsEnumerable", "toLocaleString", "__proto__", "__defineGetter__",
                                          "__defineSetter__", "__lookupGetter__", "__lookupSetter__"};
    for (const char* n : k_names) {
        if (k == n) return true;
    }
    return false;
}

// raw.js set(): the bindings a knex.raw(sql, bindings) call passes: nullptr for none
// (undefined), the array or object (a `const` of a literal read through), a single value as a
// one-element array; nullptr with `why` set when what they are is not known.
const Node* bindings_of(const Node* b, Emitter& e, Node& one, std::string& why) {
    if (b == nullptr || (b->kind == NodeKind::Ident && b->name == "undefined")) return nullptr;
    const Node* literal = e.literal_of(*b);
    if (literal != nullptr && literal->kind == NodeKind::Object) {
        for (const auto& k : literal->keys) {
            // An object with toSQL is one value (raw.js set()), spliced as SQL when it also has isRawInstance.
            if (k == "toSQL" || k == "isRawInstance") {
                why = "knex bindings object with `" + k + "`: knex may splice its toSQL() as SQL text, which pgfence does not read";
                return nullptr;
            }
        }
        return literal;
    }
    if (literal != nullptr && literal->kind == NodeKind::Array) return literal;
    const Node* value = e.const_value(*b);  // `const limit = 100`: one value (not a `new Date()`: an object)
    if (e.string_of(*b) || b->kind == NodeKind::Number || b->kind == NodeKind::Call ||
        (literal != nullptr && literal->kind == NodeKind::Ident) || e.literal_loop_variable(*b) ||
        (value != nullptr && value->kind != NodeKind::New && value->kind != NodeKind::Other && plain_value(*b, e))) {
        one.kind = NodeKind::Array;
        one.kids.push_back(literal != nullptr ? *literal : *b);
        return &one;
    }
    if (b->kind == NodeKind::Array || b->kind == NodeKind::Object) return b;
    why = "knex bindings from a value pgfence does not read: what knex splices into the SQL is not known";
    return nullptr;
}

// `<x>.raw(sql, bindings?)` (knex.raw, trx.raw; not knex.schema.raw, a builder of its own): a Raw.
bool raw_value(const Node& v) {
    if (v.kind != NodeKind::Call || v.kids.empty() || v.kids[0].kind != NodeKind::Member || v.kids[0].name != "raw") return false;
    std::string name = dotted_name(v.kids[0]);
    return !name.empty() && name.find("schema") == std::string::npos;
}

// The callee of a call that always returns a primitive, never SQL: a global's Number(),
// String(), Boolean(), parseInt(), parseFloat(), JSON.stringify() (a string or undefined), a
// Math function, Date.now().
bool primitive_call(const Node& callee, Emitter& e) {
    static const char* const k_functions[] = {"Number", "String", "Boolean", "parseInt", "parseFloat"};
    static const char* const k_math[] = {"abs", "ceil", "floor", "round", "trunc", "max", "min", "pow", "sqrt", "sign", "random", "log", "exp"};
    if (callee.kind == NodeKind::Ident) {
        for (const char* f : k_functions) {
            if (callee.name == f) return e.global_name(callee.name);
        }
        return false;
    }
    if (callee.kind != NodeKind::Member || callee.kids.empty() || callee.kids[0].kind != NodeKind::Ident) return false;
    const std::string& object = callee.kids[0].name;
    if (!e.global_name(object)) return false;
    if (object == "JSON") return callee.name == "stringify";
    if (object == "Date") return callee.name == "now";
    if (object != "Math") return false;
    for (const char* f : k_math) {
        if (callee.name == f) return true;
    }
    return false;
}

// The text replaceRawArrBindings / replaceKeyBindings make (raw.js toSQL()), each value binding a
// `?` at the position recorded in `values`.
struct Replaced {
    MappedText out;
    std::vector<std::pair<std::size_t, const Node*>> values;  // each value binding's '?' in out
};

std::string replace_bindings(const MappedText& text, const Node& bindings, Emitter& e, Replaced& r, int depth);

// A value binding: a parameter `?`, or a Raw's SQL spliced as knex does (its own bindings
// replaced first, its values kept as parameters in order); "" when read, else why not.
std::string value_binding(const Node* v, std::size_t at, Emitter& e, Replaced& r, int depth) {
    if (v == nullptr || plain_value(*v, e)) {
        r.values.emplace_back(r.out.value.size(), v);
        r.out.append('?', at);
        return {};
    }
    std::string shown = e.source(*v);
    if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
    std::string why = "knex splices the value binding `" + shown + "` into the SQL text as SQL (a knex.raw(), ref, builder, function "
                      "or object is no parameter), and pgfence does not know its text";
    if (!raw_value(*v) || depth >= 8) return why;
    SqlPiece inner;
    std::string unread;
    if (arg(*v, 0) == nullptr || !e.sql_of(*arg(*v, 0), inner, unread) || !inner.spliced.empty()) return why;
    Node one;
    std::string bad;
    const Node* b = bindings_of(arg(*v, 1), e, one, bad);
    if (!bad.empty()) return bad;
    if (b == nullptr) {  // toSQL() without bindings: its text as written
        r.out.append(inner.sql);
        e.read_inside(*v);
        return {};
    }
    Replaced nested;
    if (std::string failed = replace_bindings(inner.sql, *b, e, nested, depth + 1); !failed.empty()) return failed;
    e.read_inside(*v);
    for (auto& [at, node] : nested.values) r.values.emplace_back(r.out.value.size() + at, node);
    r.out.append(nested.out);
    return {};
}

std::string replace_bindings(const MappedText& text, const Node& bindings, Emitter& e, Replaced& r, int depth) {
    const std::string& sql = text.value;
    MappedText& out = r.out;
    if (bindings.kind == NodeKind::Array) {
        for (const Node& k : bindings.kids) {
            if (k.kind == NodeKind::Unary && k.name == "...") return "knex bindings from a spread: which value each `?` takes is not known";
        }
        std::size_t index = 0;
        for (std::size_t i = 0; i < sql.size(); ++i) {
            std::size_t at = text.offsets[i];
            bool escaped = sql[i] == '\\' && i + 1 < sql.size() && sql[i + 1] == '?';
            if (escaped && !(i + 2 < sql.size() && sql[i + 2] == '?')) {  // `\?` stays
                out.append(sql.substr(i, 2), at);
                ++i;
                continue;
            }
            if (sql[i] != '?' && !escaped) {
                out.append(sql[i], at);
                continue;
            }
            if (escaped) ++i;  // `\??` is one value binding
            const Node* v = index < bindings.kids.size() ? &bindings.kids[index] : nullptr;
            ++index;
            if (!escaped && i + 1 < sql.size() && sql[i + 1] == '?') {
                ++i;
                auto id = v ? columnize(*v, e) : std::nullopt;
                if (!id) return "knex splices the identifier binding `??` into the SQL text (comments and literals too) from a value pgfence does not know";
                out.append(*id, at);
                continue;
            }
            if (escaped) ++i;
            if (std::string why = value_binding(v, at, e, r, depth); !why.empty()) return why;
        }
        if (index != bindings.kids.size()) {
            return "knex throws: the SQL has " + std::to_string(index) + " bindings, the call passes " + std::to_string(bindings.kids.size());
        }
        return {};
    }
    for (const auto& k : bindings.keys) {
        if (k == "..." || k.starts_with("[computed]")) return "knex named bindings from a spread or computed key: which `:name` each replaces is not known";
    }
    for (std::size_t i = 0; i < sql.size(); ++i) {
        std::size_t at = text.offsets[i];
        bool escaped = sql[i] == '\\' && i + 2 < sql.size() && sql[i + 1] == ':' && word_char(sql[i + 2]);
        std::size_t colon = escaped ? i + 1 : i;
        if (!escaped && !(sql[i] == ':' && i + 1 < sql.size() && word_char(sql[i + 1]))) {
            out.append(sql[i], at);
            continue;
        }
        std::size_t j = colon + 1;
        while (j < sql.size() && word_char(sql[j])) ++j;
        std::string key = sql.substr(colon + 1, j - colon - 1);
        bool identifier = j < sql.size() && sql[j] == ':' &&
                          (j + 1 >= sql.size() || sql[j + 1] != ':' || (j + 2 < sql.size() && sql[j + 2] == ':'));
        std::size_t end = identifier ? j + 1 : j;
        if (escaped) {  // `\:name` loses its backslash and stays
            for (std::size_t k = colon; k < end; ++k) out.append(sql[k], text.offsets[k]);
            i = end - 1;
            continue;
        }
        const Node* v = property(bindings, key);
        if (v == nullptr && inherited_key(key)) return "knex named binding `:" + key + "` reads an inherited property";
        if (v == nullptr || (v->kind == NodeKind::Ident && v->name == "undefined")) {
            for (std::size_t k = i; k < end; ++k) out.append(sql[k], text.offsets[k]);
            i = end - 1;
            continue;
        }
        if (identifier) {
            auto id = columnize(*v, e);
            if (!id) return "knex splices the identifier binding `:" + key + ":` into the SQL text (comments and literals too) from a value pgfence does not know";
            out.append(*id, at);
        } else {
            if (std::string why = value_binding(v, at, e, r, depth); !why.empty()) return why;
        }
        i = end - 1;
    }
    return {};
}

}  // namespace

// knex's client.parameter() binds such a value as a parameter (wrappingFormatter.js unwrapRaw), and
// Sequelize's escape() quotes it; any other value may be a knex Raw, builder, function or object
// with isRawInstance, or a Sequelize literal(), fn() or col(), whose SQL the ORM splices into the
// text (red team R71 F2).
bool plain_value(const Node& v, Emitter& e, int depth) {
    if (depth > 16) return false;
    switch (v.kind) {
        case NodeKind::String:
        case NodeKind::Template:  // untagged: a tagged template is a call
        case NodeKind::Number: return true;
        case NodeKind::Ident: {
            if (v.name == "true" || v.name == "false" || v.name == "null" || v.name == "undefined" || e.string_of(v)) return true;
            if (e.literal_loop_variable(v)) return true;
            if (const Node* value = e.const_value(v)) return plain_value(*value, e, depth + 1);
            const Node* literal = e.literal_of(v);
            return literal != nullptr && literal != &v && literal->kind != NodeKind::Object && plain_value(*literal, e, depth + 1);
        }
        case NodeKind::Unary:
            return (v.name == "-" || v.name == "+" || v.name == "!") && v.kids.size() == 1 &&
                   (v.kids[0].kind == NodeKind::Number || v.name == "!");
        case NodeKind::New:  // new Date(...): a Date, which the driver binds as a value
            return !v.kids.empty() && v.kids[0].kind == NodeKind::Ident && v.kids[0].name == "Date" && e.global_name("Date");
        case NodeKind::Binary:
            return v.name == "+" && v.kids.size() == 2 &&
                   (v.kids[0].kind == NodeKind::String || v.kids[0].kind == NodeKind::Template ||
                    v.kids[1].kind == NodeKind::String || v.kids[1].kind == NodeKind::Template);
        case NodeKind::Array:
            for (const Node& k : v.kids) {
                if (!plain_value(k, e, depth + 1)) return false;  // a spread too
            }
            return true;
        case NodeKind::Call: return !v.kids.empty() && primitive_call(v.kids[0], e);
        default: return false;
    }
}

bool knex_raw_bindings(SqlPiece& piece, const Node* given, Emitter& e) {
    auto fail = [&](std::string why) {
        piece.unknown = std::move(why);
        piece.sql = MappedText{};
        piece.holes.clear();
        piece.spliced.clear();
        return false;
    };
    Node one;
    std::string why;
    const Node* bindings = bindings_of(given, e, one, why);
    if (!why.empty()) return fail(why);
    if (bindings == nullptr) return false;
    Replaced replaced;
    if (std::string failed = replace_bindings(piece.sql, *bindings, e, replaced, 0); !failed.empty()) return fail(failed);
    const MappedText& out = replaced.out;
    const auto& values = replaced.values;
    // positionBindings: every `?` after an even run of backslashes becomes $n (the run dropped),
    // after an odd run `?`; spliced identifiers included.
    MappedText positioned;
    std::vector<std::pair<std::size_t, const Node*>> numbered;  // each value's $n in positioned
    std::size_t next_value = 0;
    int count = 0;
    const std::string& text = out.value;
    for (std::size_t i = 0; i < text.size(); ++i) {
        std::size_t j = i;
        while (j < text.size() && text[j] == '\\') ++j;
        if (j >= text.size() || text[j] != '?') {
            for (std::size_t k = i; k <= j && k < text.size(); ++k) positioned.append(text[k], out.offsets[k]);
            i = j;
            continue;
        }
        const Node* v = nullptr;
        bool value = next_value < values.size() && values[next_value].first == j;
        if (value) v = values[next_value++].second;
        if ((j - i) % 2 == 1) {
            positioned.append('?', out.offsets[j]);
        } else {
            numbered.emplace_back(positioned.value.size(), value ? v : nullptr);
            positioned.append("$" + std::to_string(++count), out.offsets[j]);
        }
        i = j;
    }
    // A known value where PostgreSQL reads a parameter is read as its literal; in a comment or a
    // literal, $n is text.
    MappedText final_text;
    int holes = 0;
    analyze::Tokenizer tokens(positioned.value);
    analyze::Token token;
    bool more = tokens.next(token);
    std::size_t n = 0;
    for (std::size_t i = 0; i < positioned.value.size(); ++i) {
        if (n >= numbered.size() || numbered[n].first != i) {
            final_text.append(positioned.value[i], positioned.offsets[i]);
            continue;
        }
        while (more && token.end <= i) more = tokens.next(token);
        std::size_t j = i + 1;
        while (j < positioned.value.size() && std::isdigit(static_cast<unsigned char>(positioned.value[j]))) ++j;
        bool opaque = more && token.is_opaque() && token.begin <= i;
        auto literal = !opaque && numbered[n].second ? value_literal(*numbered[n].second, e) : std::nullopt;
        if (literal) {
            final_text.append(*literal, positioned.offsets[i]);
        } else {
            if (!opaque) piece.holes.emplace_back(final_text.value.size(), "?");
            final_text.append(opaque ? positioned.value.substr(i, j - i) : "$" + std::to_string(++holes), positioned.offsets[i]);
        }
        ++n;
        i = j - 1;
    }
    piece.sql = std::move(final_text);
    return true;
}

}  // namespace pgfence::analyze::orm
