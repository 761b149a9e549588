// Knex's where conditions on a delete or update, as knex 3 compiles them for PostgreSQL
// (knex/lib/query/querycompiler.js where(): each condition after the first joined by its
// `and`/`or`, no parentheses added), a bound value a parameter $n and a knex.raw() its text in
// place (client.js parameter(): `unwrapRaw(value, true, ...) || '?'`).
#include "analyze/orm/knex_where.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/orm/runner_api.hpp"
#include "analyze/orm/walker.hpp"

namespace pgfence::analyze::orm::knex_where {

// Whether a where link keeps every row (knex/lib/query/querybuilder.js): where(true) is
// `where(1, '=', 1)` ("where true || where false"), where({}) adds no condition (_objectWhere
// walks the object's keys), and whereRaw('true') / whereRaw('1=1') are that SQL verbatim.
bool always_true(const Node& sql_arg, const Emitter& e) {
    auto sql = e.string_of(sql_arg);
    if (!sql) return false;
    std::string bare;
    for (char c : *sql) {
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')') bare += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return bare == "true" || bare == "1=1" || bare == "'1'='1'" || bare == "notfalse" || bare == "1::boolean" || bare == "true=true";
}

// `<x>.raw(sql, bindings?)`, not knex.schema.raw (as knex_bindings.cpp raw_value()).
bool raw_value(const Node& v) {
    if (v.kind != NodeKind::Call || v.kids.empty() || v.kids[0].kind != NodeKind::Member || v.kids[0].name != "raw") return false;
    std::string name = dotted_name(v.kids[0]);
    return !name.empty() && name.find("schema") == std::string::npos;
}

// A knex.raw() given as a where column or value (`where(c, op, knex.raw(...))`, `where({ c: knex.raw(...) })`),
// written there or kept in a const: its call, or nullptr.
const Node* raw_of(const Node* v, const Emitter& e) {
    if (v == nullptr) return nullptr;
    if (raw_value(*v)) return v;
    const Node* c = e.const_value(*v);
    return c != nullptr && raw_value(*c) ? c : nullptr;
}

// An object of where conditions (knex/lib/query/querybuilder.js _objectWhere(): one condition
// per own key, none for {}), its spreads resolved when they are literals (`{ ...{} }`, a const).
Filter object_filter(const Node& object, const Emitter& e, int depth) {
    bool narrow = false;
    for (std::size_t i = 0; i < object.kids.size(); ++i) {
        if (i < object.keys.size() && object.keys[i] != "...") {
            narrow = true;
            continue;
        }
        const Node* spread = depth < 8 ? e.literal_of(object.kids[i]) : nullptr;
        if (spread == nullptr || (spread->kind != NodeKind::Object && spread->kind != NodeKind::Ident)) return Filter::Unresolved;
        if (spread->kind == NodeKind::Ident) continue;  // ...null, ...undefined, ...true: no key
        Filter inner = object_filter(*spread, e, depth + 1);
        if (inner == Filter::Unresolved) return inner;
        narrow = narrow || inner == Filter::Narrow;
    }
    return narrow ? Filter::Narrow : Filter::EveryRow;
}

Filter where_filter(const Link& l, const Emitter& e) {
    const Node* first = arg(*l.call, 0);
    std::string lower = l.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "where" || lower == "andwhere" || lower == "orwhere") {
        if (first == nullptr) return Filter::EveryRow;
        if (arg_count(*l.call) != 1) {
            // where(column, value) / where(column, op, value): a condition on a column named here;
            // a column that is not a string (knex.raw('1'), a variable) may be anything.
            // A knex.raw column is written as its text (wrappingFormatter.js wrap(): unwrapRaw first).
            // Compared with a bound value it may hold for every row (`where(knex.raw('1'), 1)`); only
            // one compared with a knex.raw (automatisch: `conditions::text = '{}'::text`) is judged as written.
            if (e.string_of(*first)) return Filter::Narrow;
            return raw_of(first, e) != nullptr && raw_of(arg(*l.call, arg_count(*l.call) - 1), e) != nullptr ? Filter::Narrow : Filter::Unresolved;
        }
        // where(knex.raw('true')) is whereRaw; where(() => {}) wraps nothing (querycompiler.js
        // whereWrapped() writes no clause for an empty group).
        if (first->kind == NodeKind::Call && !first->kids.empty() && first->kids[0].kind == NodeKind::Member &&
            first->kids[0].name == "raw" && arg(*first, 0) != nullptr && arg_count(*first) <= 2) {
            auto sql = e.string_of(*arg(*first, 0));
            return !sql ? Filter::Unresolved : arg_count(*first) == 1 && always_true(*arg(*first, 0), e) ? Filter::EveryRow : Filter::Narrow;
        }
        if (first->kind == NodeKind::Func) return first->kids.empty() ? Filter::EveryRow : Filter::Narrow;
        const Node* value = e.literal_of(*first);
        if (value == nullptr) return Filter::Unresolved;
        if (value->kind == NodeKind::Object) return object_filter(*value, e, 0);
        if (value->kind == NodeKind::Ident) {
            // where(true) is `where(1, '=', 1)` ("where true || where false"); false keeps no row.
            return value->name == "false" ? Filter::Narrow : Filter::EveryRow;
        }
        return Filter::Unresolved;  // an array: not a where knex reads as conditions
    }
    // whereNot(object) negates each of the object's conditions (_objectWhere with _not): none for
    // {}; one pgfence does not read may be {}.
    if ((lower == "wherenot" || lower == "andwherenot" || lower == "orwherenot") && arg_count(*l.call) == 1 && first != nullptr &&
        first->kind != NodeKind::Func && first->kind != NodeKind::Call) {
        const Node* value = e.literal_of(*first);
        if (value == nullptr) return Filter::Unresolved;
        return value->kind == NodeKind::Object ? object_filter(*value, e, 0) : Filter::Narrow;
    }
    if (lower == "whereraw" || lower == "andwhereraw" || lower == "orwhereraw") {
        // whereRaw(knex.raw(sql, bindings)) is that raw (raw_link()).
        if (first != nullptr && raw_value(*first) && arg(*first, 0) != nullptr && arg_count(*first) <= 2) {
            if (!e.string_of(*arg(*first, 0))) return Filter::Unresolved;
            return arg_count(*first) == 1 && always_true(*arg(*first, 0), e) ? Filter::EveryRow : Filter::Narrow;
        }
        if (first == nullptr || !e.string_of(*first)) return Filter::Unresolved;
        return arg_count(*l.call) == 1 && always_true(*first, e) ? Filter::EveryRow : Filter::Narrow;
    }
    // whereNotIn(column, []) is where(true) (querybuilder.js whereIn(): an empty array is
    // `this.where(this._not())`); values known only when it runs (a variable, a subquery) may be
    // none: every row. (whereIn of no value keeps no row.)
    if (lower == "wherenotin" || lower == "andwherenotin" || lower == "orwherenotin") {
        const Node* values = arg_count(*l.call) == 2 ? e.literal_of(*arg(*l.call, 1)) : nullptr;
        if (values == nullptr || values->kind != NodeKind::Array) return Filter::Unresolved;
        for (const Node& k : values->kids) {
            if (k.kind == NodeKind::Other && k.name == "...") return Filter::Unresolved;
        }
        return values->kids.empty() ? Filter::EveryRow : Filter::Narrow;
    }
    return Filter::Narrow;
}

