// Knex: knex.raw / knex.schema.raw, and the schema builder turned into the SQL knex's
// PostgreSQL dialect emits (lower-case keywords, double-quoted identifiers, generated names
// <table>_<columns>_<index|unique|foreign>, <table>_pkey).
#include <algorithm>
#include <cctype>

#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {
namespace {

struct Segment {
    std::string name;
    const Node* call = nullptr;  // the call on this segment, if it is called
    const Node* node = nullptr;  // the expression up to and including this segment
};

void flatten(const Node& n, std::vector<Segment>& out) {
    if (n.kind == NodeKind::Call && !n.kids.empty()) {
        flatten(n.kids[0], out);
        if (!out.empty()) {
            out.back().call = &n;
            out.back().node = &n;
        }
    } else if (n.kind == NodeKind::Member && !n.kids.empty()) {
        flatten(n.kids[0], out);
        out.push_back(Segment{n.name, nullptr, &n});
    } else if (n.kind == NodeKind::Ident) {
        out.push_back(Segment{n.name, nullptr, &n});
    } else {
        out.push_back(Segment{"?", nullptr, &n});
    }
}

std::string generated_name(std::string table, const std::vector<std::string>& cols, std::string_view suffix) {
    std::string out = table;
    for (const auto& c : cols) out += "_" + c;
    out += "_";
    out += suffix;
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return c == '.' || c == '-' ? '_' : static_cast<char>(std::tolower(c));
    });
    return out;
}

class TableBuilder {
public:
    TableBuilder(Emitter& e, int call, std::string table, bool create)
        : m_e(e), m_call(call), m_table(std::move(table)), m_create(create) {}

    // Every chain on the callback's table parameter, in the callback's body.
    void run(const Node& func) {
        if (func.params.empty()) {
            m_ok = false;
            return;
        }
        m_param = func.params[0];
        for (const Node& n : func.kids) walk(n);
    }

    void emit(const Node& call) {
        if (!m_ok) {
            m_e.unknown(call, m_call, m_why.empty() ? "table builder with arguments the extractor cannot read" : m_why);
            return;
        }
        std::vector<std::string> notes = {"knex schema builder: the SQL knex's PostgreSQL dialect emits"};
        if (m_create) {
            std::string sql = "create table " + quote_qualified(m_table) + " (";
            for (std::size_t i = 0; i < m_columns.size(); ++i) sql += (i ? ", " : "") + m_columns[i].sql;
            m_e.generated(call, m_call, sql + ")", notes);
        } else if (!m_columns.empty()) {
            std::string sql = "alter table " + quote_qualified(m_table) + " ";
            for (std::size_t i = 0; i < m_columns.size(); ++i) sql += (i ? ", " : "") + std::string("add column ") + m_columns[i].sql;
            Node span;
            span.begin = m_columns.front().begin;
            span.end = m_columns.back().end;
            m_e.generated(span, m_call, sql, notes);
        }
        for (const auto& extra : m_extras) {
            Node span;
            span.begin = extra.begin;
            span.end = extra.end;
            m_e.generated(span, m_call, extra.sql, notes);
        }
    }

private:
    struct Out {
        std::string sql;
        std::size_t begin = 0, end = 0;
    };

    void walk(const Node& n) {
        if (n.kind == NodeKind::Call) {
            std::vector<Segment> segs;
            flatten(n, segs);
            if (segs.size() >= 2 && segs[0].name == m_param) {
                chain(n, segs);
                return;
            }
            // Another schema call in the callback (`knex.schema.dropTable(...)`) is the walker's to
            // read, with its own callback: a builder walks none of it, so nested callbacks are
            // read once each (linear), and a column in it is not this table's.
            bool schema = std::any_of(segs.begin(), segs.end(), [](const Segment& s) { return s.name == "schema" && s.call == nullptr; });
            if (schema && segs.size() > 2) return;
        }
        for (const Node& k : n.kids) walk(k);
    }

