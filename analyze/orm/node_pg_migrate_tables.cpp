// node-pg-migrate 7's table operations read as the SQL they send, when every name, column and
// option is a literal (or a `const` of one). Each function follows the file of
// node-pg-migrate@7.9.1 dist/ it names; what is not followed (a variable, a spread, a computed
// key, an option not read here, a type that may be a shorthand) is said in `why` and the call is
// reported unknown at its line.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <vector>

#include "analyze/orm/node_pg_migrate.hpp"

namespace pgfence::analyze::orm {
namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A column type node-pg-migrate writes as given: applyType (dist/utils/types.js) replaces a type
// named in the type shorthands (`id`, and any a migration's `exports.shorthands` adds for the
// migrations after it, dist/runner.js) and the adapters int, string, float, double, datetime,
// bool. Read: a type whose first word is one built into PostgreSQL; `id` and any other name (an
// enum, a domain, or a shorthand of another file) are not.
std::optional<std::string> column_type(const std::string& type) {
    static const std::array<std::string_view, 6 * 2> k_adapters = {"int", "integer", "string", "text", "float", "real",
                                                                   "double", "double precision", "datetime", "timestamp", "bool", "boolean"};
    for (std::size_t i = 0; i < k_adapters.size(); i += 2) {
        if (type == k_adapters[i]) return std::string(k_adapters[i + 1]);
    }
    static const std::array<std::string_view, 52> k_builtin = {
        "bigint", "int8", "bigserial", "serial8", "bit", "varbit", "boolean", "bool", "box", "bytea", "character", "char",
        "varchar", "cidr", "circle", "date", "double", "float8", "float4", "float", "inet", "integer", "int", "int4", "int2",
        "interval", "json", "jsonb", "line", "lseg", "macaddr", "macaddr8", "money", "numeric", "decimal", "path", "pg_lsn",
        "point", "polygon", "real", "smallint", "smallserial", "serial2", "serial", "serial4", "text", "time", "timetz",
        "timestamp", "timestamptz", "tsvector", "uuid"};
    const std::string base = lower(type.substr(0, type.find_first_of(" ([")));
    if (std::find(k_builtin.begin(), k_builtin.end(), base) == k_builtin.end()) return std::nullopt;
    for (char c : type) {
        if (static_cast<unsigned char>(c) < 0x20 || c == ';') return std::nullopt;
    }
    return type;
}

// A type no shorthand replaces, when no migration of the folder defines any: applyType
// (dist/utils.js, 6.2.2) replaces only the default `id` and looks names up on a plain object, so
// one of Object.prototype's (`constructor`, `toString`, ...) is found there too; createTable
// writes the rest after the column's name as given. Read: a name, a schema-qualified name, `[]`.
std::optional<std::string> type_as_written(const std::string& type) {
    static const std::array<std::string_view, 13> k_object = {"id", "constructor", "__proto__", "hasOwnProperty", "isPrototypeOf",
                                                              "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
                                                              "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"};
    if (std::find(k_object.begin(), k_object.end(), type) != k_object.end()) return std::nullopt;
    std::string_view rest = type;
    if (rest.ends_with("[]")) rest.remove_suffix(2);
    bool start = true;
    for (char c : rest) {
        const bool letter = (c >= 'a' && c <= 'z') || c == '_';
        if (start ? !letter : !(letter || (c >= '0' && c <= '9') || c == '.')) return std::nullopt;
        start = c == '.';
    }
    if (rest.empty() || start || rest.find('.') != rest.rfind('.')) return std::nullopt;
    return type;
}

// dist/utils/formatLines.js: each line's line breaks made one space, the lines joined by ",\n",
// `prefix` before each.
std::string format_lines(const std::vector<std::string>& lines, const std::string& prefix) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += (i == 0 ? "" : ",\n") + prefix;
        bool in_break = false;
        for (char c : lines[i]) {
            const bool brk = c == '\n' || c == '\r';
            if (brk && !in_break) out += ' ';
            if (!brk) out += c;
            in_break = brk;
        }
    }
    return out;
}

