#include "analyze/model/table_swap.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "analyze/model/function_attach.hpp"
#include "analyze/model/grants.hpp"
#include "analyze/model/policy_filter.hpp"
#include "analyze/model/rename_note.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

using NamesIt = std::function<bool(std::string_view schema, std::string_view relname)>;

// The new table's triggers and policies kept, at most: each of the old table's is looked for among
// them, so a file of many more costs no more than linear time (as Catalog caps a relation's
// attached functions, function_attach.hpp).
constexpr std::size_t k_max_kept = 1000;

bool names(const RangeVar* rv, const NamesIt& names_it) {
    return rv != nullptr && names_it(pg::text(rv->schemaname), pg::relname(rv));
}

// A DROP TRIGGER | POLICY's object, [schema,] table, name: whether it is on the table.
bool names(const List* items, const NamesIt& names_it) {
    const int count = pg::length(items);
    if (count < 2) return false;
    return names_it(count >= 3 ? pg::text(pg::nth(items, count - 3)) : std::string_view(), pg::text(pg::nth(items, count - 2)));
}

PolicyInfo policy_of(const CreatePolicyStmt* policy) {
    PolicyInfo out{"", policy->permissive, "all", policy_roles(policy->roles), policy_filter(policy->qual)};
    if (policy->cmd_name != nullptr) out.command = std::string(pg::text(policy->cmd_name));
    return out;
}

// What one statement of the file after the new table's CREATE gives it or takes from it.
void give(const pg::Node* stmt, TableKeeps& now, const NamesIt& names_it) {
    if (const auto* grant = pg::as<GrantStmt>(stmt); grant != nullptr && grant->objtype == OBJECT_TABLE) {
        bool names_table = grant->targtype == ACL_TARGET_ALL_IN_SCHEMA;
        for (const RangeVar* rv : pg::each<RangeVar>(grant->targtype == ACL_TARGET_OBJECT ? grant->objects : nullptr)) {
            names_table = names_table || names(rv, names_it);
        }
        if (names_table) apply_table_grant(now.privileges, grant);
    } else if (const auto* alter = pg::as<AlterTableStmt>(stmt); alter != nullptr && names(alter->relation, names_it)) {
        for (const AlterTableCmd* c : pg::each<AlterTableCmd>(alter->cmds)) {
            if (c->subtype == AT_EnableRowSecurity || c->subtype == AT_DisableRowSecurity) {
                now.row_security = c->subtype == AT_EnableRowSecurity;
            }
            if (c->subtype == AT_ForceRowSecurity || c->subtype == AT_NoForceRowSecurity) {
                now.force_row_security = c->subtype == AT_ForceRowSecurity;
            }
            enable_triggers(now.triggers, c);
        }
    } else if (const auto* policy = pg::as<CreatePolicyStmt>(stmt); policy != nullptr && names(policy->table, names_it)) {
        // A permissive USING (false) grants no row: none, as the catalog keeps it (misc.cpp).
        if (!policy->permissive || policy->qual == nullptr || could_be_true(policy->qual)) {
            std::string name(pg::text(policy->policy_name));
            if (now.policies.size() < k_max_kept || now.policies.contains(name)) now.policies[std::move(name)] = policy_of(policy);
        }
    } else if (const auto* changed = pg::as<AlterPolicyStmt>(stmt); changed != nullptr && names(changed->table, names_it)) {
        auto it = now.policies.find(std::string(pg::text(changed->policy_name)));
        if (it == now.policies.end()) return;
        if (changed->roles != nullptr) it->second.roles = policy_roles(changed->roles);
        if (changed->qual != nullptr) it->second.filter = policy_filter(changed->qual);
    } else if (const auto* trigger = pg::as<CreateTrigStmt>(stmt); trigger != nullptr && names(trigger->relation, names_it)) {
        std::string name(pg::text(trigger->trigname));
        if (pg::length(trigger->funcname) == 0 || (now.triggers.size() >= k_max_kept && !now.triggers.contains(name))) return;
        now.triggers[std::move(name)] = {std::string(pg::last_name(trigger->funcname)), true};
    } else if (const auto* drop = pg::as<DropStmt>(stmt)) {
        if (drop->removeType != OBJECT_TRIGGER && drop->removeType != OBJECT_POLICY) return;
        for (const List* items : pg::each<List>(drop->objects)) {
            if (!names(items, names_it)) continue;
            const std::string name(pg::last_name(items));
            if (drop->removeType == OBJECT_TRIGGER) now.triggers.erase(name);
            else now.policies.erase(name);
        }
    } else if (const auto* rename = pg::as<RenameStmt>(stmt)) {
        // ALTER TRIGGER | POLICY name ON table RENAME TO another.
        if (rename->renameType != OBJECT_TRIGGER && rename->renameType != OBJECT_POLICY) return;
        if (rename->newname == nullptr || rename->subname == nullptr || !names(rename->relation, names_it)) return;
        auto move = [&](auto& by_name) {
            auto node = by_name.extract(std::string(rename->subname));
            if (node.empty()) return;
            node.key() = rename->newname;
            by_name.insert(std::move(node));
        };
        if (rename->renameType == OBJECT_TRIGGER) move(now.triggers);
        else move(now.policies);
    }
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + quote_ident(name);
    return out;
}