// A value read from the rows a knex query on the runner returned (`const [row] = await
// knex("config").insert(...).returning("id")`, then `row.id`): data from the database, which knex
// binds, never a knex.raw (automatisch's 20240919100138_make_config_single_record.js).
bool row_read(const Node& v, const Emitter& e, const std::vector<std::string>* roots) {
    if (roots == nullptr || (v.kind != NodeKind::Member && v.kind != NodeKind::Ident)) return false;
    const Node* at = &v;
    while ((at->kind == NodeKind::Member || at->kind == NodeKind::Index) && !at->kids.empty()) at = &at->kids[0];
    if (at->kind != NodeKind::Ident) return false;
    const Node* value = e.destructured_value(*at);
    if (value == nullptr) value = e.const_value(*at);
    if (value != nullptr && value->kind == NodeKind::Unary && value->name == "await" && !value->kids.empty()) value = &value->kids[0];
    return value != nullptr && value->kind == NodeKind::Call && knex_query_chain(*value, *roots);
}

// A where value knex sends as a bound parameter (querycompiler.js whereBasic(): `this.client.parameter(value)`),
// or false when it may be a knex.raw() or a builder, whose SQL knex inlines: a literal or a const
// of one, a const of something that is no call, a value read from a query's rows (row_read()).
// `null` is whereNull: not a parameter.
bool bound_value(const Node& v, const Emitter& e, const std::vector<std::string>* roots) {
    if (row_read(v, e, roots)) return true;
    if (const Node* lit = e.literal_of(v)) {
        return lit->kind == NodeKind::String || lit->kind == NodeKind::Number ||
               (lit->kind == NodeKind::Ident && (lit->name == "true" || lit->name == "false"));
    }
    if (e.string_of(v) || e.number_of(v)) return true;
    // A property read (`user.id`) is not known to be a value: a helper's caller may pass
    // knex.raw('id'), which knex writes into the SQL, and `where('id', knex.raw('id'))` pins every
    // row (red team R86b F3: 1,000 rows deleted while read as a bound parameter).
    const Node* c = e.const_value(v);
    return c != nullptr && c->kind != NodeKind::Call && c->kind != NodeKind::New;
}