class Reader {
public:
    Reader(const Node& call, Emitter& e, std::string& why) : m_call(call), m_e(e), m_why(why) {}

    bool fail(std::string why) {
        if (m_why.empty()) m_why = std::move(why);
        return false;
    }
    std::string none(std::string why) {
        fail(std::move(why));
        return {};
    }

    // An object argument or option: the literal, or a const of one; keys only from `allowed`.
    const Node* object(const Node* n, std::string_view what, std::initializer_list<std::string_view> allowed) {
        const Node* o = n == nullptr ? nullptr : m_e.literal_of(*n);
        if (o == nullptr || o->kind != NodeKind::Object) {
            fail(std::string(what) + " is not an object literal");
            return nullptr;
        }
        std::set<std::string_view> seen;
        for (const auto& k : o->keys) {
            if (k == "..." || k.starts_with("[computed]")) {
                fail(std::string(what) + " has a spread or a computed key");
                return nullptr;
            }
            // Object.keys' order and set: a key given twice keeps its first place, __proto__ is
            // no key, an integer key comes first.
            const bool integer = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
            if (integer || k == "__proto__" || !seen.insert(k).second) {
                fail(std::string(what) + " has the key `" + k + "`" +
                     (integer ? ", an integer, which JavaScript puts first" : k == "__proto__" ? ", which is no key" : " twice"));
                return nullptr;
            }
            if (allowed.size() != 0 && std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
                fail("option `" + k + "` of " + std::string(what) + " is not read");
                return nullptr;
            }
        }
        return o;
    }

    std::optional<bool> flag(const Node* o, std::string_view key) {
        auto f = literal_flag(o, key);
        if (!f) fail("`" + std::string(key) + "` is not true or false");
        return f;
    }

    // A string option: "" when absent (or undefined, null, false: the operations test it as
    // truthy); nullopt when not a literal.
    std::optional<std::string> text(const Node* o, std::string_view key) {
        const Node* v = o == nullptr ? nullptr : property(*o, key);
        if (v == nullptr || (v->kind == NodeKind::Ident && (v->name == "undefined" || v->name == "null" || v->name == "false"))) {
            return std::string();
        }
        auto s = m_e.string_of(*v);
        if (!s) fail("`" + std::string(key) + "` is not a string literal");
        return s;
    }

    std::optional<std::string> name(const std::string& n, std::string_view what) {
        auto q = npgm_quoted(n);
        if (!q) fail(std::string(what) + " `" + n + "` is empty or has a capital or a double quote (the decamelize setting, quoting)");
        return q;
    }

    std::optional<std::string> name_of(const Node* n, std::string_view what) {
        auto s = n == nullptr ? std::nullopt : m_e.string_of(*n);
        if (!s) {
            fail(std::string(what) + " is not a string literal");
            return std::nullopt;
        }
        return name(*s, what);
    }

    // A string or an array of strings (dist/utils/toArray.js).
    std::optional<std::vector<std::string>> strings(const Node* n, std::string_view what) {
        std::vector<std::string> out;
        if (n != nullptr) {
            if (auto s = m_e.string_of(*n)) return std::vector<std::string>{*s};
            const Node* a = m_e.literal_of(*n);
            if (a != nullptr && a->kind == NodeKind::Array && !a->kids.empty()) {
                for (const Node& k : a->kids) {
                    auto s = m_e.string_of(k);
                    if (!s) break;
                    out.push_back(*s);
                }
                if (out.size() == a->kids.size()) return out;
            }
        }
        fail(std::string(what) + " is not a string or an array of strings");
        return std::nullopt;
    }