    std::optional<std::string> str(const Node* n) { return n ? m_e.string_of(*n) : std::nullopt; }
    std::vector<std::string> names(const Node* n) {
        std::vector<std::string> out;
        if (n == nullptr) return out;
        if (n->kind == NodeKind::Array) {
            for (const Node& k : n->kids) {
                if (auto s = m_e.string_of(k)) out.push_back(*s);
                else fail("column list with a value the extractor cannot read");
            }
        } else if (auto s = m_e.string_of(*n)) {
            out.push_back(*s);
        } else {
            fail("column list with a value the extractor cannot read");
        }
        return out;
    }
    static std::string quoted_list(const std::vector<std::string>& cols) {
        std::string out;
        for (const auto& c : cols) out += (out.empty() ? "" : ", ") + quote_ident(c);
        return out;
    }
    void fail(std::string why) {
        if (m_ok) m_why = std::move(why);
        m_ok = false;
    }
    void extra(const Node& where, std::string sql) { m_extras.push_back(Out{std::move(sql), where.begin, where.end}); }
    std::string table() const { return quote_qualified(m_table); }
    std::string alter() const { return "alter table " + table() + " "; }

    // `method`: the column's builder method, knex's `type` in formatDefault.
    std::string default_sql(const Node* v, std::string_view method = {}) {
        if (v == nullptr) return "null";
        // knex 2.5.1 lib/formatter/formatterUtils.js formatDefault: for a json or jsonb column an
        // object or array is `'${JSON.stringify(value)}'` (its quotes not doubled): read for the
        // empty ones, `defaultTo([])` and `defaultTo({})` (automatisch, stranger review 88 E).
        const Node* lit = (method == "json" || method == "jsonb") ? m_e.literal_of(*v) : nullptr;
        if (lit != nullptr && lit->kids.empty() && (lit->kind == NodeKind::Array || lit->kind == NodeKind::Object)) {
            return lit->kind == NodeKind::Array ? "'[]'" : "'{}'";
        }
        if (auto s = m_e.string_of(*v)) return quote_literal(*s);
        if (auto num = m_e.number_of(*v)) return *num;
        if (v->kind == NodeKind::Ident && (v->name == "true" || v->name == "false" || v->name == "null")) return v->name;
        if (v->kind == NodeKind::Call) {
            std::vector<Segment> segs;
            flatten(*v, segs);
            // knex.fn.now() and knex.raw() as a default are SQL in the column's definition, not
            // statements: read here (read_inside), so the walker does not read them again.
            if (!segs.empty() && segs.back().name == "now") {
                m_e.read_inside(*v);
                return "CURRENT_TIMESTAMP";
            }
            // (A raw with bindings is not read here: its `?` would stand in the SQL.)
            if (!segs.empty() && segs.back().name == "raw" && arg(*v, 0) && arg_count(*v) == 1) {
                if (auto s = m_e.string_of(*arg(*v, 0))) {
                    m_e.read_inside(*v);
                    return *s;
                }
            }
            if (!segs.empty() && segs.back().name == "uuid") {
                m_e.read_inside(*v);
                return "gen_random_uuid()";
            }
        }
        fail("defaultTo() with a value the extractor cannot read");
        return "null";
    }

    // datetime(withoutTz = false, precision) or datetime({useTz, precision}), and timestamp(),
    // dateTime() that call it: `timestamptz` or `timestamp`, then `(precision)` when one is given
    // (knex 3.3.0 lib/dialects/postgres/schema/pg-columncompiler.js datetime()). An argument the
    // extractor cannot read is a failure: the precision decides whether a type change rewrites.
    // (knexfile's defaultDateTimePrecision is not read: the precision then defaults to none.)
    std::string datetime_type(const Node* first, const Node* second) {
        auto literal = [](const Node* n, const char* name) { return n && n->kind == NodeKind::Ident && n->name == name; };
        auto absent = [&](const Node* n) { return n == nullptr || literal(n, "undefined") || literal(n, "null"); };
        bool use_tz = true;
        const Node* precision = second;
        if (first && first->kind == NodeKind::Object) {
            const Node* tz = property(*first, "useTz");
            if (literal(tz, "false")) use_tz = false;
            else if (!absent(tz) && !literal(tz, "true")) fail("timestamp() with a useTz the extractor cannot read");
            precision = property(*first, "precision");
        } else if (literal(first, "true")) {
            use_tz = false;
        } else if (!absent(first) && !literal(first, "false")) {
            fail("timestamp() with a withoutTz argument the extractor cannot read");
        }
        std::string type = use_tz ? "timestamptz" : "timestamp";
        if (absent(precision)) return type;
        auto p = m_e.number_of(*precision);
        if (!p) p = str(precision);
        if (!p || p->empty() || p->find_first_not_of("0123456789") != std::string::npos) {
            fail("timestamp() with a precision the extractor cannot read");
            return type;
        }
        return type + "(" + *p + ")";
    }

