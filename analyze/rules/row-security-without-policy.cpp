// ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY on an existing table with no policy for it
// that pgfence knows of: with row security on and no policy, PostgreSQL applies a default-deny
// policy, so every query returns no rows and every write fails, for every role it applies to
// (ENABLE: all but the owner; FORCE: the owner too). No lock shows it: the table's lock is brief.
// Quiet when the migration creates a policy for the table, when the catalog (earlier migrations,
// --history, --schema) shows the table with policies at that statement, or when the clause was
// already in force there (analyze/model/row_security.cpp notes both).
// The other way round, on a table earlier migrations made (or pgfence does not know): DISABLE or
// NO FORCE ROW LEVEL SECURITY shows every row to the roles the policies filtered, and DROP POLICY
// hides the rows a permissive policy granted or shows the rows a restrictive one hid; quiet where
// the catalog shows row security off, and MEDIUM where another permissive policy provably still
// grants the same command to the same roles (row_security.cpp's notes).
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/model/policy_filter.hpp"
#include "analyze/model/policy_reads.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/file_syntax_index.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// Does the policy grant any row? A permissive one whose USING is plainly false or NULL grants
// none: for the rows it shows, it is no policy (literal_truth.hpp).
// For ENABLE / FORCE, it must also let a role read (policy_reads.hpp): a FOR INSERT or UPDATE
// policy, or one TO postgres, leaves every SELECT of the application with no row.
bool grants(const CreatePolicyStmt* policy) {
    if (!policy->permissive) return true;
    std::string roles;
    bool is_public = pg::length(policy->roles) == 0;
    for (const RoleSpec* role : pg::each<RoleSpec>(policy->roles)) {
        if (role->roletype == ROLESPEC_PUBLIC) is_public = true;
        roles += (roles.empty() ? "" : ",") + (role->roletype == ROLESPEC_CSTRING ? std::string(pg::text(role->rolename)) : "current role");
    }
    const std::string_view command = policy->cmd_name != nullptr ? std::string_view(policy->cmd_name) : "all";
    if (!policy_lets_read(true, command, is_public ? std::string() : roles)) return false;
    return policy->qual == nullptr || could_be_true(policy->qual);
}

// The policies the file creates for a table anywhere (before or after the statement): whether
// one lets a role read it (grants), whether one shows every row to every role and no
// restrictive one narrows the reads (policy_filter.hpp), and what the reading ones filter.
struct FilePolicies {
    bool any = false;    // the file creates a policy for the table
    unsigned writes = 0;  // the write commands a permissive one grants: bit i for k_writes[i]
    bool reads = false;
    bool admits = false;
    bool restricted = false;
    std::string filters;  // "name: how", for the message
};

constexpr std::string_view k_writes[] = {"insert", "update", "delete"};

void add_policy(FilePolicies& out, const CreatePolicyStmt* policy) {
    const std::string_view command = policy->cmd_name != nullptr ? std::string_view(policy->cmd_name) : "all";
    out.any = true;
    if (policy->qual == nullptr || could_be_true(policy->qual)) {
        std::string granted;
        bool is_public = pg::length(policy->roles) == 0;
        for (const RoleSpec* role : pg::each<RoleSpec>(policy->roles)) {
            if (role->roletype == ROLESPEC_PUBLIC) is_public = true;
            granted += (granted.empty() ? "" : ",") + (role->roletype == ROLESPEC_CSTRING ? std::string(pg::text(role->rolename)) : "current role");
        }
        for (std::size_t i = 0; i < std::size(k_writes); ++i) {
            if (policy_grants(policy->permissive, command, is_public ? std::string() : granted, k_writes[i])) out.writes |= 1U << i;
        }
    }
    const bool reads = command == "all" || command == "select";
    const std::string filter = policy_filter(policy->qual);
    std::string roles;
    for (const RoleSpec* role : pg::each<RoleSpec>(policy->roles)) {
        if (role->roletype == ROLESPEC_PUBLIC) {
            roles.clear();
            break;
        }
        roles += (roles.empty() ? "" : ",") + (role->roletype == ROLESPEC_CSTRING ? std::string(pg::text(role->rolename)) : "current role");
    }
    out.reads = out.reads || grants(policy);
    out.admits = out.admits || admits_every_row(policy->permissive, command, roles, filter);
    out.restricted = out.restricted || restricts_reads(policy->permissive, command, filter);
    if (!reads || (filter.empty() && (roles.empty() || !policy->permissive))) return;
    if (out.filters.size() > 600) return;
    out.filters += (out.filters.empty() ? "" : "; ") + quote_ident(pg::text(policy->policy_name)) + " (" +
                   (policy->permissive ? "permissive" : "restrictive") + ", FOR " + (command == "all" ? "ALL" : "SELECT") +
                   ", TO " + (roles.empty() ? std::string("PUBLIC") : roles) + ": " +
                   (filter.empty() ? std::string("every row, to those roles only") : filter) + ")";
}

