// Deterministic rows and scripted application traffic for the plan oracle (plan_oracle.hpp):
// every value is a function of a row counter, so two copies given the same script hold the
// same rows.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "trace/plan_oracle.hpp"

namespace pgfence::trace {
namespace {

// Per column: name, type, type kind, category, type name, NOT NULL, default, identity,
// generated, key, the foreign-key parent lookup (a row of the parent chosen by g; of the widest
// foreign key the column is in, so that the columns of a composite key, which pick the same row,
// name one parent: langfuse's traces (session_id, project_id) -> trace_sessions refused every
// seeded row when project_id took its value from projects instead), and whether its
// default reads the clock or a random source, and whether a unique index covers it.
const std::string k_columns = R"sql(
SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), t.typtype, t.typcategory, t.typname,
       a.attnotnull, a.atthasdef, a.attidentity, a.attgenerated,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype IN ('p', 'u', 'f')
                  AND a.attnum = ANY (k.conkey)),
       (SELECT format('(SELECT p.%I FROM %s p ORDER BY %s OFFSET (({g}) %% greatest(1, (SELECT count(*) FROM %s))) LIMIT 1)',
                      pa.attname, f.confrelid::regclass,
                      (SELECT string_agg(format('p.%I::text', x.attname), ', ' ORDER BY o.ord)
                         FROM unnest(f.confkey) WITH ORDINALITY o(n, ord)
                         JOIN pg_attribute x ON x.attrelid = f.confrelid AND x.attnum = o.n),
                      f.confrelid::regclass)
          FROM pg_constraint f
          JOIN pg_attribute pa ON pa.attrelid = f.confrelid AND pa.attnum = f.confkey[array_position(f.conkey, a.attnum)]
         WHERE f.conrelid = a.attrelid AND f.contype = 'f' AND a.attnum = ANY (f.conkey)
           AND f.confrelid <> f.conrelid
         ORDER BY cardinality(f.conkey) DESC, f.conname
         LIMIT 1),
       )sql" + std::string(k_unstable_default) + R"sql(,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique AND a.attnum = ANY (i.indkey))
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
 WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum)sql";

// A value of the type for row {g}.
std::string value_for(const std::string& type, const std::string& typtype, const std::string& category,
                      const std::string& name) {
    if (typtype == "e") {
        return "(enum_range(NULL::" + type + "))[1 + ({g}) % array_length(enum_range(NULL::" + type + "), 1)]";
    }
    if (name == "uuid") return "md5(({g})::text)::uuid";
    if (name == "json" || name == "jsonb") return "('{\"n\": ' || ({g}) || '}')::" + type;
    if (name == "bytea") return "decode(md5(({g})::text), 'hex')";
    // crates.io's crates.textsearchable_index_col: a value, not NULL (NOT NULL there).
    if (name == "tsvector") return "to_tsvector('simple', md5(({g})::text))";
    if (category == "N") return "(({g}) % 30000)::" + type;
    if (category == "S") return "md5(({g})::text)::" + type;
    if (category == "B") return "(({g}) % 2 = 0)";
    if (category == "D") return "(timestamptz '2024-01-01 00:00:00+00' + ({g}) * interval '1 hour')::" + type;
    if (category == "T") return "(({g}) * interval '1 second')::" + type;
    if (category == "A") return "'{}'::" + type;
    if (category == "I") return "('10.0.' || (({g}) / 256) % 256 || '.' || ({g}) % 256)::" + type;
    return "NULL";
}

// A stored generated column that reads a path of a json column (`value ->> 'deleted'`,
// `(value -> 'worker') ->> 'uuid'`, as pg_get_expr prints them), and the value its row needs.
struct JsonPath {
    std::string column;              // the json column, quoted as pg_get_expr and quote_ident print it
    std::vector<std::string> keys;   // the path
    std::string leaf;                // SQL over {g}: a jsonb of the generated column's type
    bool not_null = false;
};