    // The column type for a column method; empty when the method is not a column type.
    std::string column_type(const std::string& m, const Node& call, std::string& col, bool& primary) {
        auto a = [&](std::size_t i) { return arg(call, i); };
        auto num = [&](std::size_t i) -> std::optional<std::string> { return a(i) ? m_e.number_of(*a(i)) : std::nullopt; };
        if (m == "specificType") {
            auto t = str(a(1));
            if (!t) fail("specificType() with a type the extractor cannot read");
            return t.value_or("text");
        }
        if (m == "increments") {
            primary = true;
            return "serial";
        }
        if (m == "bigIncrements" || m == "bigincrements") {
            primary = true;
            return "bigserial";
        }
        if (m == "integer" || m == "mediumint") return "integer";
        if (m == "bigInteger" || m == "bigint" || m == "biginteger") return "bigint";
        if (m == "smallint" || m == "tinyint") return "smallint";
        if (m == "string" || m == "varchar") return "varchar(" + num(1).value_or("255") + ")";
        if (m == "text") return "text";
        if (m == "boolean" || m == "bool") return "boolean";
        if (m == "date") return "date";
        if (m == "time") return "time";
        if (m == "datetime" || m == "timestamp" || m == "dateTime") return datetime_type(a(1), a(2));
        if (m == "decimal") {
            if (a(1) && a(1)->kind == NodeKind::Ident && a(1)->name == "null") return "decimal";
            return "decimal(" + num(1).value_or("8") + ", " + num(2).value_or("2") + ")";
        }
        if (m == "float") return "real";
        if (m == "double") return "double precision";
        if (m == "uuid") return "uuid";
        if (m == "json") return "json";
        if (m == "jsonb") return "jsonb";
        if (m == "binary") return "bytea";
        if (m == "enu" || m == "enum") {
            std::vector<std::string> values = names(a(1));
            const Node* opts = a(2);
            // knex joins the values with "', '" inside one pair of quotes, escaping nothing
            // (knex 3.3.0 lib/dialects/postgres/schema/pg-columncompiler.js enu()).
            std::string list;
            for (const auto& v : values) list += (list.empty() ? "'" : "', '") + v;
            list += "'";
            if (opts && property(*opts, "useNative") && property(*opts, "useNative")->name == "true") {
                auto type = property(*opts, "enumName") ? str(property(*opts, "enumName")) : std::nullopt;
                if (!type) fail("native enum without a readable enumName");
                // knex writes `"${enumName}"` with no escaping, pgfence's quote_ident doubles a quote.
                else if (type->find('"') != std::string::npos) fail("native enum whose enumName holds a double quote");
                bool existing = property(*opts, "existingType") && property(*opts, "existingType")->name == "true";
                if (!existing) extra(call, "create type " + quote_ident(type.value_or("")) + " as enum (" + list + ")");
                return quote_ident(type.value_or(""));
            }
            return "text check (" + quote_ident(col) + " in (" + list + "))";
        }
        return {};
    }

