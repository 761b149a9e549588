#include "analyze/model/stored_builtins.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "analyze/model/function_calls.hpp"
#include "analyze/model/function_uses.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/model/volatile_builtins.hpp"

namespace pgfence::analyze {

std::string_view stored_builtin_effect(std::string_view name) {
    // Functions analyze/volatile_builtins.cpp calls harmless where a migration runs them once, or
    // modelled by a rule at the top level only: kept in an expression, they run in every
    // application statement that evaluates it (PG15 repro in the red team's report, h1 item 2).
    static const std::pair<std::string_view, std::string_view> k_effects[] = {
        {"pg_advisory_lock", "takes a session advisory lock that the application's connection keeps until it disconnects: every other connection that evaluates it waits"},
        {"pg_advisory_lock_shared", "takes a session advisory lock that the application's connection keeps until it disconnects"},
        {"pg_try_advisory_lock", "takes a session advisory lock that the application's connection keeps until it disconnects"},
        {"pg_try_advisory_lock_shared", "takes a session advisory lock that the application's connection keeps until it disconnects"},
        {"pg_advisory_xact_lock", "takes an advisory lock held to the end of the application's transaction: its writes queue behind each other"},
        {"pg_advisory_xact_lock_shared", "takes an advisory lock held to the end of the application's transaction"},
        {"pg_try_advisory_xact_lock", "takes an advisory lock held to the end of the application's transaction"},
        {"pg_try_advisory_xact_lock_shared", "takes an advisory lock held to the end of the application's transaction"},
        {"pg_advisory_unlock", "releases advisory locks the application's session holds"},
        {"pg_advisory_unlock_shared", "releases advisory locks the application's session holds"},
        {"pg_advisory_unlock_all", "releases every advisory lock the application's session holds"},
        {"pg_terminate_backend", "terminates a server process (its own connection, or another's)"},
        {"pg_cancel_backend", "cancels the query of a server process"},
        {"pg_reload_conf", "makes the server reload its configuration files"},
        {"pg_sleep", "sleeps in every statement that evaluates it, holding that statement's locks"},
        {"pg_sleep_for", "sleeps in every statement that evaluates it, holding that statement's locks"},
        {"pg_sleep_until", "sleeps in every statement that evaluates it, holding that statement's locks"},
        {"set_config", "changes a setting of the application's session (search_path, default_transaction_read_only...) for its later statements"},
        {"setval", "moves a sequence: the application's next nextval() may return values already used"},
        {"pg_notify", "sends a notification to the sessions that LISTEN on its channel"},
        {"lo_unlink", "removes a large object"},
    };
    for (const auto& [known, effect] : k_effects) {
        if (known == name) return effect;
    }
    return unmodelled_volatile_builtin(name);
}

std::string CallFollower::builtin_effect_of(const std::shared_ptr<const FunctionInfo>& function) {
    if (auto known = m_builtin_effects.find(function.get()); known != m_builtin_effects.end()) return known->second.second;
    // Marked first: a function that calls itself, or one on the way to it, adds nothing more.
    m_builtin_effects[function.get()] = {function, std::string()};
    std::string found;
    const std::string self = (function->schema.empty() ? "" : function->schema + ".") + function->name + "()";
    for (const std::string& name : called_names(function->definition)) {
        if (std::string_view effect = stored_builtin_effect(name); !effect.empty()) {
            found = self + ", which calls " + name + "(), which " + std::string(effect);
            break;
        }
        if (name == function->name) continue;
        for (const auto& callee : calls::matching(m_ctx->catalog, name, std::string())) {
            std::string inner = builtin_effect_of(callee);
            if (!inner.empty()) {
                found = self + ", which calls " + inner;
                break;
            }
        }
        if (!found.empty()) break;
    }
    m_builtin_effects[function.get()].second = found;
    return found;
}

void CallFollower::note_stored_builtins(const pg::Node* stmt, const StoredTarget& target, StatementFacts& facts) {
    std::vector<std::vector<std::string>> names;
    auto add_all = [&](const pg::Node* node) {
        std::optional<std::vector<std::vector<std::string>>> found = function_calls_in(node);
        if (!found) return false;
        names.insert(names.end(), found->begin(), found->end());
        return true;
    };
    bool read = true;
    if (const auto* alter = pg::as<AlterTableStmt>(stmt)) {
        // ALTER COLUMN ... TYPE ... USING: run once over the rows, now, not kept.
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (cmd->subtype != AT_AlterColumnType) read = read && add_all(reinterpret_cast<const pg::Node*>(cmd));
        }
    } else {
        read = add_all(stmt);
    }
    if (!read) return;  // follow_stored reports the statement unknown
    std::set<std::string> said;
    for (const std::vector<std::string>& parts : names) {
        std::string name = parts.back();
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch); });
        const std::string schema = parts.size() > 1 ? parts[parts.size() - 2] : std::string();
        std::string why;
        if (schema.empty() || schema == "pg_catalog") {
            if (std::string_view effect = stored_builtin_effect(name); !effect.empty()) why = name + "(), which " + std::string(effect);
        }
        if (why.empty()) {
            for (const auto& function : calls::matching(m_ctx->catalog, parts.back(), schema)) {
                why = builtin_effect_of(function);
                if (!why.empty()) break;
            }
        }
        if (why.empty() || !said.insert(why).second) continue;
        facts.notes.push_back(std::string(k_stored_builtin_note) + target.object + " now calls " + why +
                              "; from the moment this commits, that runs " + target.when);
    }
}

}  // namespace pgfence::analyze