bool null_value(const Node& v, const Emitter& e) {
    const Node* lit = e.literal_of(v);
    return lit != nullptr && lit->kind == NodeKind::Ident && lit->name == "null";
}

// A column as knex wraps it (formatter wrap(): each dotted part quoted); nullopt for one with an
// alias, a space or a quote, which is left to a parameter of its own.
std::optional<std::string> column_sql(const Node* n, const Emitter& e) {
    auto name = n ? e.string_of(*n) : std::nullopt;
    if (!name || name->empty() || name->find_first_of(" \"'`()*") != std::string::npos) return std::nullopt;
    return quote_qualified(*name);
}

// One where link that is a raw condition: whereRaw(sql, bindings?) / andWhereRaw / orWhereRaw, or
// where(knex.raw(sql, bindings?)) (querybuilder.js where(): a raw column is whereRaw), or
// whereNot(knex.raw(...)) (`this._not(true).where(...)`: whereRaw writes `not ` before it). Its
// SQL and bindings arguments, or false.
bool raw_link(const Link& l, const Node*& sql, const Node*& bindings, bool* negated) {
    std::string lower = l.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "whereraw" || lower == "andwhereraw" || lower == "orwhereraw") {
        sql = arg(*l.call, 0);
        bindings = arg(*l.call, 1);
        // whereRaw(knex.raw(sql, bindings)) is that raw; bindings given beside it are dropped
        // (querybuilder.js whereRaw(): `sql.isRawInstance ? sql : this.client.raw(sql, bindings)`).
        if (sql != nullptr && raw_value(*sql) && arg(*sql, 0) != nullptr && arg_count(*sql) <= 2) {
            bindings = arg(*sql, 1);
            sql = arg(*sql, 0);
        }
        return sql != nullptr && arg_count(*l.call) <= 2;
    }
    const Node* first = arg(*l.call, 0);
    const bool negates = lower == "wherenot" || lower == "andwherenot" || lower == "orwherenot";
    if (negated != nullptr) *negated = negates;
    if ((lower == "where" || lower == "andwhere" || lower == "orwhere" || negates) && arg_count(*l.call) == 1 && first->kind == NodeKind::Call &&
        !first->kids.empty() && first->kids[0].kind == NodeKind::Member && first->kids[0].name == "raw" && arg(*first, 0) != nullptr &&
        arg_count(*first) <= 2) {
        sql = arg(*first, 0);
        bindings = arg(*first, 1);
        return true;
    }
    return false;
}