    void chain(const Node& whole, const std::vector<Segment>& segs) {
        const Segment& head = segs[1];
        if (head.call == nullptr) return;
        const Node& call = *head.call;
        const std::string& m = head.name;
        auto a = [&](std::size_t i) { return arg(call, i); };
        if (m == "timestamps" || m == "dropTimestamps") {
            if (m == "dropTimestamps") {
                // dropTimestamps(true) drops the camelCase pair (knex 3.3.0 lib/schema/tablebuilder.js).
                if (a(0) && a(0)->kind == NodeKind::Ident && a(0)->name == "true")
                    extra(whole, alter() + "drop column \"createdAt\", drop column \"updatedAt\"");
                else
                    extra(whole, alter() + "drop column \"created_at\", drop column \"updated_at\"");
                return;
            }
            // timestamps(useTimestamps, defaultToNow, useCamelCase) or the same three in an
            // object; timestamp() and datetime() both give timestamptz on PostgreSQL, with no
            // precision (knex 3.3.0 lib/schema/tablebuilder.js timestamps()).
            const Node* now_arg = a(1);
            const Node* camel_arg = a(2);
            if (a(0) && a(0)->kind == NodeKind::Object) {
                now_arg = property(*a(0), "defaultToNow");
                camel_arg = property(*a(0), "useCamelCase");
            }
            bool now = now_arg && now_arg->name == "true";
            bool camel = camel_arg && camel_arg->kind == NodeKind::Ident && camel_arg->name == "true";
            if (camel_arg && !camel && !(camel_arg->kind == NodeKind::Ident &&
                                         (camel_arg->name == "false" || camel_arg->name == "undefined" || camel_arg->name == "null")))
                fail("timestamps() with a useCamelCase the extractor cannot read");
            std::string type = "timestamptz";
            const char* names_of[2][2] = {{"created_at", "updated_at"}, {"createdAt", "updatedAt"}};
            for (const char* c : names_of[camel ? 1 : 0]) {
                std::string def = quote_ident(c) + " " + type + (now ? " not null default CURRENT_TIMESTAMP" : "");
                m_columns.push_back(Out{def, whole.begin, whole.end});
            }
            return;
        }
        if (m == "dropColumn" || m == "dropColumns") {
            std::string sql;
            for (std::size_t i = 0; i < arg_count(call); ++i) {
                for (const auto& c : names(a(i))) sql += (sql.empty() ? "" : ", ") + std::string("drop column ") + quote_ident(c);
            }
            extra(whole, alter() + sql);
            return;
        }
        if (m == "renameColumn") {
            auto from = str(a(0)), to = str(a(1));
            if (!from || !to) fail("renameColumn() with names the extractor cannot read");
            extra(whole, alter() + "rename " + quote_ident(from.value_or("")) + " to " + quote_ident(to.value_or("")));
            return;
        }
        if (m == "index" || m == "unique" || m == "primary") {
            std::vector<std::string> cols = names(a(0));
            const Node* second = a(1);
            std::optional<std::string> name = second ? str(second) : std::nullopt;
            if (!name && second && second->kind == NodeKind::Object) {
                const Node* n = property(*second, "indexName") ? property(*second, "indexName") : property(*second, "constraintName");
                name = str(n);
            }
            if (m == "index") {
                std::string using_type;
                if (const Node* t = a(2)) {
                    if (auto s = str(t)) using_type = " using " + *s;
                    else if (t->kind == NodeKind::Object && property(*t, "indexType")) {
                        if (auto s2 = str(property(*t, "indexType"))) using_type = " using " + *s2;
                    }
                }
                extra(whole, "create index " + quote_ident(name.value_or(generated_name(m_table, cols, "index"))) + " on " +
                                 table() + using_type + " (" + quoted_list(cols) + ")");
            } else if (m == "unique") {
                extra(whole, alter() + "add constraint " + quote_ident(name.value_or(generated_name(m_table, cols, "unique"))) +
                                 " unique (" + quoted_list(cols) + ")");
            } else {
                extra(whole, alter() + "add constraint " + quote_ident(name.value_or(m_table + "_pkey")) + " primary key (" +
                                 quoted_list(cols) + ")");
            }
            return;
        }
        if (m == "foreign") {
            std::vector<std::string> cols = names(a(0));
            auto name = str(a(1));
            foreign_key(whole, segs, 2, cols, name);
            return;
        }
        if (m == "dropForeign" || m == "dropUnique" || m == "dropIndex" || m == "dropPrimary") {
            std::optional<std::string> name = a(1) ? str(a(1)) : std::nullopt;
            std::vector<std::string> cols = m == "dropPrimary" ? std::vector<std::string>{} : names(a(0));
            if (m == "dropPrimary") name = a(0) ? str(a(0)) : std::optional<std::string>(m_table + "_pkey");
            std::string suffix = m == "dropForeign" ? "foreign" : m == "dropUnique" ? "unique" : "index";
            std::string n = name.value_or(generated_name(m_table, cols, suffix));
            if (m == "dropIndex") extra(whole, "drop index " + quote_ident(n));
            else extra(whole, alter() + "drop constraint " + quote_ident(n));
            return;
        }
        if (m == "setNullable" || m == "dropNullable") {
            auto col = str(a(0));
            if (!col) fail(m + "() with a column the extractor cannot read");
            extra(whole, alter() + "alter column " + quote_ident(col.value_or("")) +
                             (m == "setNullable" ? " drop not null" : " set not null"));
            return;
        }
        if (m == "comment") {
            // knex puts the text between quotes as it is (knex 3.3.0
            // lib/dialects/postgres/schema/pg-tablecompiler.js comment()): a quote in it ends the
            // literal, and the rest is SQL, split into its statements (orm::split).
            if (auto c = str(a(0))) extra(whole, "comment on table " + table() + " is '" + *c + "'");
            else fail("comment() with a text the extractor cannot read");
            return;
        }
        if (m == "check") {
            auto c = str(a(0));
            if (!c) fail("check() with a condition the extractor cannot read");
            auto name = a(2) ? str(a(2)) : std::nullopt;
            std::string sql = name ? "constraint " + quote_ident(*name) + " check (" + c.value_or("") + ")" : "check (" + c.value_or("") + ")";
            if (m_create) m_columns.push_back(Out{sql, whole.begin, whole.end});
            else extra(whole, alter() + "add " + sql);
            return;
        }
        column(whole, segs);
    }