// The file's policies for `relname`; read once per file (file_syntax_index.hpp).
FilePolicies policies_for(const StatementContext& ctx, const std::string& relname) {
    if (ctx.stmts == nullptr) {
        FilePolicies out;
        auto visit = [&](const StatementFacts&, const pg::Node* node) {
            const auto* policy = pg::as<CreatePolicyStmt>(node);
            if (policy != nullptr && policy->table != nullptr && pg::relname(policy->table) == relname) add_policy(out, policy);
            return false;
        };
        for_each_around(ctx, false, visit);
        for_each_around(ctx, true, visit);
        return out;
    }
    const auto& by_table = per_file_syntax<std::map<std::string, FilePolicies>>(ctx, [](std::map<std::string, FilePolicies>& out, const auto& stmts) {
        for (const pg::Node* node : stmts) {
            const auto* policy = pg::as<CreatePolicyStmt>(node);
            if (policy != nullptr && policy->table != nullptr) add_policy(out[std::string(pg::relname(policy->table))], policy);
        }
    });
    auto it = by_table.find(relname);
    return it == by_table.end() ? FilePolicies{} : it->second;
}

// CREATE POLICY ... AS RESTRICTIVE, or ALTER POLICY, on an existing table: what the rows the
// application sees become is not judged (an allowlist: pgfence does not try to prove a condition
// false, `id < 0` or `email IS NULL` on a NOT NULL column hide every row as surely as `false`).
// Quiet only where nothing can narrow: a condition that is literally true (literal_truth.hpp, casts
// folded: 't'::bool), a new TO list the migrations show keeps every role a permissive policy
// applied to (or applies a restrictive one to fewer, analyze/model/misc.cpp roles_kept), ALTER
// POLICY ... RENAME (a RenameStmt, not read here). Restrictive policies are ANDed with the rest,
// so one hides the rows its USING does not hold for whatever the others grant (checked on
// PostgreSQL 15: USING (id IS NULL) on a primary key showed the application 0 rows of 3); ALTER
// POLICY may narrow the table's only permissive policy (USING ('f'::bool): 0 rows; TO postgres,
// the application's role left out: 0 rows). A new permissive policy changes nothing by itself
// (permissive policies are ORed).
void check_policy(const StatementContext& ctx, Sink& sink) {
    const RangeVar* table_rv = nullptr;
    const pg::Node* qual = nullptr;
    const pg::Node* with_check = nullptr;
    const List* roles = nullptr;
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
        roles = alter->roles;
        name = pg::text(alter->policy_name);
        what = "ALTER POLICY " + quote_ident(name);
    } else {
        return;
    }
    if (table_rv == nullptr) return;
    const Truth using_truth = qual != nullptr ? literal_truth(qual) : Truth::True;
    const Truth check_truth = with_check != nullptr ? literal_truth(with_check) : Truth::True;
    const std::string& table = ctx.display_name(table_rv);
    const bool narrows_roles =
        roles != nullptr && !has_row_security_known_note(ctx.statement, "ALTER POLICY " + quote_ident(name) + " ... TO", table);
    if (using_truth == Truth::True && check_truth == Truth::True && !narrows_roles) return;
    if (existing(ctx.statement, table) == nullptr) return;  // a table created in this migration
    const bool restrictive = ctx.as<CreatePolicyStmt>() != nullptr;
    const bool hides = using_truth == Truth::False || using_truth == Truth::Null;
    const bool refuses = check_truth == Truth::False || check_truth == Truth::Null;
    std::string message;
    if (hides || refuses) {
        std::string effect = hides ? (refuses ? "hides every row of " + table + " and refuses every write to it"
                                              : "hides every row of " + table)
                                   : "refuses every row written to " + table;
        message = what + " with " + (hides ? "USING" : "WITH CHECK") + " plainly false " +
                  (restrictive ? effect + " from the roles it applies to, whatever the other policies grant"
                               : "grants nothing: the rows it granted are hidden, and when it is the table's "
                                 "only permissive policy (or a restrictive one) it " + effect) +
                  ", while row security is on (and from when it is turned on): queries return no rows, "
                  "with no lock or error to show it";
    } else {
        std::vector<std::string> changes;
        if (using_truth != Truth::True) changes.push_back("a new USING condition");
        if (check_truth != Truth::True) changes.push_back("a new WITH CHECK condition");
        if (narrows_roles) changes.push_back("a new TO list that may leave out roles it applied to (the application's among them)");
        std::string list;
        for (std::size_t i = 0; i < changes.size(); ++i) list += (i == 0 ? "" : i + 1 == changes.size() ? " and " : ", ") + changes[i];
        message = (restrictive ? "CREATE POLICY " + quote_ident(name) + " ON " + table + " AS RESTRICTIVE adds a policy ANDed with every other: "
                               : what + " ON " + table + " gives the policy " + list + ": ") +
                  "the rows " + (restrictive ? "its condition does not hold for" : "it no longer grants") +
                  " may be hidden from the application's role (every row, when it was the table's only permissive policy, or "
                  "for a restrictive one whose condition holds for none: `id < 0`, `email IS NULL` on a NOT NULL column) and "
                  "its writes refused \"new row violates row-level security policy\", from the moment it commits, with no "
                  "lock or error to show it; pgfence does not judge which rows the condition keeps";
    }
    Finding& f = sink.add(ctx.statement, message);
    f.relation = table;
    f.fix = hides || refuses ? "give the policy the condition that was meant; to close the table to a role, REVOKE its privileges "
                               "instead, so that its queries fail loudly"
                             : "check with SET ROLE <the application's role> which rows it sees before and after the change, and "
                               "have a reviewer sign it off; to close the table to a role, REVOKE its privileges instead, so "
                               "that its queries fail loudly";
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

