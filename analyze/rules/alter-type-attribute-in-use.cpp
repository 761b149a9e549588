// ALTER TYPE t ADD ATTRIBUTE / DROP ATTRIBUTE on a composite type that columns of existing tables
// have (the model's note, analyze/model/typed_tables.hpp note_composite_columns). PostgreSQL
// changes the values of those columns in place, with no lock on their tables and no rewrite
// (checked on PostgreSQL 15: ALTER TYPE addr ADD ATTRIBUTE zip text locks only the type; the
// table's relfilenode stays). After ADD ATTRIBUTE, each stored value reads with one more (NULL)
// field, and the application's writes that give the value with the old number of fields fail
// ('(1,2)' "malformed record literal ... Too few columns", ROW(1, 2) "Input has too few
// columns"). DROP ATTRIBUTE removes that field's data from every row of every such column, even
// without CASCADE. Typed tables (CREATE TABLE ... OF t) are drop-column's and the lock model's.
#include <string>

#include "analyze/model/typed_table_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const StatementContext& ctx, Sink& sink) {
    const auto* alter = ctx.as<AlterTableStmt>();
    if (alter == nullptr || alter->objtype != OBJECT_TYPE || alter->relation == nullptr) return;
    std::string columns;
    bool unknown = false;
    for (const auto& note : ctx.statement.notes) {
        if (note.starts_with(k_composite_columns_note)) columns = note.substr(k_composite_columns_note.size());
        unknown = unknown || note == k_composite_unknown_note;
    }
    // A type pgfence does not know (not made by the migrations it read): columns of the
    // application's tables may have it; MEDIUM, as the harm is not certain.
    if (unknown) columns = "every column of type " + pg::display_name(alter->relation) + " (pgfence does not know which tables have one)";
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
                "ALTER TYPE ... ADD or DROP ATTRIBUTE on a composite type that columns of existing tables have changes "
                "their values in place: writes of the old shape fail, or the field's data is gone",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
