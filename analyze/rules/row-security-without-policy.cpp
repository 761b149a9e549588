// ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY on an existing table with no policy for it
// that pgfence knows of: with row security on and no policy, PostgreSQL applies a default-deny
// policy, so every query returns no rows and every write fails, for every role it applies to
// (ENABLE: all but the owner; FORCE: the owner too). No lock shows it: the table's lock is brief.
// Quiet when the migration creates a policy for the table, when the catalog (earlier migrations,
// --history, --schema) shows the table with policies at that statement, or when the clause was
// already in force there (analyze/model/row_security.cpp notes both).
#include <set>
#include <string>

#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/file_syntax_index.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// Does the file create a policy for `relname` anywhere (before or after)? The file's policies are
// read once (file_syntax_index.hpp).
bool policy_for(const StatementContext& ctx, const std::string& relname) {
    if (ctx.stmts == nullptr) {
        bool found = false;
        auto visit = [&](const StatementFacts&, const pg::Node* node) {
            const auto* policy = pg::as<CreatePolicyStmt>(node);
            found = policy != nullptr && policy->table != nullptr && pg::relname(policy->table) == relname;
            return found;
        };
        for_each_around(ctx, false, visit);
        if (!found) for_each_around(ctx, true, visit);
        return found;
    }
    const auto& with_policy = per_file_syntax<std::set<std::string>>(ctx, [](std::set<std::string>& out, const auto& stmts) {
        for (const pg::Node* node : stmts) {
            const auto* policy = pg::as<CreatePolicyStmt>(node);
            if (policy != nullptr && policy->table != nullptr) out.emplace(pg::relname(policy->table));
        }
    });
    return with_policy.count(relname) > 0;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || stmt->relation == nullptr) return;
    const std::string& table = ctx.display_name(stmt->relation);
    if (existing(ctx.statement, table) == nullptr) return;  // a table created in this migration
    int index = -1;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ++index;
        if (cmd->subtype != AT_EnableRowSecurity && cmd->subtype != AT_ForceRowSecurity) continue;
        const bool force = cmd->subtype == AT_ForceRowSecurity;
        const char* clause = force ? "FORCE ROW LEVEL SECURITY" : "ENABLE ROW LEVEL SECURITY";
        if (has_row_security_known_note(ctx.statement, clause, table)) continue;
        if (policy_for(ctx, std::string(pg::relname(stmt->relation)))) return;
        ctx.subcommand = index;
        Finding& f = sink.add(ctx.statement,
                              std::string(force ? "FORCE" : "ENABLE") + " ROW LEVEL SECURITY on " + table +
                                  " with no policy for it that pgfence knows of (none in this migration or in the history pgfence read): PostgreSQL then "
                                  "denies every row, so every query " +
                                  (force ? "by any role but a superuser or a BYPASSRLS one, the table's owner included,"
                                         : "by a role other than the table's owner (or a superuser or a BYPASSRLS one)") +
                                  " returns no rows and every write fails, from the moment it commits");
        f.relation = table;
        f.fix = "create the policies " + table + " needs (CREATE POLICY ... USING (...)) in the same migration, before "
                "turning row security on";
    }
    ctx.subcommand = -1;
}

}  // namespace

PGFENCE_RULE(row_security_without_policy) {
    return Rule{"row-security-without-policy", Risk::High,
                "ENABLE or FORCE ROW LEVEL SECURITY with no policy hides every row: queries return nothing", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