// The key paths `expression` reads from `column`: the identifier (whole), then one or more
// `->`/`->>` with a string literal, closing parentheses allowed between them.
std::vector<std::vector<std::string>> json_paths(const std::string& expression, const std::string& column) {
    std::vector<std::vector<std::string>> out;
    auto ident = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '"' || ch == '$'; };
    for (std::size_t at = expression.find(column); at != std::string::npos; at = expression.find(column, at + 1)) {
        if (at > 0 && ident(expression[at - 1])) continue;
        std::size_t i = at + column.size();
        if (i < expression.size() && ident(expression[i])) continue;
        std::vector<std::string> keys;
        while (true) {
            std::size_t j = i;
            while (j < expression.size() && (expression[j] == ' ' || expression[j] == ')')) ++j;
            if (expression.compare(j, 2, "->") != 0) break;
            j += 2;
            if (j < expression.size() && expression[j] == '>') ++j;
            while (j < expression.size() && expression[j] == ' ') ++j;
            if (j >= expression.size() || expression[j] != '\'') break;
            std::string key;
            std::size_t k = j + 1;
            bool closed = false;
            for (; k < expression.size(); ++k) {
                if (expression[k] != '\'') {
                    key += expression[k];
                } else if (k + 1 < expression.size() && expression[k + 1] == '\'') {
                    key += '\'';
                    ++k;
                } else {
                    closed = true;
                    break;
                }
            }
            if (!closed) break;
            i = k + 1;
            if (expression.compare(i, 6, "::text") == 0) i += 6;
            keys.push_back(std::move(key));
        }
        if (!keys.empty()) out.push_back(std::move(keys));
    }
    return out;
}

std::string sql_literal(const std::string& text) {
    std::string out = "'";
    for (char ch : text) {
        if (ch == '\'') out += '\'';
        out += ch;
    }
    return out + "'";
}

// A json value holding `paths` (each set to its leaf), and "n": {g}.
std::string json_object(const std::vector<const JsonPath*>& paths, std::size_t depth) {
    std::string out = depth == 0 ? "jsonb_build_object('n', ({g})" : "jsonb_build_object(";
    bool first = depth != 0;
    std::set<std::string> done;
    for (const JsonPath* p : paths) {
        const std::string& key = p->keys[depth];
        if (!done.insert(key).second) continue;
        std::vector<const JsonPath*> below;
        const JsonPath* leaf = nullptr;
        for (const JsonPath* q : paths) {
            if (q->keys[depth] != key) continue;
            if (q->keys.size() == depth + 1) {
                if (leaf == nullptr) leaf = q;
            } else {
                below.push_back(q);
            }
        }
        out += (first ? "" : ", ") + sql_literal(key) + ", " + (leaf != nullptr ? leaf->leaf : json_object(below, depth + 1));
        first = false;
    }
    return out + ")";
}


// The columns the application names in an INSERT: none generated or identity ALWAYS, and
// (old release) none with a default, or (new release) also the new ones.
std::vector<ColumnExpression> insertable(const std::vector<ColumnExpression>& all, const std::set<std::string>& fresh) {
    std::vector<ColumnExpression> out;
    for (const auto& c : all) {
        if (c.expression.empty()) continue;
        if (c.has_default && fresh.count(c.name) == 0) continue;
        out.push_back(c);
    }
    return out;
}

std::string insert_of(const std::string& table, const std::vector<ColumnExpression>& columns) {
    if (columns.empty()) return "INSERT INTO " + table + " DEFAULT VALUES";
    std::string names, values;
    for (const auto& c : columns) {
        names += (names.empty() ? "" : ", ") + c.name;
        values += (values.empty() ? "" : ", ") + c.expression;
    }
    return "INSERT INTO " + table + " (" + names + ") SELECT " + values + " FROM (SELECT ({g})::int AS g) s";
}

// The columns (quoted, in index order) of each unique index of `table` that `where` admits, in
// `order` (SQL over pg_index i; constant text, never a name from the repository).
std::vector<std::vector<std::string>> unique_indexes(Connection& c, const std::string& table, const std::string& where,
                                                     const std::string& order) {
    std::vector<std::vector<std::string>> out;
    auto r = c.query("SELECT i.indexrelid, quote_ident(a.attname) FROM pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY o(n, ord) "
                     "JOIN pg_attribute a ON a.attnum = o.n WHERE i.indrelid = $1::regclass AND a.attrelid = i.indrelid "
                     "AND i.indisunique AND i.indisvalid AND i.indexprs IS NULL AND " + where + " ORDER BY " + order + ", o.ord",
                     {table});
    if (!r) return out;
    std::string current;
    for (int i = 0; i < r->rows(); ++i) {
        if (r->value(i, 0) != current) {
            current = r->value(i, 0);
            out.emplace_back();
        }
        out.back().push_back(r->value(i, 1));
    }
    return out;
}