    void foreign_key(const Node& whole, const std::vector<Segment>& segs, std::size_t from, const std::vector<std::string>& cols,
                     std::optional<std::string> name) {
        std::optional<std::string> ref_table;
        std::optional<std::vector<std::string>> ref_cols;
        std::string actions;
        for (std::size_t i = from; i < segs.size(); ++i) {
            if (segs[i].call == nullptr) continue;
            const Node& c = *segs[i].call;
            const std::string& m = segs[i].name;
            auto first = arg(c, 0) ? m_e.string_of(*arg(c, 0)) : std::nullopt;
            if (m == "references" && arg(c, 0) && arg(c, 0)->kind == NodeKind::Array) {
                // A composite key's columns (knex lib/schema/tablebuilder.js references(): a
                // non-string is the referenced columns as given, the table from inTable()/on()).
                ref_cols = names(arg(c, 0));
                if (ref_cols->empty()) fail("references() with no columns");
            } else if (m == "references") {
                if (!first) fail("references() with a target the extractor cannot read");
                std::string r = first.value_or("");
                std::size_t dot = r.rfind('.');
                if (dot != std::string::npos) {
                    ref_table = r.substr(0, dot);
                    ref_cols = std::vector<std::string>{r.substr(dot + 1)};
                } else {
                    ref_cols = std::vector<std::string>{r};
                }
            } else if (m == "inTable" || m == "on") {
                ref_table = first;
            } else if (m == "onDelete" || m == "onUpdate") {
                if (first) actions += std::string(m == "onDelete" ? " on delete " : " on update ") + *first;
            } else if (m == "withKeyName" && first) {
                name = first;
            }
        }
        if (!ref_cols) return;
        if (!ref_table) fail("references() without a table");
        extra(whole, alter() + "add constraint " + quote_ident(name.value_or(generated_name(m_table, cols, "foreign"))) +
                         " foreign key (" + quoted_list(cols) + ") references " + quote_qualified(ref_table.value_or("")) +
                         " (" + quoted_list(*ref_cols) + ")" + actions);
    }

