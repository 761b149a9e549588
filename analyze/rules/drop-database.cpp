#include "analyze/parse/names.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<DropdbStmt>();
    if (stmt == nullptr) return;
    std::string db = quote_ident(pg::text(stmt->dbname));
    bool force = false;
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) force = force || pg::text(d->defname) == "force";
    Finding& f = sink.add(ctx.statement, "DROP DATABASE " + db + " deletes the whole database " + db +
                                             " and everything in it" +
                                             (force ? "; WITH (FORCE) also ends every session connected to it" : ""));
    f.fix = "do not drop databases from a migration: drop it by hand, after a backup, once nothing connects to it";
}

}  // namespace

PGFENCE_RULE(drop_database) {
    return Rule{"drop-database", Risk::Critical, "DROP DATABASE deletes a whole database", check, nullptr, true,
                "data-loss"};
}

}  // namespace pgfence::analyze::rules