// The columns that name a row of `table` (quoted, in key order): its primary key, else the
// smallest unique index over NOT NULL columns only (no expression, no predicate), or none.
std::vector<std::string> primary_key(Connection& c, const std::string& table) {
    auto keys = unique_indexes(c, table,
                               "i.indpred IS NULL AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) k(n) JOIN pg_attribute x "
                               "ON x.attrelid = i.indrelid AND x.attnum = k.n WHERE NOT x.attnotnull)",
                               "i.indisprimary DESC, i.indnatts, i.indexrelid::regclass::text");
    return keys.empty() ? std::vector<std::string>{} : std::move(keys.front());
}

// The unique indexes of `table` other than its primary key, valid, over plain columns: each
// as its key columns (quoted, in index order).
std::vector<std::vector<std::string>> unique_keys(Connection& c, const std::string& table) {
    return unique_indexes(c, table, "o.ord <= i.indnkeyatts AND NOT i.indisprimary", "i.indexrelid::regclass::text");
}

// One existing row, chosen by {g}. An application names a row by its key: when the table has
// one among the columns the old release knows, the rows are ordered by it alone (a value a
// trigger or the clock sets, such as updated_at, would otherwise reorder them differently in
// two runs that wrote the same rows at other times, and the traffic would pick other rows) and
// the row is named by it, so that the statement also runs where a plan leaves a view in the
// table's place (a view has no ctid). Without a key, by ctid, the rows ordered by the columns
// the old release knows.
std::string one_row(const std::string& table, const std::vector<std::string>& old_columns,
                    const std::vector<std::string>& key = {}) {
    bool by_key = !key.empty() && std::all_of(key.begin(), key.end(), [&](const std::string& k) {
        return std::find(old_columns.begin(), old_columns.end(), k) != old_columns.end();
    });
    std::string order;
    for (const auto& c : by_key ? key : old_columns) order += (order.empty() ? "" : ", ") + c + "::text";
    if (order.empty()) order = "1";
    std::string id = "ctid";
    if (by_key) {
        id.clear();
        for (const auto& k : key) id += (id.empty() ? "" : ", ") + k;
    }
    return (by_key ? "(" + id + ")" : id) + " = (SELECT " + id + " FROM " + table + " ORDER BY " + order + ", " + id + " OFFSET (({g}) % greatest(1, (SELECT count(*) FROM " +
           table + "))) LIMIT 1)";
}

bool referenced(Connection& c, const std::string& table) {
    auto r = c.query("SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass", {table});
    return !r || r->rows() > 0;
}

std::vector<std::string> user_tables(Connection& c) {
    std::vector<std::string> out;
    auto r = c.query("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                     "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1");
    if (r) {
        for (int i = 0; i < r->rows(); ++i) out.push_back(r->value(i, 0));
    }
    return out;
}

}  // namespace

std::string with_counter(std::string text, const std::string& g) {
    for (std::size_t at = 0; (at = text.find("{g}", at)) != std::string::npos; at += g.size()) text.replace(at, 3, g);
    return text;
}

std::string with_counter(std::string text, long g) { return with_counter(std::move(text), std::to_string(g)); }

