// ALTER EXTENSION e SET SCHEMA s moves every function, type, operator and other member of e to s
// (PostgreSQL's extension.c AlterExtensionNamespace: each member's namespace is changed): from
// the moment it commits, the running release's statements that name them qualified by the old
// schema, or find them through a search_path without s, fail with "does not exist"; columns,
// indexes and views that use them refer to them by OID and keep working (PG15, issue 53 red team
// I1: `SELECT citext('abc')` and `'a'::citext` failed after the move, a view using citext() read on).
// The same judgement as ALTER TYPE ... SET SCHEMA (rename-type) and ALTER FUNCTION ... SET SCHEMA.
#include <map>
#include <string>

#include "analyze/model/extension_types.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/file_syntax_index.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// Whether this file made extension `name` with a plain CREATE EXTENSION (no IF NOT EXISTS, which
// may find it made already) before this statement: nothing of the running release uses it yet.
bool made_earlier_here(const StatementContext& ctx, const std::string& name) {
    const auto& created = per_file_syntax<std::map<std::string, int>>(ctx, [](std::map<std::string, int>& out, const auto& stmts) {
        for (std::size_t i = 0; i < stmts.size(); ++i) {
            const auto* create = pg::as<CreateExtensionStmt>(stmts[i]);
            if (create != nullptr && create->extname != nullptr && !create->if_not_exists) {
                out.try_emplace(std::string(pg::text(create->extname)), static_cast<int>(i));
            }
        }
    });
    auto at = created.find(name);
    return at != created.end() && at->second < ctx.statement.index;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* move = ctx.as<AlterObjectSchemaStmt>();
    if (move == nullptr || move->objectType != OBJECT_EXTENSION || move->newschema == nullptr || move->object == nullptr) return;
    const std::string name(pg::text(move->object));
    if (name.empty() || made_earlier_here(ctx, name)) return;
    const std::string schema = quote_ident(pg::text(move->newschema));
    std::string types;
    for (std::string_view t : extension_types(name)) types += (types.empty() ? "" : ", ") + std::string(t);
    Finding& f = sink.add(ctx.statement,
                          "ALTER EXTENSION " + quote_ident(name) + " SET SCHEMA " + schema + " moves its functions, " +
                              (types.empty() ? std::string("types") : "types (" + types + ")") +
                              " and operators to " + schema + ": from the moment it commits, the running release's statements "
                              "that name them qualified by the old schema, or through a search_path that does not hold " + schema +
                              " (calls, casts such as $1::" + (types.empty() ? std::string("type") : std::string(extension_types(name).front())) +
                              "), fail with \"does not exist\"; columns, indexes and views that use them keep working");
    f.fix = "put " + schema + " on the application's search_path first (ALTER ROLE ... SET search_path, which new connections take: "
            "recycle the pool) and qualify nothing by the old schema, or keep the extension where it is";
}

}  // namespace

PGFENCE_RULE(move_extension) {
    return Rule{"move-extension", Risk::Medium,
                "ALTER EXTENSION ... SET SCHEMA moves its functions, types and operators: running code that names them by the old "
                "schema or finds them on its search_path fails",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