// A raw condition as knex writes it: querycompiler.js whereRaw() is `this._not(statement, '') +
// unwrapRaw_(statement.value, ...)`, the raw's text as is, with no parentheses (only
// whereWrapped() adds them), joined to the others by its and/or (where(): `sql.push(bool)`), so a
// top-level OR in it binds over the whole where. Its `?` bindings are $n (raw.js
// replaceRawArrBindings(), then the pg client's positionBindings()). nullopt when the text or a
// binding cannot be placed: `??` (an identifier), `\?`, named bindings (an object), a binding
// that may be a knex.raw (a call or a const of one: knex inlines it), a count that does not match (knex throws).
std::optional<std::string> raw_condition(const Node* sql, const Node* bindings, const Emitter& e, int& next) {
    auto text = sql ? e.string_of(*sql) : std::nullopt;
    if (!text) return std::nullopt;
    const Node* list = bindings ? e.literal_of(*bindings) : nullptr;
    if (bindings != nullptr && (list == nullptr || list->kind != NodeKind::Array)) return std::nullopt;
    std::size_t given = list ? list->kids.size() : 0;
    if (list) {
        for (const Node& k : list->kids) {
            // a literal, a const of one, a name or a property read (`[userId]`, `[row.id]`), as
            // scan_arg() takes a where value: bound. A call may return a knex.raw, which knex inlines.
            bool plain = bound_value(k, e) || (k.kind == NodeKind::Ident && !e.global_name(k.name) && e.const_value(k) == nullptr) ||
                         k.kind == NodeKind::Member;
            if (!plain || (k.kind == NodeKind::Other && k.name == "...")) return std::nullopt;
        }
    }
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < text->size(); ++i) {
        char c = (*text)[i];
        if (c == '\\') return std::nullopt;
        if (c != '?') {
            out += c;
            continue;
        }
        if (i + 1 < text->size() && (*text)[i + 1] == '?') return std::nullopt;
        if (++used > given) return std::nullopt;
        out += "$" + std::to_string(next++);
    }
    if (used != given) return std::nullopt;
    return out;
}

// A knex.raw() where value or column as knex writes it: client.js parameter() is
// `unwrapRaw(value, true, ...) || '?'` and wrappingFormatter.js wrap() unwraps a raw column the
// same way, the raw's toSQL().sql with no parentheses added, its own `?` bindings in place
// (raw_condition()). nullopt when its text or bindings cannot be placed.
std::optional<std::string> raw_text(const Node& raw, const Emitter& e, int& next) {
    if (arg(raw, 0) == nullptr || arg_count(raw) > 2) return std::nullopt;
    return raw_condition(arg(raw, 0), arg(raw, 1), e, next);
}

// Whether a where link is given a knex.raw() as an argument, an object's value or an array's element.
bool has_raw(const Link& l, const Emitter& e) {
    for (std::size_t k = 0; arg(*l.call, k) != nullptr; ++k) {
        const Node* a = arg(*l.call, k);
        if (raw_of(a, e) != nullptr) return true;
        const Node* lit = e.literal_of(*a);
        if (lit != nullptr && (lit->kind == NodeKind::Object || lit->kind == NodeKind::Array)) {
            for (const Node& kid : lit->kids) {
                if (raw_of(&kid, e) != nullptr) return true;
            }
        }
    }
    return false;
}