Result<std::vector<ColumnExpression>> column_expressions(Connection& c, const std::string& table, bool nulls,
                                                         const std::set<std::string>& never_null) {
    auto r = c.query(k_columns, {table});
    if (!r) return r.error();
    // kestra's flows: `deleted bool NOT NULL GENERATED ALWAYS AS ((value ->> 'deleted')::bool)`
    // refused every row whose value lacked the key; the json column's value holds each path a
    // stored generated column reads, with a value of that column's type.
    std::vector<JsonPath> json_reads;
    auto generated = c.query("SELECT format_type(a.atttypid, a.atttypmod), t.typtype, t.typcategory, t.typname, a.attnotnull, "
                             "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid "
                             "AND d.adnum = a.attnum JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::regclass "
                             "AND a.attgenerated = 's' AND NOT a.attisdropped ORDER BY a.attnum",
                             {table});
    for (int i = 0; generated && i < r->rows(); ++i) {
        if (r->value(i, 4) != "json" && r->value(i, 4) != "jsonb") continue;
        for (int k = 0; k < generated->rows(); ++k) {
            std::string leaf = value_for(generated->value(k, 0), generated->value(k, 1), generated->value(k, 2), generated->value(k, 3));
            if (leaf == "NULL") continue;
            for (auto& keys : json_paths(generated->value(k, 5), r->value(i, 0))) {
                json_reads.push_back({r->value(i, 0), std::move(keys), "to_jsonb(" + leaf + ")", generated->value(k, 4) == "t"});
            }
        }
    }
    std::vector<ColumnExpression> out;
    for (int i = 0; i < r->rows(); ++i) {
        ColumnExpression col;
        col.name = r->value(i, 0);
        col.has_default = r->value(i, 6) == "t";
        col.key = r->value(i, 9) == "t";
        col.volatile_default = r->value(i, 11) == "t";
        col.unique = r->value(i, 12) == "t";
        bool not_null = r->value(i, 5) == "t";
        bool generated = !r->value(i, 8).empty() || r->value(i, 7) == "a";
        if (!generated) {
            col.parent_row = !r->is_null(i, 10);
            std::string value = col.parent_row ? r->value(i, 10) : value_for(r->value(i, 1), r->value(i, 2), r->value(i, 3), r->value(i, 4));
            std::vector<const JsonPath*> paths;
            bool feeds_not_null = false;
            for (const auto& p : json_reads) {
                if (p.column != col.name) continue;
                paths.push_back(&p);
                feeds_not_null = feeds_not_null || p.not_null;
            }
            // Where one path is a prefix of another (`v ->> 'a'`, `v -> 'a' ->> 'b'`), the shorter's
            // value stands.
            if (!col.parent_row && !paths.empty()) value = "(" + json_object(paths, 0) + ")::" + r->value(i, 1);
            if (value == "NULL") {
                value = "NULL::" + r->value(i, 1);  // a type with no value here: typed, or a CASE over it would be text
            } else if (nulls && !not_null && !feeds_not_null && !col.key && never_null.count(col.name) == 0) {
                value = "CASE WHEN ({g}) % 5 = 4 THEN NULL ELSE " + value + " END";
            }
            col.expression = value;
        }
        out.push_back(std::move(col));
    }
    return out;
}

std::vector<std::string> seed_deterministic(Connection& c, const std::string& table, int rows, bool nulls,
                                            const std::set<std::string>& never_null) {
    std::vector<std::string> out;
    std::set<std::string> done;
    std::function<void(const std::string&, int)> seed = [&](const std::string& t, int depth) {
        auto oid = c.query("SELECT $1::regclass::oid::text, $1::regclass::text", {t});
        if (!oid || oid->rows() == 0 || !done.insert(oid->value(0, 0)).second || depth > 16) return;
        const std::string name = oid->value(0, 1);
        auto parents = c.query("SELECT DISTINCT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
                               "AND conrelid = $1::regclass AND confrelid <> conrelid",
                               {name});
        if (parents) {
            for (int i = 0; i < parents->rows(); ++i) seed(parents->value(i, 0), depth + 1);
        }
        auto count = c.query("SELECT count(*) FROM (SELECT 1 FROM " + name + " LIMIT " + std::to_string(rows) + ") s");
        if (!count) return out.push_back(name + ": no rows added (" + count.error().message + ")");
        if (std::stoi(count->value(0, 0)) >= rows) return out.push_back(name + ": has rows already");
        std::set<std::string> kept_from_null;
        const std::string prefix = oid->value(0, 0) + ".";
        for (auto it = never_null.lower_bound(prefix); it != never_null.end() && it->starts_with(prefix); ++it) {
            kept_from_null.insert(it->substr(prefix.size()));
        }
        auto columns = column_expressions(c, name, nulls, kept_from_null);
        if (!columns) return out.push_back(name + ": no rows added (its columns cannot be read)");
        std::vector<ColumnExpression> named = insertable(*columns, {});
        if (named.empty()) {  // every column has a default: rows of defaults
            int added = 0;
            for (int g = 1; g <= rows; ++g) added += c.query("INSERT INTO " + name + " DEFAULT VALUES") ? 1 : 0;
            return out.push_back(name + ": " + std::to_string(added) + " of " + std::to_string(rows) +
                                 " rows added (every column has a default)");
        }
        std::string insert = insert_of(name, named);
        const std::string single = "FROM (SELECT ({g})::int AS g) s";
        insert.replace(insert.find(single), single.size(), "FROM generate_series(1, " + std::to_string(rows) + ") g");
        if (auto r = c.query(with_counter(insert, "g") + " ON CONFLICT DO NOTHING")) {
            return out.push_back(name + ": " + r->command_status());
        }
        // A CHECK or a trigger refuses some rows: add the ones it accepts, one by one.
        int added = 0;
        std::string refusal;  // the server's first refusal, said when it refused every row
        const std::string one = insert_of(name, insertable(*columns, {})) + " ON CONFLICT DO NOTHING";
        for (int g = 1; g <= rows; ++g) {
            auto r = c.query(with_counter(one, std::to_string(g)));
            added += r ? 1 : 0;
            if (!r && refusal.empty()) {
                refusal = r.error().message.substr(0, 160);
                for (char& ch : refusal) ch = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch;
            }
        }
        out.push_back(name + ": " + std::to_string(added) + " of " + std::to_string(rows) + " rows added (the others refused" +
                      (added == 0 && !refusal.empty() ? ": " + refusal : std::string()) + ")");
    };
    seed(table, 0);
    return out;
}