constexpr std::string_view k_keeps = ": what stays with it: ";
constexpr std::string_view k_privileges = "privileges ";
constexpr std::string_view k_defaults = "default privileges ";
constexpr std::string_view k_row_security = "row-level security";
constexpr std::string_view k_forced = "forced row-level security";
constexpr std::string_view k_policy = "policy ";
constexpr std::string_view k_trigger = "trigger ";

// "<length> <text>" then the rest, for a name that may hold spaces.
std::string counted(std::string_view text) { return std::to_string(text.size()) + " " + std::string(text); }
bool take_counted(std::string_view& rest, std::string& out) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    const std::size_t at = static_cast<std::size_t>(end - rest.data());
    if (ec != std::errc() || at >= rest.size() || rest[at] != ' ' || rest.size() - at - 1 < n) return false;
    out = std::string(rest.substr(at + 1, n));
    rest = rest.substr(at + 1 + n);
    return true;
}
// The next word, and the rest after its space.
std::string_view take_word(std::string_view& rest) {
    const std::size_t space = rest.find(' ');
    const std::string_view word = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    return word;
}

}  // namespace

// ALTER TABLE ... ENABLE / DISABLE TRIGGER name | ALL | USER (function_attach.hpp trigger_switch).
void enable_triggers(std::map<std::string, TriggerKept>& triggers, const AlterTableCmd* cmd) {
    const std::optional<TriggerSwitch> change = trigger_switch(cmd);
    if (!change) return;
    for (auto& [name, trigger] : triggers) {
        if (change->every || (cmd->name != nullptr && name == cmd->name)) trigger.fires = change->fires;
    }
}

TableKeeps keeps_of(const RelationInfo& table) {
    TableKeeps out;
    out.privileges = table.grantees;
    out.row_security = table.row_security;
    out.force_row_security = table.force_row_security;
    out.policies = table.policies;
    for (const auto& [name, function] : table.triggers) out.triggers[name] = {function, true};
    for (const AttachedFunction& f : table.attached) {
        if (auto it = out.triggers.find(f.trigger); !f.trigger.empty() && f.disabled && it != out.triggers.end()) it->second.fires = false;
    }
    return out;
}

