// ALTER TABLE t ALTER COLUMN c SET STORAGE PLAIN on a column of an existing table whose type holds
// values of any length (text, varchar, bytea, json, jsonb, xml, arrays, numeric ...): PLAIN forbids
// both compression and out-of-line TOAST storage for the column, so from the commit on every INSERT
// or UPDATE whose row then no longer fits a page fails "row is too big" (checked on PostgreSQL 15:
// a 20000-character text body stored before; after SET STORAGE PLAIN the INSERT of another and the
// UPDATE of the stored one both fail "row is too big: size 20040, maximum size 8160"). MAIN,
// EXTERNAL and EXTENDED keep out-of-line storage: not reported. Quiet for a type of fixed length
// (int4, uuid, timestamptz ...: PLAIN is its only storage) and for short bounded ones (varchar(n),
// char(n) with n <= 255, numeric(p, s), inet, cidr); MEDIUM where the migrations do not show the
// column's type. ADD COLUMN ... STORAGE PLAIN (PostgreSQL 16) of such a type is MEDIUM: the running
// release does not write the new column, the next one's large values fail. ALTER TYPE ... SET
// (STORAGE = plain) of a type that can be toasted is refused by PostgreSQL ("cannot change type's
// storage to PLAIN", checked on 15), so it is not looked at.
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/storage_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_type.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

enum class Size { bounded, unbounded, unknown };

// How long the values of a type (canonical, as the catalog keeps it: "varchar(20)", "int4",
// "text[]") may grow. Fixed-length types (pg_type.typlen > 0) and short bounded ones cannot
// outgrow a page; text, bytea, json, jsonb, xml, tsvector, an array and an unbounded varchar,
// char or numeric can.
Size value_size(std::string type) {
    type = lower(type);
    if (type.ends_with("[]")) return Size::unbounded;
    std::string base = type;
    std::optional<long> length;
    if (const auto paren = type.find('('); paren != std::string::npos) {
        base = type.substr(0, paren);
        length = std::strtol(type.c_str() + paren + 1, nullptr, 10);
    }
    static constexpr std::string_view fixed[] = {
        "int2", "int4", "int8", "smallint", "integer", "int", "bigint", "serial", "bigserial", "smallserial", "serial4",
        "serial8", "serial2", "float4", "float8", "real", "double precision", "bool", "boolean", "date", "time", "timetz",
        "timestamp", "timestamptz", "interval", "uuid", "oid", "money", "char", "\"char\"", "macaddr", "macaddr8",
        "point", "line", "lseg", "box", "circle", "tid", "xid", "xid8", "cid", "pg_lsn", "regclass", "regtype",
        "regproc", "regprocedure", "time without time zone", "time with time zone", "timestamp without time zone",
        "timestamp with time zone", "inet", "cidr"};
    for (std::string_view f : fixed) {
        if (base == f && (f != "char" || length)) return Size::bounded;
    }
    if (base == "varchar" || base == "bpchar" || base == "character varying" || base == "character" || base == "char") {
        return length && *length <= 255 ? Size::bounded : Size::unbounded;
    }
    if (base == "numeric" || base == "decimal") return length ? Size::bounded : Size::unbounded;
    static constexpr std::string_view varlena[] = {"text", "bytea", "json", "jsonb", "xml", "tsvector", "citext",
                                                   "hstore", "tsquery", "jsonpath", "path", "polygon", "varbit",
                                                   "bit varying", "ltree", "geometry", "geography", "vector"};
    for (std::string_view v : varlena) {
        if (base == v) return Size::unbounded;
    }
    return Size::unknown;
}

bool plain(const pg::Node* def) { return pg::is<String>(def) && lower(pg::text(def)) == "plain"; }

void report(const StatementContext& ctx, Sink& sink, const std::string& table, const std::string& column, const std::optional<std::string>& type, bool added) {
    const Size size = type ? value_size(*type) : Size::unknown;
    if (size == Size::bounded) return;
    const std::string what = table + "." + column;
    std::string message = (added ? "ADD COLUMN " + column + " ... STORAGE PLAIN on " + table
                                 : "SET STORAGE PLAIN on " + what) +
                          ": PLAIN forbids compressing the column's values and storing them out of line (TOAST), so ";
    if (size == Size::unknown) {
        message += "when " + column + "'s type holds values of any length (" +
                   (type ? "pgfence does not know how long " + *type + "'s values grow"
                         : std::string("pgfence does not know the column's type")) +
                   "; text, bytea, json, jsonb and arrays do), ";
    }
    message += std::string(added ? "each later INSERT or UPDATE" : "from the moment it commits each INSERT or UPDATE of the application") +
               " that writes a value making the row larger than a page (about 8 kB) fails \"row is too big\"" +
               (added ? std::string() : ", an UPDATE of a row stored fine before included") + ", with no lock to show it";
    Finding& f = sink.add(ctx.statement, message);
    if (size == Size::unknown || added) f.risk = Risk::Medium;
    f.relation = table;
    f.fix = "keep the column's storage EXTENDED (the default), or MAIN (compressed, moved out of line only when the row "
            "cannot fit otherwise); PLAIN is for types of fixed length";
}

// Each subcommand of an ALTER TABLE of a table the migration did not create (the finding is
// about that subcommand: schema::each_alter_cmd says which).
void check(const StatementContext& ctx, Sink& sink) {
    schema::each_alter_cmd(ctx, schema::TableEffectNeeded::none, [&](const schema::AlteredTable& altered, const AlterTableCmd* cmd) {
        const std::string& table = altered.table;
        if (cmd->subtype == AT_SetStorage && cmd->name != nullptr && plain(cmd->def)) {
            const std::string column = quote_ident(pg::text(cmd->name));
            report(ctx, sink, table, column, read_storage_note(ctx.statement, table, column), false);
            return;
        }
        const auto* def = pg::as<ColumnDef>(cmd->def);
        if (cmd->subtype != AT_AddColumn || def == nullptr || def->storage_name == nullptr ||
            lower(def->storage_name) != "plain") {
            return;
        }
        std::optional<std::string> type;
        for (const ColumnType& c : column_types(ctx)) {
            if (c.column == pg::text(def->colname) && c.action == "ADD COLUMN") type = c.type;
        }
        report(ctx, sink, table, quote_ident(pg::text(def->colname)), type, true);
    });
}

}  // namespace

PGFENCE_RULE(set_storage_plain) {
    return Rule{"set-storage-plain", Risk::High,
                "ALTER COLUMN ... SET STORAGE PLAIN on a column of text, bytea, json or an array: every write of a value "
                "that no longer fits a page fails \"row is too big\"",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