    void column(const Node& whole, const std::vector<Segment>& segs) {
        const Node& call = *segs[1].call;
        std::string col;
        if (segs[1].name == "increments" || segs[1].name == "bigIncrements") col = "id";
        if (auto c = arg(call, 0) ? m_e.string_of(*arg(call, 0)) : std::nullopt) col = *c;
        else if (col.empty()) {
            fail("column name the extractor cannot read");
            return;
        }
        bool primary = false;
        std::string type = column_type(segs[1].name, call, col, primary);
        if (type.empty()) {
            fail("table builder method " + segs[1].name + "() is not modelled");
            return;
        }
        bool not_null = false, altering = false, has_default = false, unique = false, index = false, pk = false, has_comment = false;
        std::string def, comment;
        std::optional<std::string> unique_name, index_name, pk_name;
        for (std::size_t i = 2; i < segs.size(); ++i) {
            if (segs[i].call == nullptr) continue;
            const std::string& m = segs[i].name;
            const Node& c = *segs[i].call;
            if (m == "notNullable" || m == "notNull") not_null = true;
            else if (m == "nullable") not_null = false;
            else if (m == "defaultTo") {
                has_default = true;
                def = default_sql(arg(c, 0), segs[1].name);
            } else if (m == "unique") {
                unique = true;
                unique_name = arg(c, 0) ? m_e.string_of(*arg(c, 0)) : std::nullopt;
            } else if (m == "index") {
                index = true;
                index_name = arg(c, 0) ? m_e.string_of(*arg(c, 0)) : std::nullopt;
            } else if (m == "primary") {
                pk = true;
                pk_name = arg(c, 0) ? m_e.string_of(*arg(c, 0)) : std::nullopt;
            } else if (m == "alter") {
                altering = true;
            } else if (m == "comment") {
                auto text = arg(c, 0) ? str(arg(c, 0)) : std::nullopt;
                if (arg(c, 0) && !text) fail("comment() with a text the extractor cannot read");
                comment = knex_column_comment(text.value_or(""));
                has_comment = true;
            }
        }
        std::string qcol = quote_ident(col);
        if (altering) {
            std::string ac = alter() + "alter column " + qcol + " ";
            extra(whole, ac + "drop default");
            extra(whole, ac + "drop not null");
            extra(whole, ac + "type " + type + " using (" + qcol + "::" + type + ")");
            if (has_default) extra(whole, ac + "set default " + def);
            if (not_null) extra(whole, ac + "set not null");
        } else {
            std::string sql = qcol + " " + type;
            if (not_null) sql += " not null";
            if (has_default) sql += " default " + def;
            if (primary) sql += " primary key";
            m_columns.push_back(Out{sql, whole.begin, whole.end});
        }
        if (pk) extra(whole, alter() + "add constraint " + quote_ident(pk_name.value_or(m_table + "_pkey")) + " primary key (" + qcol + ")");
        if (unique) extra(whole, alter() + "add constraint " + quote_ident(unique_name.value_or(generated_name(m_table, {col}, "unique"))) +
                                     " unique (" + qcol + ")");
        if (index) extra(whole, "create index " + quote_ident(index_name.value_or(generated_name(m_table, {col}, "index"))) + " on " +
                                    table() + " (" + qcol + ")");
        foreign_key(whole, segs, 2, {col}, std::nullopt);
        if (has_comment) extra(whole, "comment on column " + table() + "." + qcol + " is " + comment);
    }

    // knex's column comment (knex 3.3.0 lib/dialects/postgres/schema/pg-columncompiler.js
    // comment(), `commentEscapeRegex = /(?<!')'(?!')/g`): a lone quote is doubled, a run of two or
    // more is left as it is (and so can end the literal); an empty text is NULL.
    static std::string knex_column_comment(std::string_view text) {
        if (text.empty()) return "NULL";
        std::string out = "'";
        for (std::size_t i = 0; i < text.size();) {
            std::size_t run = 0;
            while (i + run < text.size() && text[i + run] == '\'') ++run;
            if (run == 0) {
                out += text[i++];
                continue;
            }
            out.append(run == 1 ? 2 : run, '\'');
            i += run;
        }
        return out + "'";
    }