TableKeeps new_table_keeps(TableAcl defaults, const std::vector<const pg::Node*>& stmts, std::size_t from, std::size_t made_at,
                           const NamesIt& names_it) {
    for (std::size_t k = from; k < made_at && k < stmts.size(); ++k) {
        const auto* change = pg::as<AlterDefaultPrivilegesStmt>(stmts[k]);
        if (change == nullptr || change->action == nullptr || change->action->objtype != OBJECT_TABLE) continue;
        bool for_role = false;  // FOR ROLE r: tables r creates, not counted (grants.cpp)
        for (const DefElem* d : pg::each<DefElem>(change->options)) for_role = for_role || pg::text(d->defname) == "roles";
        if (!for_role) apply_table_grant(defaults, change->action);
    }
    TableKeeps now;
    now.privileges = std::move(defaults);
    for (std::size_t k = made_at + 1; k < stmts.size(); ++k) give(stmts[k], now, names_it);
    return now;
}

LostWithTable lost_in_swap(const TableKeeps& old, const TableKeeps& now) {
    LostWithTable out;
    for (const auto& [role, had] : old.privileges) {
        auto it = now.privileges.find(role);
        const unsigned has = it == now.privileges.end() ? 0 : it->second;
        // A privilege on the table covers it on every column.
        const unsigned lost = had & ~(has | (has & k_all_table_privileges) << k_column_privileges);
        if (lost == 0) continue;
        ++out.privilege_roles;
        out.privileges += (out.privileges.empty() ? "" : ", ") + (role == "public" ? std::string("PUBLIC") : quote_ident(role)) + " (" +
                          privilege_names(lost) + ")";
    }
    out.row_security = old.row_security && !now.row_security;
    out.force_row_security = old.row_security && old.force_row_security && !out.row_security && !now.force_row_security;
    // Policies apply only where row-level security is on: each of the old table's needs one on the
    // new table of the same kind, command, roles and rows (its name and expressions aside).
    for (const auto& [name, policy] : old.row_security ? old.policies : std::map<std::string, PolicyInfo>{}) {
        const bool kept = std::any_of(now.policies.begin(), now.policies.end(), [&](const auto& p) {
            return p.second.permissive == policy.permissive && p.second.command == policy.command && p.second.roles == policy.roles &&
                   p.second.filter == policy.filter;
        });
        if (!kept) (policy.permissive ? out.permissive_policies : out.restrictive_policies).push_back(name);
    }
    // A trigger that fired: the new table's of the same name or function.
    for (const auto& [name, trigger] : old.triggers) {
        if (!trigger.fires) continue;
        bool made = false, fires = false;
        for (const auto& [new_name, t] : now.triggers) {
            if (new_name != name && t.function != trigger.function) continue;
            made = true;
            fires = fires || t.fires;
        }
        if (!made) out.triggers.push_back(name);
        else if (!fires) out.disabled_triggers.push_back(name);
    }
    return out;
}

std::vector<std::string> LostWithTable::clauses(std::string_view gone) const {
    // "its triggers a, b are" or "its trigger a is"; "they" or "it".
    auto its = [](std::string_view what, const std::vector<std::string>& names) {
        return "its " + std::string(what) + (names.size() == 1 ? " " : "s ") + quoted_list(names) + (names.size() == 1 ? " is" : " are");
    };
    auto they = [](const std::vector<std::string>& names) { return std::string(names.size() == 1 ? "it" : "they"); };
    std::vector<std::string> out;
    if (!privileges.empty()) {
        out.push_back("the privileges GRANTs gave " + privileges + " on it are not granted again: they stay with the " + std::string(gone) +
                      ", and those queries get \"permission denied for table\"");
    }
    if (row_security) {
        // Without row-level security its policies filter nothing: one clause says both.
        std::vector<std::string> policies = permissive_policies;
        policies.insert(policies.end(), restrictive_policies.begin(), restrictive_policies.end());
        std::sort(policies.begin(), policies.end());
        const std::string what =
            policies.empty() ? "is" : (policies.size() == 1 ? "and policy " : "and policies ") + quoted_list(policies) + " are";
        out.push_back("its row-level security " + what + " not made again: the new one shows every row to whoever may read it");
    } else {
        if (force_row_security) out.push_back("its FORCE ROW LEVEL SECURITY is not set again: the new one shows every row to its owner");
        if (!permissive_policies.empty()) {
            out.push_back(its("permissive policy", permissive_policies) + " not made again (the same command, roles and rows): the rows " +
                          they(permissive_policies) + " admitted are hidden from the roles " + they(permissive_policies) + " applied to");
        }
        if (!restrictive_policies.empty()) {
            out.push_back(its("restrictive policy", restrictive_policies) + " not made again (the same command, roles and rows): " +
                          "the rows " + they(restrictive_policies) + " held back are shown");
        }
    }
    if (!triggers.empty()) out.push_back(its("trigger", triggers) + " not made again: what " + they(triggers) + " did on each write stops");
    if (!disabled_triggers.empty()) {
        out.push_back(its("trigger", disabled_triggers) + " made again but disabled: what " + they(disabled_triggers) +
                      " did on each write stops");
    }
    return out;
}