// One where link as knex compiles it, its bound values numbered from `next`; "$n" (a parameter of
// its own) when it is not one of the forms read here. A link given a knex.raw() that is not
// written here sets `raw_unplaced`: a parameter in its place could keep the where narrow, when
// knex writes the raw's text there (an OR in it binds over the whole where).
std::string condition_sql(const Link& l, Filter f, const Emitter& e, int& next, bool& raw_unplaced, const std::vector<std::string>& roots) {
    auto param = [&] { return "$" + std::to_string(next++); };
    if (f != Filter::Narrow) return param();
    auto fallback = [&] {
        if (has_raw(l, e)) raw_unplaced = true;
        return param();
    };
    const Node *raw_sql = nullptr, *raw_bindings = nullptr;
    bool negated = false;
    if (raw_link(l, raw_sql, raw_bindings, &negated)) {
        int at = next;
        if (auto text = raw_condition(raw_sql, raw_bindings, e, at)) {
            next = at;
            return (negated ? "not " : "") + *text;
        }
        return param();
    }
    std::string m = l.name;
    if (m.starts_with("and") && m.size() > 3) m = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(m[3])))) + m.substr(4);
    if (m.starts_with("or") && m.size() > 2) m = std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(m[2])))) + m.substr(3);
    const std::size_t n = arg_count(*l.call);
    // whereNot(...) is `this._not(true).where(...)` (querybuilder.js): whereBasic writes `not `
    // before the condition (querycompiler.js whereBasic(): `this._not(statement, '')`).
    const bool negates = m == "whereNot";
    const std::string no = negates ? "not " : "";
    if (negates) m = "where";
    // A value knex binds is $n; a knex.raw() is its text, in place.
    auto value_sql = [&](const Node* v, int& at) -> std::optional<std::string> {
        if (v == nullptr) return std::nullopt;
        if (bound_value(*v, e, &roots)) return "$" + std::to_string(at++);
        if (const Node* r = raw_of(v, e)) return raw_text(*r, e, at);
        return std::nullopt;
    };
    // where({ a: 1, b: x }): one condition per key, each with the link's own and/or
    // (querybuilder.js _objectWhere(): `this[boolVal + 'Where' + notVal](key, obj[key])`).
    if (m == "where" && n == 1) {
        const Node* object = e.literal_of(*arg(*l.call, 0));
        if (object == nullptr || object->kind != NodeKind::Object || object->keys.size() != object->kids.size() || object->kids.empty()) {
            return fallback();
        }
        std::string out;
        const std::string joint = l.name.starts_with("or") ? " or " : " and ";
        for (std::size_t k = 0; k < object->kids.size(); ++k) {
            const std::string& key = object->keys[k];
            if (key.empty() || key == "..." || key.find_first_of(" \"'`()*") != std::string::npos) return fallback();
            out += out.empty() ? "" : joint;
            int at = next;
            if (null_value(object->kids[k], e)) {
                out += quote_qualified(key) + (negates ? " is not null" : " is null");
            } else if (auto v = value_sql(&object->kids[k], at)) {
                out += no + quote_qualified(key) + " = " + *v;
                next = at;
            } else {
                if (raw_of(&object->kids[k], e) != nullptr) raw_unplaced = true;
                out += param();
            }
        }
        return out;
    }
    // The column: a name as knex wraps it, or a knex.raw()'s text (wrap() unwraps it first).
    int at = next;
    auto col = column_sql(arg(*l.call, 0), e);
    if (!col && n >= 2) {
        if (const Node* r = raw_of(arg(*l.call, 0), e)) col = raw_text(*r, e, at);
    }
    if (!col) return fallback();
    auto done = [&](std::string sql) {
        next = at;
        return sql;
    };
    if (m == "where" && n == 2) {
        // querybuilder.js where(): null is whereNull (`is not null` under whereNot)
        if (null_value(*arg(*l.call, 1), e)) return done(*col + (negates ? " is not null" : " is null"));
        if (auto v = value_sql(arg(*l.call, 1), at)) return done(no + *col + " = " + *v);
    }
    if (m == "where" && n == 3) {
        static const std::string_view k_ops[] = {"=", "<", ">", "<=", ">=", "<>", "!="};
        auto op = e.string_of(*arg(*l.call, 1));
        if (op && std::find(std::begin(k_ops), std::end(k_ops), *op) != std::end(k_ops)) {
            if (auto v = value_sql(arg(*l.call, 2), at)) return done(no + *col + " " + *op + " " + *v);
        }
    }
    // whereLike/whereILike (querycompiler.js: `${column} like ${this._valueClause(statement)}`).
    if ((m == "whereLike" || m == "whereILike") && n == 2) {
        if (auto v = value_sql(arg(*l.call, 1), at)) return done(*col + (m == "whereLike" ? " like " : " ilike ") + *v);
    }
    if (negates) return fallback();
    if ((m == "whereNull" || m == "whereNotNull") && n == 1) return done(*col + (m == "whereNull" ? " is null" : " is not null"));
    if ((m == "whereIn" || m == "whereNotIn") && n == 2) {
        const std::string in = m == "whereIn" ? " in (" : " not in (";
        // A knex.raw() of values is written in parentheses (client.js values(): `(${this.parameter(values, ...)})`).
        if (const Node* r = raw_of(arg(*l.call, 1), e)) {
            if (auto text = raw_text(*r, e, at)) return done(*col + in + *text + ")");
            return fallback();
        }
        const Node* values = e.literal_of(*arg(*l.call, 1));
        if (values != nullptr && values->kind == NodeKind::Array && !values->kids.empty()) {
            std::string list;
            for (const Node& k : values->kids) {
                auto v = value_sql(&k, at);
                if (!v) return fallback();
                list += (list.empty() ? "" : ", ") + *v;
            }
            return done(*col + in + list + ")");
        }
    }
    return fallback();
}

}  // namespace pgfence::analyze::orm::knex_where