    // dist/utils/escapeValue.js: null, a boolean, a number, a string in $pga$ quotes, a
    // pgm.func('...') (a PgLiteral, dist/migrationBuilder.js: its text as written).
    std::optional<std::string> value(const Node& v) {
        if (v.kind == NodeKind::Ident && (v.name == "null" || v.name == "true" || v.name == "false")) {
            return v.name == "null" ? "NULL" : v.name;
        }
        if (auto n = m_e.number_of(v)) return n;
        if (auto s = m_e.string_of(v)) {
            // StringIdGenerator picks $pgb$ and on when the text holds $pga$: not followed.
            if (s->find("$pga$") == std::string::npos) return "$pga$" + *s + "$pga$";
        }
        const Node& runner = m_call.kids[0].kids[0];
        if (v.kind == NodeKind::Call && v.kids.size() == 2 && v.kids[0].kind == NodeKind::Member && v.kids[0].name == "func" &&
            !v.kids[0].kids.empty() && v.kids[0].kids[0].kind == NodeKind::Ident && v.kids[0].kids[0].name == runner.name) {
            if (auto s = m_e.string_of(v.kids[1])) {
                m_e.read_inside(v);
                return s;
            }
        }
        fail("the default `" + m_e.source(v) + "` is not a literal or a pgm.func('...')");
        return std::nullopt;
    }

    // dist/operations/tables/shared.js parseReferences.
    std::optional<std::string> references(const Node* o) {
        auto to = text(o, "references");
        auto match = text(o, "match"), on_delete = text(o, "onDelete"), on_update = text(o, "onUpdate");
        if (!to || !match || !on_delete || !on_update) return std::nullopt;
        std::string out = "REFERENCES ";
        if (to->starts_with('"') || to->ends_with(')')) {
            out += *to;
        } else {
            auto q = name(*to, "the referenced table");
            if (!q) return std::nullopt;
            out += *q;
        }
        if (!match->empty()) out += " MATCH " + *match;
        if (!on_delete->empty()) out += " ON DELETE " + *on_delete;
        if (!on_update->empty()) out += " ON UPDATE " + *on_update;
        return out;
    }

    // dist/operations/tables/shared.js parseColumns: the column lines, and the names of the
    // primary key columns when there are more than one (their PRIMARY KEY left out).
    bool columns(const Node* given, std::vector<std::string>& lines, std::vector<std::string>& primary) {
        const Node* o = object(given, "the columns", {});
        if (o == nullptr) return false;
        if (o->keys.empty()) return fail("no columns");
        struct Column {
            std::string name, type;
            const Node* opts;
            bool primary;
        };
        std::vector<Column> cols;
        for (std::size_t i = 0; i < o->keys.size(); ++i) {
            const std::string& key = o->keys[i];
            Column c{key, {}, nullptr, false};
            std::optional<std::string> type = m_e.string_of(o->kids[i]);
            if (!type) {
                c.opts = object(&o->kids[i], "column `" + key + "`",
                                {"type", "notNull", "default", "primaryKey", "unique", "references", "referencesConstraintName", "onDelete",
                                 "onUpdate", "match", "check", "collation", "deferrable", "deferred", "expressionGenerated"});
                if (c.opts == nullptr) return false;
                const Node* t = property(*c.opts, "type");
                type = t == nullptr ? std::nullopt : m_e.string_of(*t);
                if (!type) return fail("the type of column `" + key + "` is not a string literal");
                auto pk = flag(c.opts, "primaryKey");
                if (!pk) return false;
                c.primary = *pk;
            }
            auto t = column_type(*type);
            if (!t && m_e.npgm_types_as_written) t = type_as_written(*type);
            if (!t) {
                return fail("the type `" + *type + "` of column `" + key +
                            "` is not one built into PostgreSQL: it may be a type shorthand (exports.shorthands)");
            }
            c.type = *t;
            if (c.primary) primary.push_back(key);
            cols.push_back(std::move(c));
        }
        if (primary.size() < 2) primary.clear();
        for (const Column& c : cols) {
            auto col = name(c.name, "the column");
            if (!col) return false;
            std::string line = *col + " " + c.type;
            if (c.opts != nullptr) {
                auto collation = text(c.opts, "collation"), check = text(c.opts, "check"), fk = text(c.opts, "references"),
                     fk_name = text(c.opts, "referencesConstraintName");
                auto unique = flag(c.opts, "unique"), not_null = flag(c.opts, "notNull"), deferrable = flag(c.opts, "deferrable"),
                     deferred = flag(c.opts, "deferred");
                if (!collation || !check || !fk || !fk_name || !unique || !not_null || !deferrable || !deferred) return false;
                if (!collation->empty()) line += " COLLATE " + *collation;
                if (const Node* d = property(*c.opts, "default"); d != nullptr && !(d->kind == NodeKind::Ident && d->name == "undefined")) {
                    auto v = value(*d);
                    if (!v) return false;
                    line += " DEFAULT " + *v;
                }
                if (*unique) line += " UNIQUE";
                if (c.primary && primary.empty()) line += " PRIMARY KEY";
                if (*not_null) line += " NOT NULL";
                if (!check->empty()) line += " CHECK (" + *check + ")";
                if (!fk->empty()) {
                    if (!fk_name->empty()) {
                        auto q = name(*fk_name, "the constraint");
                        if (!q) return false;
                        line += " CONSTRAINT " + *q;
                    }
                    auto r = references(c.opts);
                    if (!r) return false;
                    line += " " + *r;
                }
                if (*deferrable) line += std::string(" DEFERRABLE INITIALLY ") + (*deferred ? "DEFERRED" : "IMMEDIATE");
                auto generated = text(c.opts, "expressionGenerated");
                if (!generated) return false;
                if (!generated->empty()) line += " GENERATED ALWAYS AS (" + *generated + ") STORED";
            }
            lines.push_back(std::move(line));
        }
        return true;
    }

