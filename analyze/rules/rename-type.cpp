#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;
using namespace operation;

// ALTER TYPE t RENAME TO u (and ALTER DOMAIN ... RENAME) is instant, but from its commit the old
// name no longer exists: every statement of the running release that names it fails. ORMs name
// enum types in their queries: Prisma casts each enum parameter ($1::"Role"), so every query
// with such a parameter fails with "type ... does not exist" (the outside DBA's hoppscotch
// TeamMemberRole -> TeamAccessRole).
// ALTER TYPE / ALTER DOMAIN ... SET SCHEMA moves it: the running release's statements that name it
// (qualified, or through a search_path that does not hold the new schema) fail the same way.
void check_moved(const StatementContext& ctx, const AlterObjectSchemaStmt* move, Sink& sink) {
    const auto* names = pg::as<List>(move->object);
    if (names == nullptr || move->newschema == nullptr) return;
    QualifiedName type = name_of_list(names);
    if (type_made_earlier(ctx, type)) return;
    const std::string old_name = shown(type);
    const char* what = move->objectType == OBJECT_DOMAIN ? "domain " : "type ";
    Finding& f = sink.add(ctx.statement, "moving " + std::string(what) + old_name + " to schema " + quote_ident(move->newschema) +
                                             " breaks the running release's statements that name " + old_name +
                                             " where the new schema is not on their search_path, or qualified by its old "
                                             "schema (casts such as $1::" + old_name +
                                             "): from the moment it commits they fail with \"type does not exist\"");
    f.fix = "keep the type where it is, or move it in a release whose running code names it by its new schema";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* move = ctx.as<AlterObjectSchemaStmt>();
        move != nullptr && (move->objectType == OBJECT_TYPE || move->objectType == OBJECT_DOMAIN)) {
        return check_moved(ctx, move, sink);
    }
    const auto* rename = ctx.as<RenameStmt>();
    if (rename == nullptr || (rename->renameType != OBJECT_TYPE && rename->renameType != OBJECT_DOMAIN)) return;
    const auto* names = pg::as<List>(rename->object);
    if (names == nullptr || rename->newname == nullptr) return;
    QualifiedName type = name_of_list(names);
    if (type_made_earlier(ctx, type)) return;
    // Renamed out of the way and made again in the same transaction (an enum rebuilt without a
    // value): the running release's statements find a type of that name at every moment.
    if (type_made_again(ctx, type) > 0) return;
    const std::string old_name = shown(type);
    const std::string new_name = quote_ident(std::string(pg::text(rename->newname)));
    const char* what = rename->renameType == OBJECT_DOMAIN ? "domain " : "type ";
    Finding& f = sink.add(ctx.statement, "renaming " + std::string(what) + old_name + " to " + new_name +
                                             " breaks the running release's statements that name " + old_name +
                                             " (casts such as $1::" + old_name +
                                             (rename->renameType == OBJECT_TYPE ? ", which Prisma writes for every enum parameter" : "") +
                                             "): from the moment it commits they fail with \"type does not exist\"; the columns of "
                                             "that type keep their values");
    f.fix = "keep the name (a rename changes nothing stored), or rename it in a release whose running code no longer names " +
            old_name + " (for Prisma: only with the old release stopped)";
}

}  // namespace

PGFENCE_RULE(rename_type) {
    return Rule{"rename-type", Risk::High, "Renaming a type breaks the running code that names it (ORMs cast enum parameters by type name)",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