    Emitter& m_e;
    int m_call;
    std::string m_table;
    bool m_create;
    std::string m_param;
    bool m_ok = true;
    std::string m_why;
    std::vector<Out> m_columns;
    std::vector<Out> m_extras;
};

// What else knex's SchemaBuilder answers (knex 3.1 lib/schema/builder.js: the schema methods,
// withSchema, toString, toSQL, generateDdlCommands; lib/builder-interface-augmenter.js: toQuery,
// then, options, connection, debug, transacting, stream, pipe, asCallback, catch; helpers.js
// addQueryContext: queryContext), and its read-only schema methods hasTable and hasColumn.
bool is_schema_chain_method(const std::string& m) {
    static const char* k[] = {"withSchema", "toString", "toSQL", "generateDdlCommands", "toQuery", "then", "options",
                              "connection", "debug", "transacting", "stream", "pipe", "asCallback", "catch", "finally",
                              "queryContext", "hasTable", "hasColumn"};
    for (const char* s : k) {
        if (m == s) return true;
    }
    return false;
}

bool is_schema_method(const std::string& m) {
    static const char* k[] = {"createTable", "createTableIfNotExists", "alterTable", "table", "dropTable",
                              "dropTableIfExists", "renameTable", "raw", "createSchema", "createSchemaIfNotExists",
                              "dropSchema", "dropSchemaIfExists", "createView", "dropView", "dropViewIfExists",
                              "createExtension", "createExtensionIfNotExists", "dropExtension", "dropExtensionIfExists"};
    for (const char* s : k) {
        if (m == s) return true;
    }
    return false;
}

// knex.raw(sql, bindings) and knex.schema.raw(sql, bindings) (lib/schema/compiler.js raw(): the
// client's raw with the same bindings): the SQL with its bindings as knex builds it.
void raw_with_bindings(const Node& call, const std::string& name, Emitter& e) {
    SqlPiece& piece = e.raw(call, name, arg(call, 0));
    if (piece.unknown.empty() && knex_raw_bindings(piece, arg(call, 1), e)) piece.notes.push_back("bindings substituted as knex escapes them");
}

void schema_call(const Segment& seg, const std::string& schema, const std::string& name, Emitter& e) {
    const Node& call = *seg.call;
    const std::string& m = seg.name;
    if (m == "raw") {
        raw_with_bindings(call, name, e);
        return;
    }
    int index = e.add_call(call, name, false);
    auto first = arg(call, 0) ? e.string_of(*arg(call, 0)) : std::nullopt;
    if (!first) {
        e.unknown(call, index, "knex.schema." + m + "() with a name the extractor cannot read");
        return;
    }
    std::string table = schema.empty() ? *first : schema + "." + *first;
    std::vector<std::string> notes = {"knex schema builder: the SQL knex's PostgreSQL dialect emits"};
    if (m == "createTable" || m == "createTableIfNotExists" || m == "alterTable" || m == "table") {
        const Node* fn = arg(call, 1);
        bool create = m.starts_with("create");
        if (fn == nullptr || fn->kind != NodeKind::Func) {
            // knex throws without a callback (lib/schema/tablebuilder.js: "A callback function must
            // be supplied"), so a call without one is not knex's as written: unknown, for create and alter.
            e.unknown(call, index, "knex.schema." + m + "() without a table callback the extractor can read");
            return;
        }
        TableBuilder builder(e, index, table, create);
        builder.run(*fn);
        builder.emit(call);
        return;
    }
    std::string sql;
    if (m == "dropTable") sql = "drop table " + quote_qualified(table);
    else if (m == "dropTableIfExists") sql = "drop table if exists " + quote_qualified(table);
    else if (m == "renameTable") {
        auto to = arg(call, 1) ? e.string_of(*arg(call, 1)) : std::nullopt;
        if (!to) {
            e.unknown(call, index, "knex.schema.renameTable() with a name the extractor cannot read");
            return;
        }
        sql = "alter table " + quote_qualified(table) + " rename to " + quote_ident(*to);
    } else if (m == "createSchema") sql = "create schema " + quote_ident(*first);
    else if (m == "createSchemaIfNotExists") sql = "create schema if not exists " + quote_ident(*first);
    else if (m == "dropSchema") sql = "drop schema " + quote_ident(*first);
    else if (m == "dropSchemaIfExists") sql = "drop schema if exists " + quote_ident(*first);
    else if (m == "createExtension") sql = "create extension " + quote_ident(*first);
    else if (m == "createExtensionIfNotExists") sql = "create extension if not exists " + quote_ident(*first);
    else if (m == "dropExtension") sql = "drop extension " + quote_ident(*first);
    else if (m == "dropExtensionIfExists") sql = "drop extension if exists " + quote_ident(*first);
    else if (m == "dropView") sql = "drop view " + quote_qualified(table);
    else if (m == "dropViewIfExists") sql = "drop view if exists " + quote_qualified(table);
    else {
        e.unknown(call, index, "knex.schema." + m + "() is not modelled");
        return;
    }
    e.generated(call, index, sql, notes);
}

}  // namespace