    // dist/operations/tables/shared.js parseConstraints: CONSTRAINT lines; `option_name` names
    // each ("" : the names it makes from the table and columns).
    bool constraints(const Node* o, const std::string& table, const std::string& option_name, std::vector<std::string>& out) {
        auto named = [&](const std::string& made) { return name(option_name.empty() ? made : option_name, "the constraint"); };
        auto columns_of = [&](const std::vector<std::string>& cols, std::string& joined) -> std::optional<std::string> {
            std::string list;
            for (const auto& c : cols) {
                auto q = name(c, "the column");
                if (!q) return std::nullopt;
                list += (list.empty() ? "" : ", ") + *q;
                joined += (joined.empty() ? "" : "_") + c;
            }
            return list;
        };
        if (const Node* check = property(*o, "check"); check != nullptr) {
            auto checks = strings(check, "`check`");
            if (!checks) return false;
            const bool many = !m_e.string_of(*check);
            for (std::size_t i = 0; i < checks->size(); ++i) {
                auto n = named(table + "_chck" + (many ? "_" + std::to_string(i + 1) : ""));
                if (!n) return false;
                out.push_back("CONSTRAINT " + *n + " CHECK (" + (*checks)[i] + ")");
            }
        }
        if (const Node* unique = property(*o, "unique"); unique != nullptr) {
            std::vector<std::vector<std::string>> sets;
            const Node* a = m_e.string_of(*unique) ? nullptr : m_e.literal_of(*unique);
            bool nested = false;
            if (a != nullptr && a->kind == NodeKind::Array) {
                for (const Node& k : a->kids) {
                    const Node* set = m_e.literal_of(k);
                    nested = nested || (set != nullptr && set->kind == NodeKind::Array);
                }
            }
            if (nested) {
                for (const Node& k : a->kids) {
                    auto set = strings(&k, "`unique`");
                    if (!set) return false;
                    sets.push_back(*set);
                }
            } else {
                auto set = strings(unique, "`unique`");
                if (!set) return false;
                sets.push_back(*set);
            }
            for (const auto& set : sets) {
                std::string joined;
                auto list = columns_of(set, joined);
                auto n = list ? named(table + "_uniq_" + joined) : std::nullopt;
                if (!n) return false;
                out.push_back("CONSTRAINT " + *n + " UNIQUE (" + *list + ")");
            }
        }
        if (const Node* pk = property(*o, "primaryKey"); pk != nullptr) {
            auto cols = strings(pk, "`primaryKey`");
            std::string joined;
            auto list = cols ? columns_of(*cols, joined) : std::nullopt;
            auto n = list ? named(table + "_pkey") : std::nullopt;
            if (!n) return false;
            out.push_back("CONSTRAINT " + *n + " PRIMARY KEY (" + *list + ")");
        }
        if (const Node* fks = property(*o, "foreignKeys"); fks != nullptr) {
            std::vector<const Node*> each;
            const Node* a = m_e.literal_of(*fks);
            if (a != nullptr && a->kind == NodeKind::Array) {
                for (const Node& k : a->kids) each.push_back(&k);
            } else {
                each.push_back(fks);
            }
            for (const Node* k : each) {
                const Node* fk = object(k, "a foreign key", {"columns", "references", "referencesConstraintName", "onDelete", "onUpdate", "match"});
                if (fk == nullptr) return false;
                auto cols = strings(property(*fk, "columns"), "the foreign key's `columns`");
                auto fk_name = text(fk, "referencesConstraintName");
                std::string joined;
                auto list = cols ? columns_of(*cols, joined) : std::nullopt;
                if (!list || !fk_name) return false;
                auto n = name(!fk_name->empty() ? *fk_name : !option_name.empty() ? option_name : table + "_fk_" + joined, "the constraint");
                auto r = n ? references(fk) : std::nullopt;
                if (!r) return false;
                out.push_back("CONSTRAINT " + *n + " FOREIGN KEY (" + *list + ") " + *r);
            }
        }
        auto exclude = text(o, "exclude");
        auto deferrable = flag(o, "deferrable"), deferred = flag(o, "deferred");
        if (!exclude || !deferrable || !deferred) return false;
        if (!exclude->empty()) {
            auto n = named(table + "_excl");
            if (!n) return false;
            out.push_back("CONSTRAINT " + *n + " EXCLUDE " + *exclude);
        }
        if (*deferrable) {
            for (auto& c : out) c += std::string(" DEFERRABLE INITIALLY ") + (*deferred ? "DEFERRED" : "IMMEDIATE");
        }
        return true;
    }

