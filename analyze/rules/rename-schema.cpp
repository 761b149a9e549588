#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// ALTER SCHEMA a RENAME TO b is instant, but every query that names a.anything fails from then
// on; PostgreSQL has no alias for a schema, so the old name cannot be kept working beside it.
void check(const StatementContext& ctx, Sink& sink) {
    const auto* rename = ctx.as<RenameStmt>();
    if (rename == nullptr || rename->renameType != OBJECT_SCHEMA || rename->subname == nullptr) return;
    std::string name(pg::text(rename->subname));
    if (name.empty() || schema_created_earlier(ctx, name)) return;
    std::string old_schema = quote_ident(name);
    std::string new_schema = quote_ident(std::string(pg::text(rename->newname)));
    Finding& f = sink.add(ctx.statement, "renaming schema " + old_schema + " to " + new_schema +
                                             " breaks every query that names " + old_schema +
                                             ".anything, and every function body or search_path setting that names it: "
                                             "code deployed before this migration fails until it is replaced");
    f.fix = "deploy code that finds its tables through search_path (set to " + old_schema + ", " + new_schema +
            ") or that names " + new_schema + " once it exists, then rename; or keep the name";
}

}  // namespace

PGFENCE_RULE(rename_schema) {
    return Rule{"rename-schema", Risk::High,
                "Renaming a schema breaks the application code still naming the old one", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
