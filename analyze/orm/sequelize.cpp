// Sequelize: the queryInterface builder calls (sequelize.query(sql, {replacements}): sequelize_replacements.cpp), as
// Sequelize's PostgreSQL query generator writes them (quoted identifiers, upper-case keywords).
#include <cctype>

#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {
namespace {

// "CollectiveId" -> "collective_id", as Sequelize names indexes.
std::string underscore(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isupper(c) && i > 0 && (std::islower(static_cast<unsigned char>(s[i - 1])) || std::isdigit(static_cast<unsigned char>(s[i - 1]))))
            out += '_';
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

// The last name of a member chain or call: Sequelize.STRING(20) -> STRING.
std::string type_name(const Node& n) {
    if (n.kind == NodeKind::Call) return type_name(n.kids[0]);
    if (n.kind == NodeKind::Member || n.kind == NodeKind::Ident) return n.name;
    return {};
}

class Builder {
public:
    Builder(Emitter& e, std::string table) : m_e(e), m_table(std::move(table)) {}

    bool ok = true;
    std::string why;
    std::vector<std::string> before;  // CREATE TYPE for enums

    void fail(std::string reason) {
        if (ok) why = std::move(reason);
        ok = false;
    }
    std::string table() const { return quote_qualified(m_table); }
    std::optional<std::string> str(const Node* n) { return n ? m_e.string_of(*n) : std::nullopt; }

    std::string type(const Node& n, const std::string& column) {
        // A type given as a string goes into the SQL as written (sequelize 6.37.8
        // lib/dialects/postgres/query-generator.js attributeToSQL(), addColumnQuery()); what
        // follows a `;` in it is a statement of its own (orm::split).
        if (auto s = m_e.string_of(n)) return *s;
        std::string t = type_name(n);
        // Sequelize.STRING.BINARY, INTEGER.UNSIGNED: the modifier names the base type's node.
        if ((t == "BINARY" || t == "UNSIGNED" || t == "ZEROFILL") && n.kind == NodeKind::Member) return type(n.kids[0], column);
        const Node* call = n.kind == NodeKind::Call ? &n : nullptr;
        auto num = [&](std::size_t i) { return call && arg(*call, i) ? m_e.number_of(*arg(*call, i)) : std::nullopt; };
        if (t == "STRING") return "VARCHAR(" + num(0).value_or("255") + ")";
        if (t == "CHAR") return "CHAR(" + num(0).value_or("255") + ")";
        if (t == "TEXT") return "TEXT";
        if (t == "CITEXT") return "CITEXT";
        if (t == "INTEGER" || t == "MEDIUMINT") return "INTEGER";
        if (t == "BIGINT") return "BIGINT";
        if (t == "SMALLINT" || t == "TINYINT") return "SMALLINT";
        if (t == "FLOAT") return "FLOAT";
        if (t == "DOUBLE") return "DOUBLE PRECISION";
        if (t == "REAL") return "REAL";
        if (t == "DECIMAL" || t == "NUMERIC") {
            if (num(0)) return "DECIMAL(" + *num(0) + (num(1) ? "," + *num(1) : "") + ")";
            return "DECIMAL";
        }
        if (t == "BOOLEAN") return "BOOLEAN";
        if (t == "DATE") return "TIMESTAMP WITH TIME ZONE";
        if (t == "DATEONLY") return "DATE";
        if (t == "TIME") return "TIME";
        if (t == "UUID") return "UUID";
        if (t == "JSON") return "JSON";
        if (t == "JSONB") return "JSONB";
        if (t == "BLOB") return "BYTEA";
        if (t == "INET" || t == "CIDR" || t == "MACADDR" || t == "TSVECTOR" || t == "HSTORE" || t == "GEOMETRY" ||
            t == "GEOGRAPHY")
            return t;
        if (t == "ARRAY" && call && arg(*call, 0)) return type(*arg(*call, 0), column) + "[]";
        if (t == "ENUM" && call) {
            std::string values;
            for (std::size_t i = 0; i < arg_count(*call); ++i) {
                const Node* v = arg(*call, i);
                if (v->kind == NodeKind::Array) {
                    for (const Node& k : v->kids) values += (values.empty() ? "" : ", ") + quote_literal(str(&k).value_or("?"));
                } else {
                    values += (values.empty() ? "" : ", ") + quote_literal(str(v).value_or("?"));
                }
            }
            std::string name = quote_ident("enum_" + m_table + "_" + column);
            before.push_back("CREATE TYPE " + name + " AS ENUM(" + values + ")");
            return name;
        }
        fail("column type `" + m_e.source(n) + "` the extractor cannot read");
        return "TEXT";
    }