    // The table argument: a string literal (an object {schema, name} is not read).
    std::optional<std::string> table(std::string& bare) {
        auto s = arg(m_call, 0) == nullptr ? std::nullopt : m_e.string_of(*arg(m_call, 0));
        if (!s) {
            fail("the table is not a string literal");
            return std::nullopt;
        }
        bare = *s;
        return name(*s, "the table");
    }

private:
    const Node& m_call;
    Emitter& m_e;
    std::string& m_why;
};

const std::initializer_list<std::string_view> k_constraint_keys = {"check", "unique", "primaryKey", "foreignKeys", "exclude", "deferrable", "deferred"};

// dist/operations/tables/createTable.js
std::string create_table(const Node& call, Reader& r) {
    if (arg_count(call) != 2 && arg_count(call) != 3) return r.none("not called with a table, its columns and options");
    const Node* opts = arg(call, 2) == nullptr ? nullptr : r.object(arg(call, 2), "the options", {"temporary", "ifNotExists", "constraints"});
    if (arg(call, 2) != nullptr && opts == nullptr) return {};
    std::string bare;
    auto table = r.table(bare);
    auto temporary = r.flag(opts, "temporary"), if_not_exists = r.flag(opts, "ifNotExists");
    std::vector<std::string> lines, primary;
    if (!table || !temporary || !if_not_exists || !r.columns(arg(call, 1), lines, primary)) return {};
    if (!primary.empty()) {
        // parseColumns hands the several primary key columns to parseConstraints as one constraint.
        std::string list;
        for (const auto& c : primary) list += (list.empty() ? "" : ", ") + *npgm_quoted(c);
        auto n = r.name(bare + "_pkey", "the constraint");
        if (!n) return {};
        lines.push_back("CONSTRAINT " + *n + " PRIMARY KEY (" + list + ")");
    }
    if (const Node* c = opts == nullptr ? nullptr : property(*opts, "constraints"); c != nullptr) {
        const Node* o = r.object(c, "`constraints`", k_constraint_keys);
        if (o == nullptr) return {};
        if (!primary.empty() && property(*o, "primaryKey") != nullptr) return r.none("two primary keys (node-pg-migrate throws)");
        if (!r.constraints(o, bare, "", lines)) return {};
    }
    return std::string("CREATE") + (*temporary ? " TEMPORARY" : "") + " TABLE" + (*if_not_exists ? " IF NOT EXISTS" : "") + " " + *table +
           " (\n" + format_lines(lines, "  ") + "\n);";
}

