// ALTER TABLE ... ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY: the table's row
// security as the migrations leave it (pg_class.relrowsecurity and relforcerowsecurity, which
// ATExecSetRowSecurity and ATExecForceNoForceRowSecurity in PostgreSQL's
// src/backend/commands/tablecmds.c set and clear independently), and what the statement does
// given the table's policies (CREATE POLICY, misc.cpp; DROP POLICY, drop.cpp; ALTER POLICY ...
// RENAME, rename.cpp).
#include <string>

#include "analyze/model/alter_table_parts.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model::alter {

namespace {

// "p1, p2 (created by db/001.sql)", at most a few of them: a table of many policies, enabled by
// many statements, makes notes of bounded size.
std::string policies_of(const RelationInfo& info) {
    constexpr std::size_t k_shown = 3;
    std::string out;
    std::size_t shown = 0;
    for (const auto& [name, source] : info.policies) {
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

}  // namespace

void row_security(AlterTableType subtype, const Target& t, StatementFacts& facts, Context& ctx) {
    RelationInfo* info = ctx.catalog.find(t.relname);
    if (info == nullptr) return;
    const bool force = subtype == AT_ForceRowSecurity || subtype == AT_NoForceRowSecurity;
    const bool on = subtype == AT_EnableRowSecurity || subtype == AT_ForceRowSecurity;
    bool& flag = force ? info->force_row_security : info->row_security;
    if (on) {
        const std::string clause = force ? "FORCE ROW LEVEL SECURITY" : "ENABLE ROW LEVEL SECURITY";
        if (!info->policies.empty()) {
            facts.notes.push_back(row_security_known_note(clause, t.display, "its policies are known: " + policies_of(*info)));
        } else if (flag) {
            facts.notes.push_back(row_security_known_note(
                clause, t.display, force ? "row level security is already forced on it: this changes nothing"
                                         : "row level security is already enabled on it: this changes nothing"));
        }
    }
    flag = on;
}

}  // namespace pgfence::analyze::model::alter