// ENABLE / FORCE ROW LEVEL SECURITY on an existing table whose policies let roles read it, but
// none shows every row to every role (permissive, FOR ALL or SELECT, TO PUBLIC, USING literally
// true, with no restrictive one narrowing it): from then on each role other than the owner reads
// only the rows the policies admit it, and a filter on session state admits none to a session that
// does not set it (checked on PostgreSQL 15, red team F1 P_POLTOPUB: USING (user_id =
// current_setting('app.uid', true)::bigint), the application's role read 2 rows, then 0).
// FORCE adds only the owner to the roles filtered (report_owner_subject).
void report_filtered(const StatementContext& ctx, Sink& sink, const std::string& table, const std::string& filters) {
    Finding& f = sink.add(ctx.statement,
                          "ENABLE ROW LEVEL SECURITY on " + table +
                              ", a table in use: from the moment it commits, every query by a role other than the table's "
                              "owner (or a superuser or a BYPASSRLS one) returns only the rows its policies admit, and no policy admits every row to every role: " +
                              filters + "; rows the application read until now are hidden, and its writes of rows "
                              "outside them fail \"new row violates row-level security policy\"");
    f.relation = table;
    f.fix = "check with SET ROLE <the application's role> (and the session settings it really has) which rows it sees "
            "once row security is on, before turning it on; have a reviewer sign the change off";
}