// dist/operations/tables/addColumns.js (parseColumns' constraint of several primary key columns
// is dropped there).
std::string add_columns(const Node& call, Reader& r) {
    if (arg_count(call) != 2 && arg_count(call) != 3) return r.none("not called with a table, its columns and options");
    const Node* opts = arg(call, 2) == nullptr ? nullptr : r.object(arg(call, 2), "the options", {"ifNotExists"});
    if (arg(call, 2) != nullptr && opts == nullptr) return {};
    std::string bare;
    auto table = r.table(bare);
    auto if_not_exists = r.flag(opts, "ifNotExists");
    std::vector<std::string> lines, primary;
    if (!table || !if_not_exists || !r.columns(arg(call, 1), lines, primary)) return {};
    return "ALTER TABLE " + *table + "\n" + format_lines(lines, std::string("  ADD ") + (*if_not_exists ? "IF NOT EXISTS " : "")) + ";";
}

// dist/operations/tables/alterColumn.js
std::string alter_column(const Node& call, Reader& r) {
    if (arg_count(call) != 3) return r.none("not called with a table, a column and options");
    std::string bare;
    auto table = r.table(bare);
    auto column = r.name_of(arg(call, 1), "the column");
    const Node* opts = r.object(arg(call, 2), "the options", {"default", "type", "collation", "using", "notNull", "allowNull"});
    if (!table || !column || opts == nullptr) return {};
    std::vector<std::string> actions;
    if (const Node* d = property(*opts, "default"); d != nullptr && !(d->kind == NodeKind::Ident && d->name == "undefined")) {
        if (d->kind == NodeKind::Ident && d->name == "null") {
            actions.push_back("DROP DEFAULT");
        } else {
            auto v = r.value(*d);
            if (!v) return {};
            actions.push_back("SET DEFAULT " + *v);
        }
    }
    auto type = r.text(opts, "type"), collation = r.text(opts, "collation"), use = r.text(opts, "using");
    auto not_null = r.flag(opts, "notNull"), allow_null = r.flag(opts, "allowNull");
    if (!type || !collation || !use || !not_null || !allow_null) return {};
    if (!type->empty()) {
        // applyTypeAdapters only: no shorthand here.
        static const std::array<std::pair<std::string_view, std::string_view>, 6> k_adapters = {
            {{"int", "integer"}, {"string", "text"}, {"float", "real"}, {"double", "double precision"}, {"datetime", "timestamp"}, {"bool", "boolean"}}};
        std::string t = *type;
        for (const auto& [from, to] : k_adapters) {
            if (t == from) t = to;
        }
        actions.push_back("SET DATA TYPE " + t + (collation->empty() ? "" : " COLLATE " + *collation) + (use->empty() ? "" : " USING " + *use));
    }
    const Node* nn = property(*opts, "notNull");
    if (*not_null) {
        actions.push_back("SET NOT NULL");
    } else if ((nn != nullptr && nn->kind == NodeKind::Ident && nn->name == "false") || *allow_null) {
        actions.push_back("DROP NOT NULL");
    }
    if (actions.empty()) return r.none("the options change nothing");
    return "ALTER TABLE " + *table + "\n" + format_lines(actions, "  ALTER " + *column + " ") + ";";
}

