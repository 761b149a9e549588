// The plan oracle's end state: the schema as the catalog describes it and every user table's
// rows, and the first difference between two of them (plan_oracle.hpp).
#include <algorithm>
#include <map>

#include "trace/plan_oracle.hpp"

namespace pgfence::trace {
namespace {

constexpr const char* k_user_relations =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

// Key -> description of every schema object the definition of a correct plan names.
std::string schema_query() {
    const std::string user = k_user_relations;
    return "SELECT 'column ' || c.oid::regclass::text || '.' || quote_ident(a.attname), format_type(a.atttypid, a.atttypmod)"
           " || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END"
           " || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END"
           " || CASE WHEN a.attgenerated <> '' THEN ' GENERATED' ELSE '' END"
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
           " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
           " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
           " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + user +
           " UNION ALL SELECT 'constraint ' || coalesce(nullif(k.conrelid, 0)::regclass::text, k.contypid::regtype::text) || '.'"
           " || quote_ident(k.conname), pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END"
           " || CASE WHEN k.condeferrable THEN ' DEFERRABLE' ELSE '' END || CASE WHEN k.condeferred THEN ' INITIALLY DEFERRED' ELSE '' END"
           " FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE " + user +
           " UNION ALL SELECT 'index ' || i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
           " || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END"
           " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + user +
           " UNION ALL SELECT 'view ' || c.oid::regclass::text, pg_get_viewdef(c.oid)"
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND " + user +
           " UNION ALL SELECT 'trigger ' || t.tgrelid::regclass::text || '.' || quote_ident(t.tgname), pg_get_triggerdef(t.oid)"
           " || CASE t.tgenabled WHEN 'O' THEN '' WHEN 'D' THEN ' (disabled)' ELSE ' (enabled ' || t.tgenabled::text || ')' END"
           " FROM pg_trigger t WHERE NOT t.tgisinternal"
           " UNION ALL SELECT 'sequence ' || quote_ident(schemaname) || '.' || quote_ident(sequencename),"
           " coalesce(last_value::text, 'not called') || ' ' || data_type::text || ' START ' || start_value || ' INCREMENT ' || increment_by"
           " || ' MIN ' || min_value || ' MAX ' || max_value || ' CACHE ' || cache_size || CASE WHEN cycle THEN ' CYCLE' ELSE '' END"
           " FROM pg_sequences"
           // Functions and procedures (a trigger's body is its function's): the definition as the
           // server prints it, the owner and the grants (aggregates by signature: no definition).
           " UNION ALL SELECT 'function ' || p.oid::regprocedure::text,"
           " CASE WHEN p.prokind = 'a' THEN 'aggregate returning ' || pg_get_function_result(p.oid) ELSE pg_get_functiondef(p.oid) END"
           " || ' OWNER ' || pg_get_userbyid(p.proowner) || coalesce(' GRANTS ' || p.proacl::text, '')"
           " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + user +
           // Owner and grants of tables, views, sequences (role names, as the ACL prints them).
           " UNION ALL SELECT 'owner and grants ' || c.oid::regclass::text, pg_get_userbyid(c.relowner)"
           " || coalesce(' GRANTS ' || c.relacl::text, '')"
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND " + user +
           " UNION ALL SELECT 'column grants ' || c.oid::regclass::text || '.' || quote_ident(a.attname), a.attacl::text"
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
           " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL WHERE " + user +
           " UNION ALL SELECT 'row level security ' || c.oid::regclass::text,"
           " CASE WHEN c.relforcerowsecurity THEN 'enabled, forced' ELSE 'enabled' END"
           " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND " + user +
           " UNION ALL SELECT 'policy ' || quote_ident(schemaname) || '.' || quote_ident(tablename) || '.' || quote_ident(policyname),"
           " permissive || ' FOR ' || cmd || ' TO ' || roles::text || coalesce(' USING (' || qual || ')', '')"
           " || coalesce(' WITH CHECK (' || with_check || ')', '') FROM pg_policies"
           " UNION ALL SELECT 'schema ' || quote_ident(n.nspname), pg_get_userbyid(n.nspowner) || coalesce(' GRANTS ' || n.nspacl::text, '')"
           " FROM pg_namespace n WHERE " + user +
           " UNION ALL SELECT 'type ' || t.oid::regtype::text, t.typtype::text || ' OWNER ' || pg_get_userbyid(t.typowner)"
           " || coalesce(' GRANTS ' || t.typacl::text, '')"
           " || coalesce(' BASE ' || nullif(t.typbasetype, 0)::regtype::text, '') || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END"
           " || coalesce(' DEFAULT ' || t.typdefault, '')"
           " || coalesce(' VALUES ' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)"
           " FROM pg_enum e WHERE e.enumtypid = t.oid), '')"
           " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
           " WHERE t.typtype IN ('e', 'd', 'r', 'm', 'b') AND t.typelem = 0 AND " + user +
           " UNION ALL SELECT 'column ' || t.oid::regtype::text || '.' || quote_ident(a.attname), format_type(a.atttypid, a.atttypmod)"
           " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'"
           " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped WHERE " + user +
           " UNION ALL SELECT 'rule ' || quote_ident(schemaname) || '.' || quote_ident(tablename) || '.' || quote_ident(rulename), definition"
           " FROM pg_rules WHERE " + std::string("schemaname NOT IN ('pg_catalog', 'information_schema')") +
           " UNION ALL SELECT 'extension ' || quote_ident(x.extname), x.extversion || ' in ' || quote_ident(n.nspname)"
           " FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'"
           " UNION ALL SELECT 'default privileges ' || pg_get_userbyid(d.defaclrole) || coalesce(' in ' || quote_ident(n.nspname), '')"
           " || ' on ' || d.defaclobjtype::text, d.defaclacl::text"
           " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"
           // Comments on the objects the repository made (the catalog's own are below 16384).
           " UNION ALL SELECT 'comment on ' || pg_describe_object(s.classoid, s.objoid, s.objsubid), s.description"
           " FROM pg_description s WHERE s.objoid >= 16384"
           " ORDER BY 1";
}

std::string value_text(const std::string& v) {
    if (v[0] == 'N') return "NULL";
    return v.size() > 61 ? v.substr(1, 60) + "..." : v.substr(1);
}

// "(a=1, b=NULL, ...)"
std::string row_text(const std::vector<std::string>& columns, const std::vector<std::string>& row) {
    std::string out;
    for (std::size_t i = 0; i < row.size() && i < columns.size(); ++i) {
        if (out.size() > 240) return out + ", ...)";  // enough to find the row
        out += (out.empty() ? "(" : ", ") + columns[i] + "=" + value_text(row[i]);
    }
    return out + ")";
}

// The first row of `a` not in `b` (both sorted), or nullptr.
const std::vector<std::string>* first_missing(const TableRows& a, const TableRows& b) {
    std::size_t j = 0;
    for (const auto& row : a.rows) {
        while (j < b.rows.size() && b.rows[j] < row) ++j;
        if (j < b.rows.size() && b.rows[j] == row) {
            ++j;
            continue;
        }
        return &row;
    }
    return nullptr;
}

// "t.c: row (...) has X in the original, Y in the plan", pairing the original's missing row
// with the plan's row that agrees with it in most columns.
std::string row_difference(const std::string& table, const TableRows& original, const TableRows& plan) {
    const auto* lost = first_missing(original, plan);
    const auto* extra = first_missing(plan, original);
    if (lost == nullptr && extra == nullptr) return "";
    if (lost == nullptr) return table + ": the plan has a row the original does not: " + row_text(plan.columns, *extra);
    const std::vector<std::string>* best = nullptr;
    std::size_t best_equal = 0;
    std::size_t scanned = 0;
    for (const auto& row : plan.rows) {
        if (++scanned > 100000) break;
        std::size_t equal = 0;
        for (std::size_t i = 0; i < row.size() && i < lost->size(); ++i) equal += row[i] == (*lost)[i] ? 1 : 0;
        if (equal > best_equal && equal < row.size()) {
            best_equal = equal;
            best = &row;
        }
    }
    if (best == nullptr || best_equal * 2 <= lost->size()) {  // no row of the plan is mostly this one
        return table + ": the plan lost the row " + row_text(original.columns, *lost) + " (" + std::to_string(original.rows.size()) +
               " rows in the original, " + std::to_string(plan.rows.size()) + " in the plan)";
    }
    std::string out;
    for (std::size_t i = 0; i < best->size(); ++i) {
        if ((*best)[i] == (*lost)[i]) continue;
        // Long values from a little before where they part, so the difference is in view.
        const std::string& a = (*lost)[i];
        const std::string& b = (*best)[i];
        std::size_t same = 0;
        while (same < a.size() && same < b.size() && a[same] == b[same]) ++same;
        std::size_t from = a[0] == 'N' || b[0] == 'N' || same < 40 ? 0 : same - 20;
        auto window = [&](const std::string& v) { return from == 0 ? value_text(v) : "..." + value_text("V" + v.substr(from)); };
        out += (out.empty() ? "" : "; ") + table + "." + original.columns[i] + " is " + window(a) + " in the original, " +
               window(b) + " in the plan";
    }
    return out + ", in the row " + row_text(original.columns, *lost);
}

}  // namespace

Result<EndState> dump_end_state(Connection& c) {
    EndState state;
    auto schema = c.query(schema_query());
    if (!schema) return schema.error();
    for (int i = 0; i < schema->rows(); ++i) state.schema.emplace_back(schema->value(i, 0), schema->value(i, 1));
    auto tables = c.query(
        "SELECT c.oid::regclass::text, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attname),"
        // Every value as text: those the clock or a random source gives (a now() default) are
        // found by two runs of the original and compared by NULL-ness where they differ.
        " string_agg(quote_ident(a.attname) || '::text', ', ' ORDER BY a.attname)"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " WHERE c.relkind = 'r' AND " + std::string(k_user_relations) + " GROUP BY 1 ORDER BY 1");
    if (!tables) return tables.error();
    for (int t = 0; t < tables->rows(); ++t) {
        TableRows rows;
        const std::string names = tables->value(t, 1);
        for (std::size_t at = 0; at <= names.size();) {
            std::size_t comma = names.find(", ", at);
            if (comma == std::string::npos) comma = names.size();
            rows.columns.push_back(names.substr(at, comma - at));
            at = comma + 2;
        }
        auto r = c.query("SELECT " + tables->value(t, 2) + " FROM ONLY " + tables->value(t, 0));
        if (!r) return r.error();
        for (int i = 0; i < r->rows(); ++i) {
            std::vector<std::string> row;
            for (int j = 0; j < r->columns(); ++j) row.push_back(r->is_null(i, j) ? "N" : "V" + r->value(i, j));
            rows.rows.push_back(std::move(row));
        }
        std::sort(rows.rows.begin(), rows.rows.end());
        state.tables.emplace_back(tables->value(t, 0), std::move(rows));
    }
    return state;
}

namespace {

// A row's values in the columns not in `skip`, as one key.
std::string row_key(const TableRows& t, const std::vector<std::string>& row, const std::set<std::string>& skip) {
    std::string key;
    for (std::size_t j = 0; j < t.columns.size() && j < row.size(); ++j) {
        if (skip.count(t.columns[j]) > 0) continue;
        key += row[j];
        key += '\x1e';
    }
    return key;
}

}  // namespace

UnstableValues unstable_columns(const EndState& a, const EndState& b) {
    UnstableValues out;
    for (const auto& [name, ta] : a.tables) {
        auto it = std::find_if(b.tables.begin(), b.tables.end(), [&](const auto& t) { return t.first == name; });
        if (it == b.tables.end() || it->second.columns != ta.columns) continue;
        const TableRows& tb = it->second;
        std::set<std::string> differ;
        for (std::size_t j = 0; j < ta.columns.size(); ++j) {
            std::vector<std::string> x, y;
            for (const auto& row : ta.rows) x.push_back(row[j]);
            for (const auto& row : tb.rows) y.push_back(row[j]);
            std::sort(x.begin(), x.end());
            std::sort(y.begin(), y.end());
            if (x != y) differ.insert(ta.columns[j]);
        }
        if (differ.empty()) continue;
        out.columns[name] = differ;
        // Rows named by their other columns: which of the differing columns differ in each.
        std::map<std::string, std::pair<std::vector<const std::vector<std::string>*>, std::vector<const std::vector<std::string>*>>> by_key;
        for (const auto& row : ta.rows) by_key[row_key(ta, row, differ)].first.push_back(&row);
        for (const auto& row : tb.rows) by_key[row_key(tb, row, differ)].second.push_back(&row);
        for (const auto& [key, rows] : by_key) {
            out.seen.emplace(name, key);
            for (std::size_t j = 0; j < ta.columns.size(); ++j) {
                if (differ.count(ta.columns[j]) == 0) continue;
                std::vector<std::string> x, y;
                for (const auto* row : rows.first) x.push_back((*row)[j]);
                for (const auto* row : rows.second) y.push_back((*row)[j]);
                std::sort(x.begin(), x.end());
                std::sort(y.begin(), y.end());
                if (x != y) out.cells.emplace(name, ta.columns[j], key);
            }
        }
    }
    return out;
}

void mask_columns(EndState& state, const UnstableValues& unstable) {
    for (auto& [name, t] : state.tables) {
        auto differ = unstable.columns.find(name);
        if (differ == unstable.columns.end()) continue;
        for (auto& row : t.rows) {
            const std::string key = row_key(t, row, differ->second);
            const bool unknown = unstable.seen.count({name, key}) == 0;
            for (std::size_t j = 0; j < t.columns.size() && j < row.size(); ++j) {
                if (differ->second.count(t.columns[j]) == 0) continue;
                if (!unknown && unstable.cells.count({name, t.columns[j], key}) == 0) continue;
                if (row[j] != "N") row[j] = "V(a value)";
            }
        }
        std::sort(t.rows.begin(), t.rows.end());
    }
}

namespace {

// A schema description on one line, at most about 200 characters from `from` (with "..." where cut).
std::string shown(const std::string& text, std::size_t from = 0) {
    std::string out = from > 0 ? "..." : "";
    constexpr std::size_t k_limit = 200;
    bool space = false;
    for (std::size_t i = from; i < text.size(); ++i) {
        if (out.size() >= k_limit) return out + "...";
        char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            if (!space) out += ' ';
            space = true;
            continue;
        }
        space = false;
        out += c;
    }
    return out;
}

// "key: A in the original, B in the plan", long descriptions (a function's definition) from a
// little before where they part.
std::string schema_change(const std::string& key, const std::string& a, const std::string& b) {
    std::size_t same = 0;
    while (same < a.size() && same < b.size() && a[same] == b[same]) ++same;
    std::size_t from = same < 80 ? 0 : same - 40;
    return key + ": " + shown(a, from) + " in the original, " + shown(b, from) + " in the plan";
}

}  // namespace

std::string first_difference(const EndState& original, const EndState& plan) {
    std::map<std::string, std::string> a(original.schema.begin(), original.schema.end());
    std::map<std::string, std::string> b(plan.schema.begin(), plan.schema.end());
    for (const auto& [key, value] : a) {
        auto it = b.find(key);
        if (it == b.end()) return key + ": " + shown(value) + " in the original, missing in the plan";
        if (it->second != value) return schema_change(key, value, it->second);
    }
    for (const auto& [key, value] : b) {
        if (a.count(key) == 0) return key + ": " + shown(value) + " in the plan, not in the original";
    }
    std::map<std::string, const TableRows*> plan_tables;
    for (const auto& [name, rows] : plan.tables) plan_tables[name] = &rows;
    for (const auto& [name, rows] : original.tables) {
        auto it = plan_tables.find(name);
        if (it == plan_tables.end()) return name + ": a table in the original, missing in the plan";
        if (rows.columns != it->second->columns) return name + ": other columns in the plan";
        if (std::string d = row_difference(name, rows, *it->second); !d.empty()) return d;
    }
    return "";
}

}  // namespace pgfence::trace
