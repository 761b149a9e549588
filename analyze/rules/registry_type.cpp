#include "analyze/rules/registry_type.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::rules {

namespace {

// Positions of byte offsets inside the statement's own text (columns count code points). The
// columns of one statement are asked for in order, so each look-up goes on from the last one:
// a CREATE TABLE or ALTER TABLE of n columns costs its length once, not n times.
class PositionCursor {
public:
    explicit PositionCursor(const StatementFacts& s) : m_s(s), m_p(s.span.start) {}

    Position at(std::size_t offset) {
        if (offset < m_offset) {
            m_offset = 0;
            m_p = m_s.span.start;
        }
        for (; m_offset < offset && m_offset < m_s.sql.size(); ++m_offset) {
            auto c = static_cast<unsigned char>(m_s.sql[m_offset]);
            if (c == '\n') {
                ++m_p.line;
                m_p.column = 1;
            } else if ((c & 0xC0) != 0x80) {
                ++m_p.column;
            }
        }
        return m_p;
    }

private:
    const StatementFacts& m_s;
    std::size_t m_offset = 0;
    Position m_p;
};

// Byte offset of the last character of the definition starting at `from`: its last token
// before the next top-level ',' or the ')' that closes the column list.
std::size_t definition_end(std::string_view sql, std::size_t from) {
    int depth = 0;
    std::size_t last = from;
    Tokenizer tokens(sql, from);
    for (Token t; tokens.next(t);) {
        if (t.is_comment()) continue;
        if (t.is_symbol(sql, '(')) ++depth;
        if (t.is_symbol(sql, ')') && depth-- == 0) break;
        if (t.is_symbol(sql, ',') && depth == 0) break;
        last = t.end - 1;
    }
    return last;
}

const std::set<std::string>& serial_names() {
    static const std::set<std::string> k_names = {"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"};
    return k_names;
}

// The type as the user would recognise it: "integer" for pg_catalog.int4, "serial" as written.
std::string written_type(const TypeName* type_name, const std::string& canonical) {
    static const std::map<std::string, std::string> k_sql_names = {
        {"int4", "integer"}, {"int2", "smallint"}, {"int8", "bigint"}, {"bpchar", "char"},
        {"bool", "boolean"}, {"float4", "real"}, {"float8", "double precision"}};
    const List* names = type_name->names;
    if (pg::length(names) == 0) return canonical;
    std::string last(pg::last_name(names));
    if (pg::length(names) == 1 && serial_names().count(last) > 0) return last;
    auto it = k_sql_names.find(last);
    std::string out = it == k_sql_names.end() ? last : it->second;
    auto open = canonical.find('(');
    if (open != std::string::npos) out += canonical.substr(open, canonical.find(')', open) - open + 1);
    if (pg::length(type_name->arrayBounds) > 0) out += "[]";
    return out;
}

std::vector<std::string> string_list(const List* names) {
    std::vector<std::string> out;
    for (const String* n : pg::each<String>(names)) out.emplace_back(pg::text(n->sval));
    return out;
}

// Columns a table-level PRIMARY KEY or FOREIGN KEY constraint names. The parts of a composite
// primary key (tenant, position, version) are not generated values, so only a single-column one counts.
void note_keys(const Constraint* con, std::map<std::string, std::string>& keys) {
    if (con == nullptr) return;
    if (con->contype == CONSTR_PRIMARY) {
        auto columns = string_list(con->keys);
        if (columns.size() == 1) keys.emplace(columns.front(), "primary key");
    } else if (con->contype == CONSTR_FOREIGN) {
        for (const auto& c : string_list(con->fk_attrs)) keys.emplace(c, "foreign key");
    }
}

std::string key_of(const ColumnDef* def, const std::string& name, bool serial,
                   const std::map<std::string, std::string>& keys) {
    for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
        if (con->contype == CONSTR_PRIMARY) return "primary key";
        if (con->contype == CONSTR_FOREIGN) return "foreign key";
        if (con->contype == CONSTR_IDENTITY) return "identity";
    }
    if (auto it = keys.find(name); it != keys.end()) return it->second;
    if (serial) return "serial";
    if (name == "id" || (name.size() > 3 && name.ends_with("_id"))) return "named like an id";
    return {};
}

