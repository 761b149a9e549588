// ALTER TABLE ... ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY: the table's row
// security as the migrations leave it (pg_class.relrowsecurity and relforcerowsecurity, which
// ATExecSetRowSecurity and ATExecForceNoForceRowSecurity in PostgreSQL's
// src/backend/commands/tablecmds.c set and clear independently), and what the statement does
// given the table's policies (CREATE POLICY, misc.cpp; DROP POLICY, drop.cpp; ALTER POLICY ...
// RENAME, rename.cpp).
#include <string>

#include "analyze/model/alter_table_parts.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/model/policy_filter.hpp"
#include "analyze/model/policy_reads.hpp"

namespace pgfence::analyze::model::alter {

namespace {

// "p1, p2 (created by db/001.sql)", at most a few of them: a table of many policies, enabled by
// many statements, makes notes of bounded size.
std::string policies_of(const RelationInfo& info) {
    constexpr std::size_t k_shown = 3;
    std::string out;
    std::size_t shown = 0;
    for (const auto& [name, policy] : info.policies) {
        const std::string& source = policy.source;
        if (shown == k_shown) {
            out += " and " + std::to_string(info.policies.size() - k_shown) + " more";
            break;
        }
        if (shown++ > 0) out += ", ";
        out += quote_ident(name);
        out += source.empty() ? " (created earlier in this migration)" : " (created by " + source + ")";
    }
    return out;
}

// Is row security's state on the table known from the migrations pgfence read? Not for a table only
// the stats snapshot describes, nor after a statement it could not read (which may have turned it on).
bool state_known(const RelationInfo& info, const Context& ctx) {
    return info.source != "the stats snapshot" && !ctx.catalog.maybe_made(info.relname);
}

const char* const k_changes_nothing = "this changes nothing";

// "orders_mine (permissive, FOR ALL, TO PUBLIC: USING a condition on current_setting(): ...)",
// for the policies that apply to reads, at most a few.
std::string read_filters(const RelationInfo& info) {
    constexpr std::size_t k_shown = 3;
    std::string out;
    std::size_t shown = 0;
    for (const auto& [name, policy] : info.policies) {
        if (policy.command != "all" && policy.command != "select") continue;
        if (policy.permissive && policy.filter.empty() && !policy.roles.empty()) {
            // every row, to some roles only: the others see none of what it admits
        } else if (policy.filter.empty() && policy.permissive) {
            continue;
        } else if (policy.filter.empty()) {
            continue;  // a restrictive policy admitting every row narrows nothing
        }
        if (shown++ == k_shown) {
            out += "; and more";
            break;
        }
        if (!out.empty()) out += "; ";
        out += quote_ident(name) + " (" + (policy.permissive ? "permissive" : "restrictive") + ", FOR " +
               (policy.command == "all" ? std::string("ALL") : std::string("SELECT")) + ", TO " +
               (policy.roles.empty() ? std::string("PUBLIC") : policy.roles) + ": " +
               (policy.filter.empty() ? std::string("every row, to those roles only") : policy.filter) + ")";
    }
    return out;
}

}  // namespace

void drop_policy(const RelationInfo& info, const std::string& name, const std::string& display, StatementFacts& facts,
                 const Context& ctx) {
    const std::string clause = "DROP POLICY " + quote_ident(name);
    if (!info.row_security && !info.force_row_security && state_known(info, ctx)) {
        facts.notes.push_back(row_security_known_note(
            clause, display, std::string("row level security is not enabled on it: ") + k_changes_nothing + " while it stays off"));
        return;
    }
    auto dropped = info.policies.find(name);
    if (dropped == info.policies.end()) return;
    const PolicyInfo& policy = dropped->second;
    std::string why = std::string("it is a ") + (policy.permissive ? "permissive" : "restrictive") + " policy for " +
                      (policy.command == "all" ? std::string("every command") : policy.command);
    if (policy.permissive) {
        for (const auto& [other, kept] : info.policies) {
            if (other == name || !kept.permissive || kept.roles != policy.roles) continue;
            if (kept.command != "all" && kept.command != policy.command) continue;
            why += "; permissive policy " + quote_ident(other) + " still grants " +
                   (policy.command == "all" ? std::string("every command") : policy.command) + " to the same roles";
            break;
        }
    }
    facts.notes.push_back(row_security_known_note(clause, display, why));
}

void row_security(AlterTableType subtype, const Target& t, StatementFacts& facts, Context& ctx) {
    RelationInfo* info = ctx.catalog.find(t.relname);
    if (info == nullptr) return;
    const bool force = subtype == AT_ForceRowSecurity || subtype == AT_NoForceRowSecurity;
    const bool on = subtype == AT_EnableRowSecurity || subtype == AT_ForceRowSecurity;
    bool& flag = force ? info->force_row_security : info->row_security;
    if (on) {
        const std::string clause = force ? "FORCE ROW LEVEL SECURITY" : "ENABLE ROW LEVEL SECURITY";
        bool reads = false;
        bool admits = false;     // a policy shows every row to every role
        bool restricted = false;  // a restrictive one narrows every read
        for (const auto& [name, policy] : info->policies) {
            reads = reads || policy_lets_read(policy.permissive, policy.command, policy.roles);
            admits = admits || admits_every_row(policy.permissive, policy.command, policy.roles, policy.filter);
            restricted = restricted || restricts_reads(policy.permissive, policy.command, policy.filter);
        }
        // The write commands no permissive policy grants: row security denies each once it applies
        // (ENABLE: to every role but the owner; FORCE of a table with row security on: the owner too).
        if (!flag && !info->policies.empty() && (!force || info->row_security)) {
            std::string denied;
            for (const std::string_view command : {"insert", "update", "delete"}) {
                bool granted = false;
                for (const auto& [name, policy] : info->policies) {
                    granted = granted || policy_grants(policy.permissive, policy.command, policy.roles, command);
                }
                if (granted) continue;
                std::string upper(command);
                for (char& ch : upper) ch = static_cast<char>(ch - 'a' + 'A');
                denied += (denied.empty() ? "" : ", ") + upper;
            }
            if (!denied.empty()) {
                facts.notes.push_back(row_security_known_note(clause + " for writes", t.display,
                                                              std::string(k_no_write_policy) + denied + ": " + policies_of(*info)));
            }
        }
        if (reads && (!admits || restricted) && !flag) {
            // Policies that read, none showing every row: the rule reports which filter and how.
            facts.notes.push_back(row_security_known_note(clause, t.display, std::string(k_filtering_policies) + read_filters(*info)));
        } else if (reads) {
            facts.notes.push_back(row_security_known_note(clause, t.display, "its policies are known: " + policies_of(*info)));
        } else if (!info->policies.empty() && !flag) {
            // Policies, none of which lets a role read (policy_reads.hpp): the rule reports it.
            facts.notes.push_back(row_security_known_note(clause, t.display, std::string(k_no_read_policy) + policies_of(*info)));
        } else if (flag) {
            facts.notes.push_back(row_security_known_note(
                clause, t.display, force ? "row level security is already forced on it: this changes nothing"
                                         : "row level security is already enabled on it: this changes nothing"));
        }
    }
    if (!on && !flag && state_known(*info, ctx)) {
        const std::string clause = force ? "NO FORCE ROW LEVEL SECURITY" : "DISABLE ROW LEVEL SECURITY";
        facts.notes.push_back(row_security_known_note(
            clause, t.display, std::string(force ? "row level security is not forced on it: " : "row level security is not enabled on it: ") +
                                   k_changes_nothing));
    }
    flag = on;
}

}  // namespace pgfence::analyze::model::alter