// dist/operations/tables/addConstraint.js: an SQL expression or parseConstraints' options.
std::string add_constraint(const Node& call, Reader& r, Emitter& e) {
    if (arg_count(call) != 3) return r.none("not called with a table, a constraint name and its definition");
    std::string bare;
    auto table = r.table(bare);
    if (!table) return {};
    const Node* name_arg = arg(call, 1);
    std::string name;
    if (!(name_arg->kind == NodeKind::Ident && name_arg->name == "null")) {
        auto s = e.string_of(*name_arg);
        if (!s) return r.none("the constraint name is not a string literal");
        name = *s;
    }
    std::vector<std::string> lines;
    if (auto expression = e.string_of(*arg(call, 2))) {
        std::string prefix;
        if (!name.empty()) {
            auto q = r.name(name, "the constraint");
            if (!q) return {};
            prefix = "CONSTRAINT " + *q + " ";
        }
        lines.push_back(prefix + *expression);
    } else {
        const Node* o = r.object(arg(call, 2), "the constraint", k_constraint_keys);
        if (o == nullptr || !r.constraints(o, bare, name, lines)) return {};
        if (lines.empty()) return r.none("the constraint defines nothing");
    }
    return "ALTER TABLE " + *table + "\n" + format_lines(lines, "  ADD ") + ";";
}

}  // namespace

std::optional<std::string> npgm_quoted(const std::string& name) {
    if (name.empty()) return std::nullopt;
    for (char c : name) {
        if (c == '"' || std::isupper(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    }
    return "\"" + name + "\"";
}

bool npgm_table_operation(const std::string& op, const Node& call, Emitter& e, std::string& sql, std::string& why) {
    Reader r(call, e, why);
    if (op == "createTable") {
        sql = create_table(call, r);
    } else if (op == "addColumns" || op == "addColumn") {  // addColumn: dist/migrationBuilder.js
        sql = add_columns(call, r);
    } else if (op == "alterColumn") {
        sql = alter_column(call, r);
    } else if (op == "addConstraint" || op == "createConstraint") {  // createConstraint: dist/migrationBuilder.js
        sql = add_constraint(call, r, e);
    } else if (op == "dropConstraint") {
        // dist/operations/tables/dropConstraint.js: ALTER TABLE t DROP CONSTRAINT${ifExists} name${cascade};
        if (arg_count(call) != 2 && arg_count(call) != 3) return r.fail("not called with a table, a name and options") || true;
        const Node* opts = arg(call, 2) == nullptr ? nullptr : r.object(arg(call, 2), "the options", {"ifExists", "cascade"});
        std::string bare;
        auto table = r.table(bare);
        auto name = r.name_of(arg(call, 1), "the constraint");
        auto if_exists = r.flag(opts, "ifExists"), cascade = r.flag(opts, "cascade");
        if ((arg(call, 2) != nullptr && opts == nullptr) || !table || !name || !if_exists || !cascade) return true;
        sql = "ALTER TABLE " + *table + " DROP CONSTRAINT" + (*if_exists ? " IF EXISTS" : "") + " " + *name + (*cascade ? " CASCADE" : "") + ";";
    } else if (op == "createType") {
        // dist/operations/types.js createType (6.2.2; 7's is the same): an array of values is an
        // enum, `CREATE TYPE ${literal(name)} AS ENUM (${values.map(escapeValue).join(', ')});`.
        // A composite type (an object of attributes) is not read here.
        if (arg_count(call) != 2) return r.fail("not called with a name and the enum's values") || true;
        auto name = r.name_of(arg(call, 0), "the type");
        const Node* a = e.literal_of(*arg(call, 1));
        if (a == nullptr || a->kind != NodeKind::Array || a->kids.empty()) return r.fail("the values are not an array literal") || true;
        std::string values;
        for (const Node& k : a->kids) {
            if (!e.string_of(k)) return r.fail("a value is not a string literal") || true;
            auto v = r.value(k);
            if (!v) return true;
            values += (values.empty() ? "" : ", ") + *v;
        }
        if (name) sql = "CREATE TYPE " + *name + " AS ENUM (" + values + ");";
    } else if (op == "renameTable") {
        // dist/operations/tables/renameTable.js: ALTER TABLE t RENAME TO new;
        if (arg_count(call) != 2) return r.fail("not called with a table and its new name") || true;
        std::string bare;
        auto table = r.table(bare);
        auto to = r.name_of(arg(call, 1), "the new name");
        if (table && to) sql = "ALTER TABLE " + *table + " RENAME TO " + *to + ";";
    } else {
        return false;
    }
    if (sql.empty() && why.empty()) why = "an argument is not read";
    return true;
}

}  // namespace pgfence::analyze::orm