ColumnType make_column(const StatementContext& ctx, PositionCursor& positions, const std::string& table,
                       const std::string& name, const ColumnDef* def, const std::string& action,
                       const std::map<std::string, std::string>& keys) {
    const TypeName* type_name = def->typeName;
    ColumnType c;
    c.table = table;
    c.column = name;
    c.type = canonical_type(type_name);
    c.base = type_base(c.type);
    c.written = written_type(type_name, c.type);
    c.array = pg::length(type_name->arrayBounds) > 0;
    std::vector<std::string> parts = string_list(type_name->names);
    c.serial = parts.size() == 1 && serial_names().count(parts[0]) > 0;
    // A quoted "char" is PostgreSQL's internal one-byte type, not char(n).
    if (parts.size() == 1 && parts[0] == "char") c.base = "\"char\"";
    c.key = key_of(def, name, c.serial, keys);
    c.action = action;
    int location = def->location;
    std::size_t at = location >= 0 ? static_cast<std::size_t>(location) : 0;
    c.start = location >= 0 ? positions.at(at) : ctx.statement.span.start;
    c.stop = location >= 0 ? positions.at(definition_end(ctx.statement.sql, at)) : ctx.statement.span.stop;
    return c;
}

}  // namespace

const std::vector<ColumnType>& column_types(const StatementContext& ctx) {
    // Seven rules ask about the same statement: its columns are decoded once, kept with the
    // statement's context.
    if (ctx.columns) return *ctx.columns;
    auto decoded = std::make_shared<std::vector<ColumnType>>();
    std::vector<ColumnType>& out = *decoded;
    const StatementFacts& s = ctx.statement;
    PositionCursor positions(s);
    if (const auto* create = ctx.as<CreateStmt>()) {
        std::string table = pg::display_name(create->relation);
        std::map<std::string, std::string> keys;
        for (const Constraint* con : pg::each<Constraint>(create->tableElts)) note_keys(con, keys);
        for (const ColumnDef* def : pg::each<ColumnDef>(create->tableElts)) {
            if (def->typeName == nullptr) continue;  // PARTITION OF / OF type: options only
            out.push_back(make_column(ctx, positions, table, std::string(pg::text(def->colname)), def, "CREATE TABLE", keys));
        }
    } else if (const auto* alter = ctx.as<AlterTableStmt>(); alter != nullptr && alter->objtype == OBJECT_TABLE) {
        const std::string& table = ctx.display_name(alter->relation);
        std::map<std::string, std::string> keys;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype == AT_AddConstraint) note_keys(pg::as<Constraint>(cmd->def), keys);
        }
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            if (def == nullptr || def->typeName == nullptr) continue;
            if (cmd->subtype == AT_AddColumn) {
                out.push_back(make_column(ctx, positions, table, std::string(pg::text(def->colname)), def, "ADD COLUMN", keys));
            } else if (cmd->subtype == AT_AlterColumnType) {
                out.push_back(make_column(ctx, positions, table, std::string(pg::text(cmd->name)), def, "ALTER COLUMN TYPE", keys));
            }
        }
    }
    ctx.columns = std::move(decoded);
    return *ctx.columns;
}

Finding& add_column_finding(Sink& sink, const StatementContext& ctx, const ColumnType& column, std::string message) {
    Finding& f = sink.add(ctx.statement, std::move(message));
    f.start = column.start;
    f.stop = column.stop;
    f.relation = column.table;
    return f;
}

std::string column_name(const ColumnType& column) {
    return column.table + "." + quote_ident(column.column);
}

}  // namespace pgfence::analyze::rules