// ENABLE / FORCE ROW LEVEL SECURITY on an existing table whose policies grant some commands but not
// INSERT, UPDATE or DELETE (a table with only FOR SELECT policies): row security's default deny
// applies per command, so from the commit on each such write by the roles it applies to fails or
// matches nothing (checked on PostgreSQL 15, red team R67 A17: with only `FOR SELECT USING (true)`,
// the application's role read its row, its INSERT failed "new row violates row-level security
// policy for table", its UPDATE and DELETE reported 0 rows). The commands come from the model's
// note (the catalog's policies at the statement), less those a policy this file creates grants;
// a table the catalog shows without policies is judged by the file's policies alone.
// Only where the policies let roles read: where they do not, the statement's finding says so already.
void check_writes(const StatementContext& ctx, Sink& sink, const std::string& table, bool force, const FilePolicies& here,
                  bool catalog_policies) {
    const std::string clause = force ? "FORCE ROW LEVEL SECURITY" : "ENABLE ROW LEVEL SECURITY";
    const auto why = row_security_known_why(ctx.statement, clause + " for writes", table);
    std::string policies;
    unsigned denied = 0;
    if (why && why->starts_with(k_no_write_policy)) {
        const std::string rest = why->substr(k_no_write_policy.size());
        const std::size_t colon = rest.find(": ");
        const std::string commands = rest.substr(0, colon);
        if (colon != std::string::npos) policies = rest.substr(colon + 2);
        if (commands.find("INSERT") != std::string::npos) denied |= 1U;
        if (commands.find("UPDATE") != std::string::npos) denied |= 2U;
        if (commands.find("DELETE") != std::string::npos) denied |= 4U;
    } else if (!catalog_policies && !force && here.any) {
        denied = 7U;
        policies = "the ones this migration creates";
    }
    denied &= ~here.writes;
    if (denied == 0) return;
    std::string list;
    std::string effects;
    const char* names[] = {"INSERT", "UPDATE", "DELETE"};
    for (unsigned i = 0; i < 3; ++i) {
        if ((denied & (1U << i)) == 0) continue;
        list += std::string(list.empty() ? "" : ", ") + names[i];
    }
    if ((denied & 1U) != 0) effects = "each INSERT fails \"new row violates row-level security policy\"";
    if ((denied & 6U) != 0) {
        effects += std::string(effects.empty() ? "each " : ", and each ") + ((denied & 6U) == 6U ? "UPDATE and DELETE" : (denied & 2U) != 0 ? "UPDATE" : "DELETE") +
                   " matches no row (0 rows, no error)";
    }
    Finding& f = sink.add(ctx.statement, clause + " on " + table + ": no permissive policy of it grants " + list + " (its policies: " +
                                             policies + "), and row security denies a command no policy grants: from the moment it "
                                             "commits, for " +
                                             (force ? std::string("the table's owner, exempt until now (an application that connects as the owner)")
                                                    : std::string("every role other than the table's owner (or a superuser or a BYPASSRLS one), the application's included")) +
                                             ", " + effects + ", with no lock to show it");
    f.relation = table;
    f.fix = "create the policies the application's writes need (CREATE POLICY ... FOR INSERT WITH CHECK (...), FOR UPDATE, "
            "FOR DELETE, or FOR ALL) before turning row security on, and check them with SET ROLE";
}