namespace {

// Columns of `table` (quoted names) that are NOT NULL, or under a CHECK, in `after` and were not
// in `before`.
std::set<std::string> newly_constrained(Connection& before, Connection& after, const std::string& table) {
    const std::string query =
        "SELECT quote_ident(a.attname), a.attnotnull, coalesce((SELECT string_agg(pg_get_constraintdef(k.oid), ';' ORDER BY k.conname) "
        "FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND a.attnum = ANY (k.conkey)), '') "
        "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped";
    std::map<std::string, std::pair<bool, std::string>> was;
    if (auto r = before.query(query, {table})) {
        for (int i = 0; i < r->rows(); ++i) was[r->value(i, 0)] = {r->value(i, 1) == "t", r->value(i, 2)};
    }
    std::set<std::string> out;
    if (auto r = after.query(query, {table})) {
        for (int i = 0; i < r->rows(); ++i) {
            auto it = was.find(r->value(i, 0));
            if (it == was.end()) continue;
            if ((r->value(i, 1) == "t" && !it->second.first) || r->value(i, 2) != it->second.second) out.insert(r->value(i, 0));
        }
    }
    return out;
}

}  // namespace

Result<std::vector<ColumnExpression>> old_release_columns(Connection& before, Connection* after, const std::string& table, bool nulls,
                                                          const std::set<std::string>& never_null) {
    auto columns = column_expressions(before, table, nulls, never_null);
    if (!columns || after == nullptr) return columns;
    // The old release writes data the file's new foreign keys accept (an application does
    // not write dangling references; if it did, the original would fail on them too): a
    // column the file makes a foreign key takes a parent's row, as in the end state.
    if (auto later = column_expressions(*after, table)) {
        for (auto& c : *columns) {
            auto same = std::find_if(later->begin(), later->end(), [&](const ColumnExpression& l) { return l.name == c.name; });
            if (same != later->end() && same->parent_row && !c.parent_row && !c.expression.empty()) {
                c.expression = same->expression;
                c.parent_row = true;
                c.key = true;
            }
        }
    }
    return columns;
}