    std::string default_value(const Node& v) {
        if (auto s = m_e.string_of(v)) return quote_literal(*s);
        if (auto num = m_e.number_of(v)) return *num;
        if (v.kind == NodeKind::Ident && (v.name == "true" || v.name == "false" || v.name == "null")) return v.name;
        std::string t = type_name(v);
        if (t == "NOW") return "NOW()";
        if (v.kind == NodeKind::Call && (t == "literal" || t == "fn") && arg(v, 0)) {
            if (auto s = str(arg(v, 0))) return t == "fn" ? *s + "()" : *s;
        }
        if (v.kind == NodeKind::Object || v.kind == NodeKind::Array) return quote_literal(m_e.source(v));
        fail("default value `" + m_e.source(v) + "` the extractor cannot read");
        return "NULL";
    }

    std::string references(const Node& spec) {
        const Node* refs = property(spec, "references");
        if (refs == nullptr) return {};
        std::optional<std::string> model, key;
        if (refs->kind == NodeKind::Object) {
            const Node* m = property(*refs, "model") ? property(*refs, "model") : property(*refs, "table");
            if (m && m->kind == NodeKind::Object) m = property(*m, "tableName");
            model = str(m);
            key = property(*refs, "key") ? str(property(*refs, "key")) : std::optional<std::string>("id");
        } else {
            model = str(refs);
            key = "id";
        }
        if (!model || !key) {
            fail("references the extractor cannot read");
            return {};
        }
        std::string out = " REFERENCES " + quote_qualified(*model) + " (" + quote_ident(*key) + ")";
        if (auto d = str(property(spec, "onDelete"))) out += " ON DELETE " + *d;
        if (auto u = str(property(spec, "onUpdate"))) out += " ON UPDATE " + *u;
        return out;
    }

    // Column definition for addColumn/createTable; `spec` is an options object or a bare type.
    std::string attribute(const Node& spec, const std::string& column, bool& primary) {
        if (spec.kind != NodeKind::Object) return type(spec, column);
        const Node* t = property(spec, "type");
        if (t == nullptr) {
            fail("column without a type");
            return "TEXT";
        }
        std::string sql = type(*t, column);
        const Node* auto_inc = property(spec, "autoIncrement");
        if (auto_inc && auto_inc->name == "true") {
            sql = sql == "BIGINT" ? "BIGSERIAL" : sql == "SMALLINT" ? "SMALLSERIAL" : "SERIAL";
        }
        const Node* allow_null = property(spec, "allowNull");
        if (allow_null && allow_null->name == "false") sql += " NOT NULL";
        const Node* def = property(spec, "defaultValue");
        if (def && type_name(*def) != "UUIDV4" && type_name(*def) != "UUIDV1") sql += " DEFAULT " + default_value(*def);
        const Node* unique = property(spec, "unique");
        if (unique && (unique->name == "true" || unique->kind == NodeKind::String)) sql += " UNIQUE";
        const Node* pk = property(spec, "primaryKey");
        primary = pk && pk->name == "true";
        return sql + references(spec);
    }

private:
    Emitter& m_e;
    std::string m_table;
};

// Table argument: 'Users', or { tableName, schema }.
std::optional<std::string> table_of(const Node* n, Emitter& e) {
    if (n == nullptr) return std::nullopt;
    if (n->kind == NodeKind::Object) {
        auto name = property(*n, "tableName") ? e.string_of(*property(*n, "tableName")) : std::nullopt;
        auto schema = property(*n, "schema") ? e.string_of(*property(*n, "schema")) : std::nullopt;
        if (name && schema) return *schema + "." + *name;
        return name;
    }
    return e.string_of(*n);
}

std::string field_name(const Node& f, Emitter& e, bool& ok, std::string* order = nullptr) {
    if (f.kind == NodeKind::Object) {
        const Node* n = property(f, "name") ? property(f, "name") : property(f, "attribute");
        auto s = n ? e.string_of(*n) : std::nullopt;
        if (order) {
            auto o = property(f, "order") ? e.string_of(*property(f, "order")) : std::nullopt;
            if (o) *order = " " + *o;
        }
        if (s) return *s;
    } else if (auto s = e.string_of(f)) {
        return *s;
    }
    ok = false;
    return "?";
}

}  // namespace