// DISABLE / NO FORCE ROW LEVEL SECURITY (checked on PostgreSQL 15: a role filtered to 1 row by a
// policy sees all 3 after DISABLE; the owner, filtered under FORCE, sees all 3 after NO FORCE).
void check_turned_off(const StatementContext& ctx, const AlterTableStmt* stmt, const std::string& table, Sink& sink) {
    int index = -1;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ++index;
        if (cmd->subtype != AT_DisableRowSecurity && cmd->subtype != AT_NoForceRowSecurity) continue;
        const bool force = cmd->subtype == AT_NoForceRowSecurity;
        const char* clause = force ? "NO FORCE ROW LEVEL SECURITY" : "DISABLE ROW LEVEL SECURITY";
        const auto why = row_security_known_why(ctx.statement, clause, table);
        if (why && why->find("this changes nothing") != std::string::npos) continue;
        ctx.subcommand = index;
        Finding& f = sink.add(ctx.statement,
                              std::string(clause) + " on " + table + ": " +
                                  (force ? "its owner is no longer filtered by its policies: an application that connects as "
                                           "the owner (often the role that runs the migrations) sees and writes every row, "
                                           "other tenants' included,"
                                         : "its policies no longer apply: every role with privileges on it, the application's "
                                           "included, sees and writes every row, other tenants' included,") +
                                  " from the moment it commits, with no lock or error to show it");
        f.relation = table;
        f.fix = force ? "keep FORCE ROW LEVEL SECURITY, or have the application connect as a role that is not the table's "
                        "owner before removing it"
                      : "keep row security on; to widen what a role sees, change or add a policy (CREATE POLICY ... USING "
                        "(...)) and check with SET ROLE which rows it grants";
    }
    ctx.subcommand = -1;
}

