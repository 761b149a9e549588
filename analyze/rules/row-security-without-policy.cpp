// ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY on an existing table with no policy for it
// that pgfence knows of: with row security on and no policy, PostgreSQL applies a default-deny
// policy, so every query returns no rows and every write fails, for every role it applies to
// (ENABLE: all but the owner; FORCE: the owner too). No lock shows it: the table's lock is brief.
// Quiet when the migration creates a policy for the table, when the catalog (earlier migrations,
// --history, --schema) shows the table with policies at that statement, or when the clause was
// already in force there (analyze/model/row_security.cpp notes both).
#include <set>
#include <string>

#include "analyze/literal_truth.hpp"
#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/file_syntax_index.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// Does the policy grant any row? A permissive one whose USING is plainly false or NULL grants
// none: for the rows it shows, it is no policy (literal_truth.hpp).
bool grants(const CreatePolicyStmt* policy) {
    return !policy->permissive || policy->qual == nullptr || could_be_true(policy->qual);
}

// Does the file create a policy for `relname` anywhere (before or after)? The file's policies are
// read once (file_syntax_index.hpp).
bool policy_for(const StatementContext& ctx, const std::string& relname) {
    if (ctx.stmts == nullptr) {
        bool found = false;
        auto visit = [&](const StatementFacts&, const pg::Node* node) {
            const auto* policy = pg::as<CreatePolicyStmt>(node);
            found = policy != nullptr && policy->table != nullptr && pg::relname(policy->table) == relname && grants(policy);
            return found;
        };
        for_each_around(ctx, false, visit);
        if (!found) for_each_around(ctx, true, visit);
        return found;
    }
    const auto& with_policy = per_file_syntax<std::set<std::string>>(ctx, [](std::set<std::string>& out, const auto& stmts) {
        for (const pg::Node* node : stmts) {
            const auto* policy = pg::as<CreatePolicyStmt>(node);
            if (policy != nullptr && policy->table != nullptr && grants(policy)) out.emplace(pg::relname(policy->table));
        }
    });
    return with_policy.count(relname) > 0;
}

// CREATE POLICY ... AS RESTRICTIVE, or ALTER POLICY, whose USING or WITH CHECK is plainly false
// or NULL, on an existing table: restrictive policies are ANDed with the rest, so every row is
// hidden from (or every write refused for) the roles it applies to while row security is on
// (checked on PostgreSQL 15: a permissive USING (true) with a restrictive USING (false) shows 0
// rows). ALTER POLICY may turn the table's only permissive policy into one that grants nothing.
// A new permissive USING (false) changes nothing by itself (permissive policies are ORed).
void check_policy(const StatementContext& ctx, Sink& sink) {
    const RangeVar* table_rv = nullptr;
    const pg::Node* qual = nullptr;
    const pg::Node* with_check = nullptr;
    std::string what;
    std::string_view name;
    if (const auto* create = ctx.as<CreatePolicyStmt>()) {
        if (create->permissive) return;
        table_rv = create->table;
        qual = create->qual;
        with_check = create->with_check;
        name = pg::text(create->policy_name);
        what = "CREATE POLICY " + quote_ident(name) + " ... AS RESTRICTIVE";
    } else if (const auto* alter = ctx.as<AlterPolicyStmt>()) {
        table_rv = alter->table;
        qual = alter->qual;
        with_check = alter->with_check;
        name = pg::text(alter->policy_name);
        what = "ALTER POLICY " + quote_ident(name);
    } else {
        return;
    }
    if (table_rv == nullptr) return;
    const bool hides = qual != nullptr && !could_be_true(qual);
    const bool refuses = with_check != nullptr && !could_be_true(with_check);
    if (!hides && !refuses) return;
    const std::string& table = ctx.display_name(table_rv);
    if (existing(ctx.statement, table) == nullptr) return;  // a table created in this migration
    const bool restrictive = ctx.as<CreatePolicyStmt>() != nullptr;
    std::string effect = hides ? (refuses ? "hides every row of " + table + " and refuses every write to it"
                                          : "hides every row of " + table)
                               : "refuses every row written to " + table;
    Finding& f = sink.add(ctx.statement,
                          what + " with " + (hides ? "USING" : "WITH CHECK") + " plainly false " +
                              (restrictive ? effect + " from the roles it applies to, whatever the other policies grant"
                                           : "grants nothing: the rows it granted are hidden, and when it is the table's "
                                             "only permissive policy (or a restrictive one) it " + effect) +
                              ", while row security is on (and from when it is turned on): queries return no rows, "
                              "with no lock or error to show it");
    f.relation = table;
    f.fix = "give the policy the condition that was meant; to close the table to a role, REVOKE its privileges instead, "
            "so that its queries fail loudly";
}

// Does the statement's row-security note say the clause was already in force (row_security.cpp)?
bool already_in_force(const StatementFacts& statement) {
    for (const std::string& note : statement.notes) {
        if (note.find("this changes nothing") != std::string::npos) return true;
    }
    return false;
}

// FORCE ROW LEVEL SECURITY on a table with policies: its owner, whom ENABLE leaves out, is now
// filtered by them too (checked on PostgreSQL 15: the owner saw its row under ENABLE, none under
// FORCE). An application that connects as the owner (often the role that runs its migrations)
// then sees only the rows the policies grant it. Which role the application uses is not in the
// SQL: MEDIUM, for a review.
void report_owner_subject(const StatementContext& ctx, Sink& sink, const std::string& table, int index) {
    ctx.subcommand = index;
    Finding& f = sink.add(ctx.statement, "FORCE ROW LEVEL SECURITY on " + table +
                                             ": the table's owner, exempt until now, is filtered by its policies from "
                                             "the moment it commits; an application that connects as the owner sees and "
                                             "writes only the rows the policies grant it, with no lock or error to show it");
    f.risk = Risk::Medium;
    f.relation = table;
    f.fix = "make sure the application does not connect as " + table + "'s owner, or that the policies grant the owner "
            "every row it needs, before forcing row security";
    ctx.subcommand = -1;
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.as<CreatePolicyStmt>() != nullptr || ctx.as<AlterPolicyStmt>() != nullptr) return check_policy(ctx, sink);
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
        const bool known = has_row_security_known_note(ctx.statement, clause, table);
        const bool already = known && already_in_force(ctx.statement);
        if (known || policy_for(ctx, std::string(pg::relname(stmt->relation)))) {
            if (force && !already) report_owner_subject(ctx, sink, table, index);
            if (known) continue;
            ctx.subcommand = -1;
            return;
        }
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