bool knex_call(const Node& call, Emitter& e) {
    std::vector<Segment> segs;
    flatten(call, segs);
    const std::string& last = segs.back().name;
    if (last == "then" || last == "catch" || last == "finally") return false;  // the walker visits both sides
    std::size_t schema = segs.size();
    for (std::size_t i = 0; i < segs.size(); ++i) {
        if (segs[i].name == "schema" && segs[i].call == nullptr) {
            schema = i;
            break;
        }
    }
    if (schema == segs.size()) {
        // knex.raw(...), trx.raw(...)
        if (last == "raw" && segs.size() >= 2) {
            raw_with_bindings(call, dotted_name(call.kids[0]), e);
            return true;
        }
        return false;
    }
    std::string prefix;
    for (std::size_t i = 0; i <= schema; ++i) prefix += (i ? "." : "") + segs[i].name;
    // A call chained on the schema builder that knex's does not have: the object is some other
    // builder with knex's head (Kysely's `db.schema.alterTable(t).dropColumn(c).execute()`), or
    // a knex method pgfence does not model (createTableLike, createMaterializedView, renameView...).
    // One unknown for the chain, never read as the knex call it resembles.
    for (std::size_t i = schema + 1; i < segs.size(); ++i) {
        if (segs[i].call == nullptr) continue;
        const std::string& m = segs[i].name;
        if (is_schema_method(m) || is_schema_chain_method(m)) continue;
        static const std::string_view k_unmodelled[] = {"createTableLike", "createViewOrReplace", "createMaterializedView",
                                                        "refreshMaterializedView", "dropMaterializedView",
                                                        "dropMaterializedViewIfExists", "view", "alterView", "renameView"};
        bool knex_has = std::find(std::begin(k_unmodelled), std::end(k_unmodelled), m) != std::end(k_unmodelled);
        int index = e.add_call(call, prefix + "." + m, false);
        e.unknown(call, index, knex_has ? "knex.schema." + m + "() is not modelled"
                                        : "`." + m + "()` chained on `" + prefix + "` is not a method of knex's schema builder "
                                              "(Kysely's schema builder has this shape): what this chain sends is not read");
        return true;
    }
    std::string with_schema;
    bool any = false;
    for (std::size_t i = schema + 1; i < segs.size(); ++i) {
        if (segs[i].call == nullptr) continue;
        if (segs[i].name == "withSchema") {
            if (auto s = arg(*segs[i].call, 0) ? e.string_of(*arg(*segs[i].call, 0)) : std::nullopt) with_schema = *s;
            continue;
        }
        if (!is_schema_method(segs[i].name)) continue;
        schema_call(segs[i], with_schema, prefix + "." + segs[i].name, e);
        any = true;
    }
    return any;
}

}  // namespace pgfence::analyze::orm