namespace {

// The columns (quoted) of `table` that a CHECK constraint of its reads, in `c`.
std::set<std::string> checked_columns(Connection& c, const std::string& table) {
    std::set<std::string> out;
    auto r = c.query("SELECT DISTINCT quote_ident(a.attname) FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid "
                     "AND a.attnum = ANY (k.conkey) WHERE k.contype = 'c' AND k.conrelid = to_regclass($1)",
                     {table});
    for (int i = 0; r && i < r->rows(); ++i) out.insert(r->value(i, 0));
    return out;
}

// Per column (quoted) of `table` in `c`: its type (format_type), and the first label of an enum.
std::map<std::string, std::pair<std::string, std::optional<std::string>>> column_types(Connection& c, const std::string& table) {
    std::map<std::string, std::pair<std::string, std::optional<std::string>>> out;
    auto r = c.query("SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
                     "(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = a.atttypid ORDER BY e.enumsortorder LIMIT 1) "
                     "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                     {table});
    for (int i = 0; r && i < r->rows(); ++i) {
        out[r->value(i, 0)] = {r->value(i, 1), r->is_null(i, 2) ? std::nullopt : std::optional<std::string>(r->value(i, 2))};
    }
    return out;
}

// Whether `table` has, in `c`, a unique index PostgreSQL checks at commit (a DEFERRABLE unique
// or primary key constraint): "ON CONFLICT does not support deferrable unique
// constraints/exclusion constraints as arbiters" (src/backend/executor/execIndexing.c,
// ExecCheckIndexConstraints), also for ON CONFLICT DO NOTHING without a target.
bool has_deferred_unique(Connection& c, const std::string& table) {
    auto r = c.query("SELECT 1 FROM pg_index WHERE indrelid = to_regclass($1) AND NOT indimmediate", {table});
    return r && r->rows() > 0;
}

}  // namespace

std::string application_insert(Connection& before, Connection* after, const std::string& table) {
    auto columns = old_release_columns(before, after, table, false);
    if (!columns) return {};
    std::vector<ColumnExpression> named = insertable(*columns, {});
    // A column the file turns into an enum (Prisma's String to enum: DROP COLUMN and ADD COLUMN
    // of the same name, or ALTER ... TYPE): the old release's value there is a label of the enum,
    // written as a literal of unknown type, which PostgreSQL takes as text before the step and
    // as the enum after it, as it does an application's text parameter. A value typed text
    // ("column is of type ... but expression is of type text") was the writer's own error.
    std::map<std::string, std::pair<std::string, std::optional<std::string>>> was = column_types(before, table), now;
    if (after != nullptr) now = column_types(*after, table);
    std::set<std::string> relabelled;
    for (auto& c : named) {
        auto b = was.find(c.name);
        auto a = now.find(c.name);
        if (b == was.end() || a == now.end() || !a->second.second || a->second.first == b->second.first) continue;
        c.expression = sql_literal(*a->second.second);
        relabelled.insert(c.name);
    }
    // A column a CHECK reads (before the file, or as the file leaves it) takes its value from one
    // existing row, every such column from the same row: the old release writes rows its CHECKs
    // accept, and the original's constraints would refuse at once a row that does not. Generated
    // values (md5 text in a `type IN ('REFERRAL', 'SIGN_UP')`, two non-nulls under
    // num_nonnulls(...) = 1) were refused, except between a step's DROP CONSTRAINT and its ADD
    // ... NOT VALID (traced one statement at a time, each committed, where the tool's
    // transaction lets nothing in), and then failed the VALIDATE of a later step. A column of a
    // key keeps a value of its own. The oracle's scripted traffic (derive_traffic) still writes
    // the generated values, to find a window without the CHECK.
    std::set<std::string> checked = checked_columns(before, table);
    if (after != nullptr) checked.merge(checked_columns(*after, table));
    std::string copied, order;
    for (auto& c : named) {
        if (checked.count(c.name) == 0 || c.key || c.unique || relabelled.count(c.name) > 0 || was.count(c.name) == 0) continue;
        copied += ", " + c.name;
        order += (order.empty() ? "" : ", ") + c.name + "::text";
        c.expression = "CASE WHEN e.pgfence_found THEN e." + c.name + " ELSE " + c.expression + " END";
    }
    std::string insert = insert_of(table, named);
    if (!copied.empty()) {
        insert += " LEFT JOIN LATERAL (SELECT true AS pgfence_found" + copied + " FROM " + table + " ORDER BY " + order +
                  " OFFSET (({g}) % greatest(1, (SELECT count(*) FROM " + table + "))) LIMIT 1) e ON true";
    }
    // A plain INSERT where a unique index is checked at commit (a duplicate gets unique_violation,
    // an error the writer expects).
    if (has_deferred_unique(before, table) || (after != nullptr && has_deferred_unique(*after, table))) return insert;
    return insert + " ON CONFLICT DO NOTHING";
}

TrafficScript derive_traffic(Connection& before, Connection& after, const std::vector<std::string>& tables,
                             const std::optional<std::set<std::string>>& filled) {
    TrafficScript out;
    std::vector<std::string> existing = user_tables(before);
    for (const auto& named : tables) {
        // The name as the catalog quotes it: it goes into the statements' text.
        auto resolved = before.query("SELECT $1::regclass::text", {named});
        if (!resolved || resolved->rows() == 0) continue;
        const std::string table = resolved->value(0, 0);
        std::set<std::string> never_null = filled ? newly_constrained(before, after, table) : std::set<std::string>{};
        std::erase_if(never_null, [&](const std::string& c) { return filled->count(c) > 0; });
        auto columns = old_release_columns(before, &after, table, true, never_null);
        if (!columns) continue;
        std::vector<std::string> names;
        // Rows are picked by the columns whose values are the same in every copy.
        for (const auto& c : *columns) {
            if (!c.volatile_default) names.push_back(c.name);
        }
        const std::vector<ColumnExpression> insert = insertable(*columns, {});
        // RETURNING the values it names: a write the original refuses and the plan lets through is
        // a rescue only if those values are still in the plan's end state.
        std::string returning;
        for (const auto& c : insert) returning += (returning.empty() ? " RETURNING " : ", ") + c.name;
        out.old_release.push_back(insert_of(table, insert) + returning);
        // A write the unique keys refuse: a new row repeating an existing row's values in a
        // unique index's columns (not the primary key's). The original refuses it at every
        // position its key exists; a plan that drops the key before its replacement is built
        // lets it in (a window of no uniqueness the original never had), and differs.
        for (const auto& key : unique_keys(before, table)) {
            bool named = std::all_of(key.begin(), key.end(), [&](const std::string& k) {
                return std::any_of(insert.begin(), insert.end(), [&](const ColumnExpression& c) { return c.name == k; });
            });
            if (!named) continue;  // a key column the old release does not write
            std::vector<ColumnExpression> repeated = insert;
            for (auto& c : repeated) {
                auto at = std::find(key.begin(), key.end(), c.name);
                if (at != key.end()) c.expression = "e.pgfence_k" + std::to_string(at - key.begin());
            }
            std::string picked, order, present;
            for (std::size_t k = 0; k < key.size(); ++k) {
                picked += (picked.empty() ? "" : ", ") + key[k] + " AS pgfence_k" + std::to_string(k);
                order += (order.empty() ? "" : ", ") + key[k] + "::text";
                present += (present.empty() ? "" : " AND ") + key[k] + " IS NOT NULL";
            }
            out.old_release.push_back(insert_of(table, repeated) + ", (SELECT " + picked + " FROM " + table + " WHERE " + present +
                                      " ORDER BY " + order + " LIMIT 1) e");
        }
        // A column outside every key: not one a unique index covers either (Prisma's unique
        // keys are indexes, not constraints), whose change a foreign key's ON UPDATE CASCADE
        // would carry into other tables.
        auto target = std::find_if(columns->begin(), columns->end(),
                                   [](const ColumnExpression& c) { return !c.key && !c.unique && !c.expression.empty(); });
        if (target != columns->end()) {
            out.old_release.push_back("UPDATE " + table + " SET " + target->name + " = " +
                                      with_counter(target->expression, "({g}) + 7") + " WHERE " + one_row(table, names, primary_key(before, table)) +
                                      " RETURNING " + target->name);
        }
        // No DELETE of a row the file's foreign keys make a parent: it would leave the
        // references dangling that the original's validation refuses.
        if (!referenced(before, table) && !referenced(after, table)) out.old_release.push_back("DELETE FROM " + table + " WHERE " + with_counter(one_row(table, names, primary_key(before, table)), "({g}) * 3"));
    }
    // The new release: tables the file made, and columns it added to existing tables.
    for (const auto& table : user_tables(after)) {
        bool is_new = std::find(existing.begin(), existing.end(), table) == existing.end();
        std::set<std::string> old_names;
        if (!is_new) {
            auto old_columns = column_expressions(before, table);
            if (!old_columns) continue;
            for (const auto& c : *old_columns) old_names.insert(c.name);
        }
        auto columns = column_expressions(after, table);
        if (!columns) continue;
        std::set<std::string> fresh;
        std::vector<std::string> kept;
        std::string set;
        for (const auto& c : *columns) {
            if (old_names.count(c.name)) {
                if (!c.volatile_default) kept.push_back(c.name);
                continue;
            }
            fresh.insert(c.name);
            if (!c.expression.empty()) set += (set.empty() ? "" : ", ") + c.name + " = " + with_counter(c.expression, "({g}) + 3");
        }
        if (fresh.empty()) continue;
        out.new_release.push_back(insert_of(table, insertable(*columns, fresh)));
        if (!is_new && !set.empty()) out.new_release.push_back("UPDATE " + table + " SET " + set + " WHERE " + one_row(table, kept, primary_key(after, table)));
    }
    return out;
}

}  // namespace pgfence::trace