bool sequelize_call(const Node& call, Emitter& e) {
    const Node& callee = call.kids[0];
    if (callee.kind != NodeKind::Member) return false;
    std::string name = dotted_name(callee);
    if (name.empty()) name = e.source(callee);
    const std::string& m = callee.name;
    if (m == "query") {
        sequelize_raw_query(call, name, e);
        return true;
    }
    static const char* k_methods[] = {"addColumn", "removeColumn", "changeColumn", "renameColumn", "addIndex",
                                      "removeIndex", "addConstraint", "removeConstraint", "createTable", "dropTable",
                                      "renameTable", "bulkInsert", "bulkDelete", "bulkUpdate", "dropAllTables",
                                      "createFunction", "dropFunction", "dropEnum", "createSchema", "dropSchema"};
    bool known = false;
    for (const char* k : k_methods) known = known || m == k;
    if (!known) return false;
    if (m == "createFunction") {
        sequelize_create_function(call, name, e);
        return true;
    }
    int index = e.add_call(call, name, false);
    auto table = table_of(arg(call, 0), e);
    if (!table) {
        // A helper of the project's own handed the queryInterface first (metriport's
        // shared.createTable(queryInterface, "patient_cohort", ...)): what it sends is not read, but
        // the table it names is said, so that what the file does to that table next is read as
        // possibly its doing (rules/unknown_consequences.hpp).
        auto named = arg(call, 0) != nullptr && arg(call, 0)->kind != NodeKind::Object ? table_of(arg(call, 1), e) : std::nullopt;
        e.unknown(call, index, named ? name + "() on table " + *named + ", a helper pgfence does not read, handed the migration's queryInterface"
                                     : "queryInterface." + m + "() on a table the extractor cannot read");
        return true;
    }
    Builder b(e, *table);
    std::vector<std::string> sql;
    std::string extra_note;  // bulkDelete/bulkUpdate: a where argument not read
    auto col = [&](std::size_t i) {
        auto s = b.str(arg(call, i));
        if (!s) b.fail("a column name the extractor cannot read");
        return s.value_or("?");
    };
    const std::string t = b.table();
    if (m == "addColumn") {
        std::string c = col(1);
        bool primary = false;
        std::string def = arg(call, 2) ? b.attribute(*arg(call, 2), c, primary) : (b.fail("no column definition"), "");
        if (primary) def += " PRIMARY KEY";
        sql.push_back("ALTER TABLE " + t + " ADD COLUMN " + quote_ident(c) + " " + def);
    } else if (m == "removeColumn") {
        sql.push_back("ALTER TABLE " + t + " DROP COLUMN " + quote_ident(col(1)));
    } else if (m == "renameColumn") {
        sql.push_back("ALTER TABLE " + t + " RENAME COLUMN " + quote_ident(col(1)) + " TO " + quote_ident(col(2)));
    } else if (m == "changeColumn") {
        std::string c = quote_ident(col(1));
        const Node* spec = arg(call, 2);
        std::string head = "ALTER TABLE " + t + " ALTER COLUMN " + c;
        if (spec == nullptr) {
            b.fail("no column definition");
        } else {
            const Node* type_node = spec->kind == NodeKind::Object ? property(*spec, "type") : spec;
            const Node* allow_null = spec->kind == NodeKind::Object ? property(*spec, "allowNull") : nullptr;
            const Node* def = spec->kind == NodeKind::Object ? property(*spec, "defaultValue") : nullptr;
            sql.push_back(head + (allow_null && allow_null->name == "false" ? " SET NOT NULL" : " DROP NOT NULL"));
            sql.push_back(def ? head + " SET DEFAULT " + b.default_value(*def) : head + " DROP DEFAULT");
            if (type_node) sql.push_back(head + " TYPE " + b.type(*type_node, col(1)));
            if (spec->kind == NodeKind::Object) {
                const Node* unique = property(*spec, "unique");
                if (unique && unique->name == "true") sql.push_back("ALTER TABLE " + t + " ADD UNIQUE (" + c + ")");
                std::string refs = b.references(*spec);
                if (!refs.empty()) sql.push_back("ALTER TABLE " + t + " ADD FOREIGN KEY (" + c + ")" + refs);
            }
        }
    } else if (m == "addIndex") {
        const Node* fields = arg(call, 1);
        const Node* opts = arg(call, 2);
        if (fields && fields->kind == NodeKind::Object) {
            opts = fields;
            fields = property(*fields, "fields");
        }
        bool ok = fields && fields->kind == NodeKind::Array;
        std::string list, names;
        if (ok) {
            for (const Node& f : fields->kids) {
                std::string order;
                std::string n = field_name(f, e, ok, &order);
                list += (list.empty() ? "" : ", ") + quote_ident(n) + order;
                names += "_" + n;
            }
        }
        if (!ok) b.fail("index fields the extractor cannot read");
        auto flag = [&](const char* key) { return opts && property(*opts, key) && property(*opts, key)->name == "true"; };
        auto idx = opts && property(*opts, "name") ? b.str(property(*opts, "name")) : std::nullopt;
        auto type = opts && property(*opts, "type") ? b.str(property(*opts, "type")) : std::nullopt;
        bool unique = flag("unique") || (type && (*type == "UNIQUE" || *type == "unique"));
        std::string stmt = std::string("CREATE ") + (unique ? "UNIQUE " : "") + "INDEX " + (flag("concurrently") ? "CONCURRENTLY " : "") +
                           quote_ident(idx.value_or(underscore(*table + names))) + " ON " + t;
        const Node* method = opts ? (property(*opts, "using") ? property(*opts, "using") : property(*opts, "method")) : nullptr;
        if (auto u = b.str(method)) stmt += " USING " + *u;
        stmt += " (" + list + ")";
        if (const Node* where = opts ? property(*opts, "where") : nullptr) {
            if (auto w = b.str(where)) stmt += " WHERE " + *w;
            else stmt += " WHERE true";  // an object condition: the predicate does not change the locks
        }
        sql.push_back(stmt);
    } else if (m == "removeIndex") {
        const Node* which = arg(call, 1);
        std::string idx;
        bool ok = which != nullptr;
        if (which && which->kind == NodeKind::Array) {
            std::string names;
            for (const Node& f : which->kids) names += "_" + field_name(f, e, ok);
            idx = underscore(*table + names);
        } else if (which) {
            auto s = b.str(which);
            ok = s.has_value();
            idx = s.value_or("?");
        }
        if (!ok) b.fail("index name the extractor cannot read");
        const Node* opts = arg(call, 2);
        bool concurrently = opts && property(*opts, "concurrently") && property(*opts, "concurrently")->name == "true";
        sql.push_back(std::string("DROP INDEX ") + (concurrently ? "CONCURRENTLY " : "") + "IF EXISTS " + quote_ident(idx));
    } else if (m == "addConstraint") {
        const Node* opts = arg(call, 1);
        const Node* fields = opts && opts->kind == NodeKind::Object ? property(*opts, "fields") : opts;
        if (opts && opts->kind == NodeKind::Array) opts = arg(call, 2);  // v4: (table, fields, options)
        bool ok = opts && fields && fields->kind == NodeKind::Array;
        std::string list, names;
        if (ok) {
            for (const Node& f : fields->kids) {
                std::string n = field_name(f, e, ok);
                list += (list.empty() ? "" : ", ") + quote_ident(n);
                names += "_" + n;
            }
        }
        auto type = ok ? b.str(property(*opts, "type")) : std::nullopt;
        if (!ok || !type) {
            b.fail("constraint options the extractor cannot read");
        } else {
            std::string kind;
            for (char c : *type) kind += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto cname = b.str(property(*opts, "name"));
            std::string suffix = kind == "foreign key" ? "_fk" : kind == "unique" ? "_uk" : kind == "check" ? "_ck" : "_pk";
            std::string head = "ALTER TABLE " + t + " ADD CONSTRAINT " + quote_ident(cname.value_or(*table + names + suffix));
            if (kind == "foreign key") {
                const Node* refs = property(*opts, "references");
                auto rt = refs ? table_of(property(*refs, "table"), e) : std::nullopt;
                auto rf = refs ? b.str(property(*refs, "field")) : std::nullopt;
                if (!rt || !rf) b.fail("foreign key references the extractor cannot read");
                std::string s = head + " FOREIGN KEY (" + list + ") REFERENCES " + quote_qualified(rt.value_or("?")) + " (" +
                                quote_ident(rf.value_or("?")) + ")";
                if (auto d = b.str(property(*opts, "onDelete"))) s += " ON DELETE " + *d;
                if (auto u = b.str(property(*opts, "onUpdate"))) s += " ON UPDATE " + *u;
                sql.push_back(s);
            } else if (kind == "unique") {
                sql.push_back(head + " UNIQUE (" + list + ")");
            } else if (kind == "primary key") {
                sql.push_back(head + " PRIMARY KEY (" + list + ")");
            } else if (kind == "check") {
                auto w = b.str(property(*opts, "where"));
                sql.push_back(head + " CHECK (" + w.value_or("true") + ")");
            } else {
                b.fail("constraint type '" + *type + "' is not modelled");
            }
        }
    } else if (m == "removeConstraint") {
        sql.push_back("ALTER TABLE " + t + " DROP CONSTRAINT " + quote_ident(col(1)));
    } else if (m == "createTable") {
        const Node* attrs = arg(call, 1);
        if (attrs == nullptr || attrs->kind != NodeKind::Object) {
            b.fail("table attributes the extractor cannot read");
        } else {
            std::string cols, pks;
            for (std::size_t i = 0; i < attrs->keys.size(); ++i) {
                if (attrs->keys[i] == "..." || attrs->keys[i].starts_with("[computed]")) {
                    b.fail("table attributes built from a spread or computed key");
                    continue;
                }
                bool primary = false;
                std::string def = b.attribute(attrs->kids[i], attrs->keys[i], primary);
                cols += (cols.empty() ? "" : ", ") + quote_ident(attrs->keys[i]) + " " + def;
                if (primary) pks += (pks.empty() ? "" : ", ") + quote_ident(attrs->keys[i]);
            }
            if (!pks.empty()) cols += ", PRIMARY KEY (" + pks + ")";
            sql.push_back("CREATE TABLE IF NOT EXISTS " + t + " (" + cols + ")");
        }
    } else if (m == "dropTable") {
        sql.push_back("DROP TABLE IF EXISTS " + t);
    } else if (m == "renameTable") {
        auto to = table_of(arg(call, 1), e);
        if (!to) b.fail("a table name the extractor cannot read");
        sql.push_back("ALTER TABLE " + t + " RENAME TO " + quote_qualified(to.value_or("?")));
    } else if (m == "bulkDelete") {
        // QueryInterface.bulkDelete(table, where, options): with options.truncate === true it
        // sends truncateTableQuery(table, options) instead (sequelize/src/dialects/abstract/
        // query-interface.js), on PostgreSQL `TRUNCATE table` plus RESTART IDENTITY and CASCADE
        // as options.restartIdentity and options.cascade say (postgres/query-generator.js).
        const Node* opts = arg(call, 2);
        if (opts != nullptr && opts->kind != NodeKind::Object && !sequelize_no_where(opts, e)) {
            b.fail("bulkDelete() options the extractor cannot read (options.truncate sends TRUNCATE)");
        } else if (opts != nullptr && opts->kind == NodeKind::Object && !literal_flag(opts, "truncate").has_value()) {
            b.fail("bulkDelete() with a truncate option the extractor cannot read (true sends TRUNCATE)");
        } else if (opts != nullptr && literal_flag(opts, "truncate").value_or(false)) {
            auto restart = literal_flag(opts, "restartIdentity"), cascade = literal_flag(opts, "cascade");
            if (!restart || !cascade) b.fail("bulkDelete() truncate options the extractor cannot read");
            sql.push_back("TRUNCATE " + t + (restart.value_or(false) ? " RESTART IDENTITY" : "") +
                          (cascade.value_or(false) ? " CASCADE" : ""));
        } else {
            const Node* where = arg(call, 1);
            const Node* value = where != nullptr ? e.literal_of(*where) : nullptr;
            bool listed = value != nullptr && value->kind == NodeKind::Array;  // deleteQuery(): `WHERE 1=1`
            SequelizeWhere w = sequelize_where(where, e);
            if (w == SequelizeWhere::Unresolved) extra_note = k_sequelize_unresolved_where;
            sql.push_back("DELETE FROM " + t + (w == SequelizeWhere::Some ? " WHERE $1" : listed ? " WHERE 1=1" : ""));
        }
    } else if (m == "bulkInsert") {
        sql.push_back("INSERT INTO " + t + " DEFAULT VALUES");
    } else if (m == "bulkUpdate") {
        // QueryInterface.bulkUpdate(table, values, where): updateQuery() adds whereQuery(where),
        // empty for a missing, null or {} where (sequelize/src/dialects/abstract/query-generator.js):
        // then every row is updated.
        const Node* values = arg(call, 1);
        SequelizeWhere w = sequelize_where(arg(call, 2), e);
        bool all = w != SequelizeWhere::Some;
        if (w == SequelizeWhere::Unresolved) extra_note = k_sequelize_unresolved_where;
        std::string set;
        int n = 0;
        if (values != nullptr && values->kind == NodeKind::Object) {
            for (const auto& k : values->keys) {
                if (k == "...") continue;
                set += (set.empty() ? "" : ", ") + quote_ident(k) + " = $" + std::to_string(++n);
            }
        }
        if (set.empty()) set = "\"?\" = $" + std::to_string(++n);
        sql.push_back("UPDATE " + t + " SET " + set + (all ? "" : " WHERE $" + std::to_string(n + 1)));
    } else {
        b.fail("queryInterface." + m + "() is not modelled");
    }
    if (!b.ok) {
        e.unknown(call, index, "queryInterface." + m + "(): " + b.why);
        return true;
    }
    std::vector<std::string> notes = {"Sequelize queryInterface." + m + "(): the SQL its PostgreSQL dialect sends"};
    if (m == "bulkInsert" || m == "bulkUpdate" || m == "bulkDelete") notes.push_back("row values are not shown");
    if (!extra_note.empty()) notes.push_back(extra_note);
    for (const auto& s : b.before) e.generated(call, index, s, notes);
    for (const auto& s : sql) e.generated(call, index, s, notes);
    return true;
}

}  // namespace pgfence::analyze::orm
