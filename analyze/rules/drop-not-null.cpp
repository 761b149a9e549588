#include <optional>
#include <string>

#include "analyze/model/domain_columns.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// ALTER DOMAIN ... DROP NOT NULL: NULLs may then be stored in every column of the domain, as
// DROP NOT NULL on each of them would let in (red team F1 I_DOMNOTNULL); the columns the
// migrations show are named (analyze/model/misc.cpp model_alter_domain). It takes no lock on
// them: AlterDomainNotNull changes pg_type only.
void check_domain(const StatementContext& ctx, const AlterDomainStmt* stmt, Sink& sink) {
    if (stmt->subtype != 'N') return;
    const std::string name = pg::qualified_name(stmt->typeName);
    bool made_here = false;  // CREATE DOMAIN earlier in this file: no column of it holds rows yet
    operation::for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* node) {
        const auto* create = pg::as<CreateDomainStmt>(node);
        made_here = create != nullptr && pg::qualified_name(create->domainname) == name;
        return made_here;
    });
    if (made_here) return;
    const std::optional<std::string> columns = domain_columns_of(ctx.statement, name);
    Finding& f = sink.add(ctx.statement, "ALTER DOMAIN " + name + " DROP NOT NULL lets NULLs into every column of domain " + name +
                                             (columns && !columns->empty() ? " (" + *columns + ")" : std::string()) +
                                             ", and the code that reads them may not expect them");
    f.fix = "deploy readers that handle NULL in the domain's columns before this migration";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* domain = ctx.as<AlterDomainStmt>()) return check_domain(ctx, domain, sink);
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr) return;
    const std::string& table = ctx.display_name(stmt->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        if (cmd->subtype != AT_DropNotNull) continue;
        std::string column(pg::text(cmd->name));
        Finding& f = sink.add(ctx.statement, "DROP NOT NULL on " + table + "." + quote_ident(column) +
                                                 " lets NULLs in, and the code that reads it may not expect them; it also takes " +
                                                 describe_lock(*lock));
        f.relation = table;
        f.subcommand = pg::index_of(stmt->cmds, cmd);
        f.fix = "deploy readers that handle NULL in " + quote_ident(column) + " before this migration";
    }
}

}  // namespace

PGFENCE_RULE(drop_not_null) {
    return Rule{"drop-not-null", Risk::Low, "Dropping NOT NULL lets NULLs reach readers that do not expect them",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
