// ALTER TYPE t ADD ATTRIBUTE / DROP ATTRIBUTE on a composite type that columns of existing tables
// have (the model's note, analyze/model/typed_tables.hpp note_composite_columns). PostgreSQL
// changes the values of those columns in place, with no lock on their tables and no rewrite
// (checked on PostgreSQL 15: ALTER TYPE addr ADD ATTRIBUTE zip text locks only the type; the
// table's relfilenode stays). After ADD ATTRIBUTE, each stored value reads with one more (NULL)
// field, and the application's writes that give the value with the old number of fields fail
// ('(1,2)' "malformed record literal ... Too few columns", ROW(1, 2) "Input has too few
// columns"). DROP ATTRIBUTE removes that field's data from every row of every such column, even
// without CASCADE. RENAME ATTRIBUTE breaks the reads of the field by its old name (renamed below).
// ALTER ATTRIBUTE ... TYPE is refused while a column has the type ("cannot alter type addr because
// column people.home uses it", PostgreSQL 15): nothing changes. Typed tables (CREATE TABLE ... OF
// t) are drop-column's, rename-column's and the lock model's.
#include <string>

#include "analyze/model/typed_table_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The columns the model's note names ("" when none), or, for a type pgfence does not know (not
// made by the migrations it read), every column of the type: `unknown` then (MEDIUM, as the harm
// is not certain).
std::string columns_of(const StatementContext& ctx, const RangeVar* type, bool& unknown) {
    std::string columns;
    for (const auto& note : ctx.statement.notes) {
        if (note.starts_with(k_composite_columns_note)) columns = note.substr(k_composite_columns_note.size());
        unknown = unknown || note == k_composite_unknown_note;
    }
    if (unknown) columns = "every column of type " + pg::display_name(type) + " (pgfence does not know which tables have one)";
    return columns;
}

// ALTER TYPE t RENAME ATTRIBUTE a TO b: the stored values keep their data, but from the commit
// on the running code's reads of the field by its old name fail, as after a column rename
// (PostgreSQL 15: SELECT (home).street FROM people, and a SQL function reading (p.home).street,
// fail "column \"street\" not found in data type addr").
void renamed(const StatementContext& ctx, const RenameStmt* rename, Sink& sink) {
    bool unknown = false;
    const std::string columns = columns_of(ctx, rename->relation, unknown);
    if (columns.empty()) return;
    const std::string type = pg::display_name(rename->relation);
    const std::string from = quote_ident(pg::text(rename->subname));
    Finding& f = sink.add(ctx.statement, "ALTER TYPE " + type + " RENAME ATTRIBUTE " + from + " TO " +
                                             quote_ident(pg::text(rename->newname)) + " renames a field of " + columns +
                                             ": from the moment it commits, the running code's reads of it by the old name "
                                             "((col)." + from + ", in queries and function bodies) fail with \"column " + from +
                                             " not found in data type\", as after a column rename");
    f.relation = type;
    if (unknown) f.risk = Risk::Medium;
    f.fix = "keep the attribute's name, or rename it in a release whose running code no longer reads the field by " + from;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* rename = ctx.as<RenameStmt>();
        rename != nullptr && rename->renameType == OBJECT_ATTRIBUTE && rename->relation != nullptr && rename->subname != nullptr &&
        rename->newname != nullptr) {
        return renamed(ctx, rename, sink);
    }
    const auto* alter = ctx.as<AlterTableStmt>();
    if (alter == nullptr || alter->objtype != OBJECT_TYPE || alter->relation == nullptr) return;
    bool unknown = false;
    const std::string columns = columns_of(ctx, alter->relation, unknown);
    if (columns.empty()) return;
    const std::string type = pg::display_name(alter->relation);
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_AddColumn) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            const std::string attribute = def != nullptr ? quote_ident(pg::text(def->colname)) : std::string("an attribute");
            Finding& f = sink.add(ctx.statement,
                                  "ALTER TYPE " + type + " ADD ATTRIBUTE " + attribute + " changes the values of " + columns +
                                      " in place (no lock on their tables, no rewrite): from the moment it commits, the "
                                      "application's reads of them return one more field, and its writes that give the "
                                      "value with the old number of fields fail (\"malformed record literal\", \"Input has "
                                      "too few columns\")");
            f.relation = type;
            f.subcommand = pg::index_of(alter->cmds, cmd);
            if (unknown) f.risk = Risk::Medium;
            f.fix = "deploy application code that reads and writes the new field first, or add a new column of a new type "
                    "and move to it";
        } else if (cmd->subtype == AT_DropColumn) {
            const std::string attribute = quote_ident(pg::text(cmd->name));
            Finding& f = sink.add(ctx.statement, "ALTER TYPE " + type + " DROP ATTRIBUTE " + attribute +
                                                     " deletes that field's data from every row of " + columns +
                                                     ", with no lock on their tables to show it; the application's "
                                                     "writes that still give the field fail");
            f.relation = type;
            f.subcommand = pg::index_of(alter->cmds, cmd);
            if (unknown) f.risk = Risk::Medium;
            f.fix = "copy the field's data out first (or keep the attribute), and deploy code that no longer uses it";
        }
    }
}

}  // namespace

PGFENCE_RULE(alter_type_attribute_in_use) {
    return Rule{"alter-type-attribute-in-use", Risk::High,
                "ALTER TYPE ... ADD, DROP or RENAME ATTRIBUTE on a composite type that columns of existing tables have "
                "changes their values in place: writes of the old shape fail, the field's data is gone, or reads by "
                "the old name fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