// DROP POLICY on an existing table (checked on PostgreSQL 15: dropping a restrictive policy showed
// the rows it hid, 1 -> 2; dropping the only permissive one hid every row and refused INSERT "new
// row violates row-level security policy"; with a FOR SELECT policy left, reads kept working and
// writes failed).
void check_drop_policy(const StatementContext& ctx, const DropStmt* stmt, Sink& sink) {
    for (const pg::Node* o : pg::each(stmt->objects)) {
        const List* items = pg::as<List>(o);
        const int count = pg::length(items);
        if (count < 2) continue;
        const std::string table = pg::qualified_name(items, count - 1);
        if (existing(ctx.statement, table) == nullptr) continue;  // a table created in this migration
        const std::string_view policy = pg::text(pg::last(items));
        bool made_here = false;  // by an earlier statement of this file: nobody relied on it yet
        for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* node) {
            const auto* create = pg::as<CreatePolicyStmt>(node);
            made_here = create != nullptr && create->table != nullptr && pg::text(create->policy_name) == policy &&
                        pg::relname(create->table) == pg::text(pg::nth(items, count - 2));
            return made_here;
        });
        if (made_here) continue;
        const std::string name = quote_ident(policy);
        const auto why = row_security_known_why(ctx.statement, "DROP POLICY " + name, table);
        if (why && why->find("this changes nothing") != std::string::npos) continue;
        const std::string what = "DROP POLICY " + name + " ON " + table;
        std::string message;
        Risk risk = Risk::High;
        if (why && why->find("still grants") != std::string::npos) {
            message = what + ": " + *why + ": the rows only " + name + " granted are hidden from its roles from the moment it "
                      "commits, with no lock or error to show it";
            risk = Risk::Medium;
        } else if (why && why->starts_with("it is a restrictive")) {
            message = what + " removes a restrictive policy: the rows it hid become visible to, and writable by, every role "
                      "it applied to (as far as the permissive policies grant them), from the moment it commits";
        } else if (why && why->starts_with("it is a permissive")) {
            message = what + " removes a permissive policy " + why->substr(std::string_view("it is a permissive policy ").size()) +
                      " that no other policy pgfence knows of grants to the same roles: the rows only it granted are hidden, "
                      "and where it was the only one, every query of those roles returns no rows and every write fails "
                      "\"new row violates row-level security policy\", with no lock to show it";
        } else {
            message = what + ": pgfence does not know whether this policy is permissive or restrictive (it knows the "
                      "policies the migrations it read created on tables they made): if it is permissive, the rows only it granted are hidden (every row, when it was the only one: queries "
                      "return nothing); if it is restrictive, the rows it hid are shown to every role it applied to";
        }
        Finding& f = sink.add(ctx.statement, message);
        f.risk = risk;
        f.relation = table;
        f.fix = "create the policy that replaces it first (CREATE POLICY ... in the same transaction), and check with SET "
                "ROLE which rows the application's role sees before and after";
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.as<CreatePolicyStmt>() != nullptr || ctx.as<AlterPolicyStmt>() != nullptr) return check_policy(ctx, sink);
    if (const auto* drop = ctx.as<DropStmt>(); drop != nullptr && drop->removeType == OBJECT_POLICY) {
        return check_drop_policy(ctx, drop, sink);
    }
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || stmt->relation == nullptr) return;
    const std::string& table = ctx.display_name(stmt->relation);
    if (existing(ctx.statement, table) == nullptr) return;  // a table created in this migration
    check_turned_off(ctx, stmt, table, sink);
    int index = -1;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ++index;
        if (cmd->subtype != AT_EnableRowSecurity && cmd->subtype != AT_ForceRowSecurity) continue;
        const bool force = cmd->subtype == AT_ForceRowSecurity;
        const char* clause = force ? "FORCE ROW LEVEL SECURITY" : "ENABLE ROW LEVEL SECURITY";
        const auto known_why = row_security_known_why(ctx.statement, clause, table);
        const bool no_read = known_why && known_why->starts_with(k_no_read_policy);
        const bool filtering = known_why && known_why->starts_with(k_filtering_policies);
        const bool known = known_why && !no_read && (!filtering || force);  // FORCE: the owner, report_owner_subject
        const bool already = known && already_in_force(ctx.statement);
        const FilePolicies here = policies_for(ctx, std::string(pg::relname(stmt->relation)));
        const bool reads = (known_why && !known_why->starts_with(k_no_read_policy)) || here.reads;
        if (!already_in_force(ctx.statement) && reads) {
            ctx.subcommand = index;
            check_writes(ctx, sink, table, force, here, known_why.has_value());
            ctx.subcommand = -1;
        }
        // Shows every row: the catalog's policies do (known), or the file makes one that does.
        const bool shows_all = (known && !already_in_force(ctx.statement)) || (here.admits && !here.restricted);
        if (!force && !already && !shows_all && (filtering || (!known && here.reads))) {
            ctx.subcommand = index;
            report_filtered(ctx, sink, table, filtering ? known_why->substr(k_filtering_policies.size()) : here.filters);
            continue;
        }
        if (known || here.reads) {
            if (force && !already) report_owner_subject(ctx, sink, table, index);
            if (known) continue;
            ctx.subcommand = -1;
            return;
        }
        ctx.subcommand = index;
        if (no_read) {
            Finding& f = sink.add(ctx.statement, std::string(force ? "FORCE" : "ENABLE") + " ROW LEVEL SECURITY on " + table + ": " +
                                                     *known_why + " (none FOR ALL or FOR SELECT to a role but postgres), so every "
                                                     "query " + (force ? "by any role but a superuser or a BYPASSRLS one, the table's owner included,"
                                                                       : "by a role other than the table's owner (or a superuser or a BYPASSRLS one)") +
                                                     " returns no rows, from the moment it commits");
            f.relation = table;
            f.fix = "create a policy FOR SELECT (or FOR ALL) to the roles that read " + table + " before turning row security on";
            continue;
        }
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
                "Row security changed on a table in use: ENABLE or FORCE with no policy hides every row (with none for INSERT, UPDATE or DELETE, refuses those); DISABLE, NO FORCE or DROP POLICY shows or hides rows", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