void note_table_keeps(std::string_view relation, const TableKeeps& keeps, const TableAcl& defaults, StatementFacts& facts) {
    const std::string head = std::string(k_renamed_columns_prefix) + std::string(relation) + std::string(k_keeps);
    for (const auto& [role, bits] : keeps.privileges) {
        facts.notes.push_back(head + std::string(k_privileges) + privilege_letters(bits) + " " + role);
    }
    for (const auto& [role, bits] : defaults) facts.notes.push_back(head + std::string(k_defaults) + privilege_letters(bits) + " " + role);
    if (keeps.row_security) facts.notes.push_back(head + std::string(k_row_security));
    if (keeps.force_row_security) facts.notes.push_back(head + std::string(k_forced));
    for (const auto& [name, p] : keeps.policies) {
        facts.notes.push_back(head + std::string(k_policy) + (p.permissive ? "permissive " : "restrictive ") + p.command + " " +
                              counted(p.roles) + " " + counted(p.filter) + " " + name);
    }
    for (const auto& [name, t] : keeps.triggers) {
        facts.notes.push_back(head + std::string(k_trigger) + (t.fires ? "fires " : "disabled ") + counted(t.function) + " " + name);
    }
}

TableKeeps read_table_keeps(const StatementFacts& statement, std::string_view relation, TableAcl& defaults) {
    const std::string head = std::string(k_renamed_columns_prefix) + std::string(relation) + std::string(k_keeps);
    TableKeeps out;
    for (const std::string& note : statement.notes) {
        if (!note.starts_with(head)) continue;
        std::string_view rest = std::string_view(note).substr(head.size());
        if (rest == k_row_security) out.row_security = true;
        if (rest == k_forced) out.force_row_security = true;
        for (auto [prefix, acl] : {std::pair{k_privileges, &out.privileges}, std::pair{k_defaults, &defaults}}) {
            if (!rest.starts_with(prefix)) continue;
            std::string_view entry = rest.substr(prefix.size());
            const unsigned bits = privileges_of_letters(take_word(entry));
            if (!entry.empty()) (*acl)[std::string(entry)] = bits;
        }
        if (rest.starts_with(k_policy)) {
            rest.remove_prefix(k_policy.size());
            PolicyInfo p;
            p.permissive = take_word(rest) == "permissive";
            p.command = std::string(take_word(rest));
            if (!take_counted(rest, p.roles) || !rest.starts_with(' ')) continue;
            rest.remove_prefix(1);
            if (!take_counted(rest, p.filter) || !rest.starts_with(' ')) continue;
            out.policies[std::string(rest.substr(1))] = std::move(p);
        }
        if (rest.starts_with(k_trigger)) {
            rest.remove_prefix(k_trigger.size());
            TriggerKept t;
            t.fires = take_word(rest) == "fires";
            if (!take_counted(rest, t.function) || !rest.starts_with(' ')) continue;
            out.triggers[std::string(rest.substr(1))] = std::move(t);
        }
    }
    return out;
}

}  // namespace pgfence::analyze::model
