#include "analyze/model/stored_builtins.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyze/model/function_calls.hpp"
#include "analyze/model/function_uses.hpp"
#include "analyze/model/rule_actions.hpp"
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
        // PostgreSQL 15's "System Administration Functions" (func.sgml, functions-admin) that act
        // on the server or its replication, and dblink_exec, which runs a command given as text (dblink() itself is
        // the usual way to read a remote table from a view: not listed). Left out:
        // pg_logical_slot_peek_changes and _binary_changes, which return the changes "again on
        // future calls" (not consumed); pg_stat_reset* and the other volatile ones fall to
        // unmodelled_volatile_builtin below.
        {"pg_logical_slot_get_changes", "consumes the changes of a logical replication slot: its consumer (a replica, a change-data pipeline) never receives them"},
        {"pg_logical_slot_get_binary_changes", "consumes the changes of a logical replication slot: its consumer (a replica, a change-data pipeline) never receives them"},
        {"pg_replication_slot_advance", "advances a replication slot: the changes it skips are lost to the slot's consumer"},
        {"pg_drop_replication_slot", "drops a replication slot: its consumer (a replica, a change-data pipeline) stops"},
        {"pg_create_logical_replication_slot", "creates a replication slot, which keeps WAL on the server until something consumes it"},
        {"pg_create_physical_replication_slot", "creates a replication slot, which keeps WAL on the server until something consumes it"},
        {"pg_copy_logical_replication_slot", "creates a replication slot, which keeps WAL on the server until something consumes it"},
        {"pg_copy_physical_replication_slot", "creates a replication slot, which keeps WAL on the server until something consumes it"},
        {"pg_replication_origin_drop", "drops a replication origin: a subscription's replay progress is lost"},
        {"pg_replication_origin_advance", "moves a replication origin's progress: a subscription skips or replays changes"},
        {"pg_rotate_logfile", "makes the server's log collector switch to a new log file"},
        {"pg_switch_wal", "forces the server to switch to a new WAL file (a segment written and archived per call)"},
        {"pg_promote", "promotes a standby server to primary"},
        {"dblink_exec", "runs a command given as text (a write, DDL) over a connection to a database, this one or another"},
    };
    for (const auto& [known, effect] : k_effects) {
        if (known == name) return effect;
    }
    // Its sentences start "it ..." ("it resets statistics..."): read after "which".
    std::string_view unmodelled = unmodelled_volatile_builtin(name);
    if (unmodelled.starts_with("it ")) unmodelled.remove_prefix(3);
    return unmodelled;
}

namespace {

// Whether every set_config( call of `text` sets a custom setting (a name with a dot, as
// 'app.user' or 'storage.gc.prefixes') for the transaction only (its third argument true): a flag
// a trigger leaves for the rest of the write's transaction, which changes nothing PostgreSQL reads.
bool only_local_custom_settings(std::string_view original) {
    std::string text(original);
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    bool any = false;
    for (std::size_t at = 0; (at = text.find("set_config", at)) != std::string::npos; at += 10) {
        std::size_t open = at + 10;
        while (open < text.size() && std::isspace(static_cast<unsigned char>(text[open])) != 0) ++open;
        if (open >= text.size() || text[open] != '(') continue;
        // The arguments at depth 1, split on commas outside quotes and parentheses.
        std::vector<std::string> args(1);
        int depth = 0;
        bool quoted = false;
        std::size_t k = open + 1;
        for (; k < text.size(); ++k) {
            const char c = text[k];
            if (c == '\'') quoted = !quoted;
            if (!quoted && c == '(') ++depth;
            if (!quoted && c == ')' && depth-- == 0) break;
            if (!quoted && c == ',' && depth == 0) {
                args.emplace_back();
                continue;
            }
            args.back() += c;
        }
        if (k >= text.size() || args.size() != 3) return false;
        auto trimmed = [](std::string v) {
            const std::size_t b = v.find_first_not_of(" \t\r\n");
            const std::size_t e = v.find_last_not_of(" \t\r\n");
            v = b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
            std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            return v;
        };
        const std::string name = trimmed(args[0]);
        const std::string local = trimmed(args[2]);
        if (name.size() < 2 || name.front() != '\'' || name.find('.') == std::string::npos) return false;
        if (local != "true" && local != "'t'" && local != "'true'" && local != "'on'") return false;
        any = true;
    }
    return any;
}

// A built-in a trigger's function is expected to call, in its definition `text`: a notification
// to the sessions that LISTEN is what a LISTEN/NOTIFY trigger is made for (NOTIFY's documentation
// shows one sent from a trigger); an advisory lock held to the end of the write's transaction is
// how a trigger serializes the writes of one key, by design; a custom setting for the transaction
// is a flag for the trigger's own later runs.
bool expected_in_trigger(std::string_view name, std::string_view text) {
    if (name == "pg_notify" || name == "pg_advisory_xact_lock" || name == "pg_advisory_xact_lock_shared" ||
        name == "pg_try_advisory_xact_lock" || name == "pg_try_advisory_xact_lock_shared") {
        return true;
    }
    return name == "set_config" && only_local_custom_settings(text);
}

}  // namespace

std::string CallFollower::builtin_effect_of(const std::shared_ptr<const FunctionInfo>& function, bool trigger) {
    const std::pair<const FunctionInfo*, bool> key{function.get(), trigger};
    if (auto known = m_builtin_effects.find(key); known != m_builtin_effects.end()) return known->second.second;
    // Marked first: a function that calls itself, or one on the way to it, adds nothing more.
    m_builtin_effects[key] = {function, std::string()};
    std::string found;
    const std::string self = (function->schema.empty() ? "" : function->schema + ".") + function->name + "()";
    for (const std::string& name : called_names(function->definition)) {
        if (std::string_view effect = stored_builtin_effect(name); !effect.empty() && !(trigger && expected_in_trigger(name, function->definition))) {
            found = self + ", which calls " + name + "(), which " + std::string(effect);
            break;
        }
        if (name == function->name) continue;
        for (const auto& callee : calls::matching(m_ctx->catalog, name, std::string())) {
            std::string inner = builtin_effect_of(callee, trigger);
            if (!inner.empty()) {
                found = self + ", which calls " + inner;
                break;
            }
        }
        if (!found.empty()) break;
    }
    m_builtin_effects[key].second = found;
    return found;
}

void CallFollower::note_stored_builtins(const pg::Node* stmt, const StoredTarget& target, StatementFacts& facts) {
    // Each function the statement stores a call of (schema as written, name), with how: called by
    // name, attached (a trigger's function, an operator's, a cast's: m_attached), or run by an
    // operator an expression uses (a CREATE OPERATOR the catalog remembers, operator_function_key).
    struct Reached {
        std::string schema;
        std::string name;
        std::string via;        // "" or "operator ###, which runs "
        bool builtin = true;    // may be one of PostgreSQL's own
    };
    std::vector<Reached> reached;
    auto add_all = [&](const pg::Node* node) {
        std::optional<CallsAndOperators> found = calls::names_in(node);
        if (!found) return false;
        for (const std::vector<std::string>& parts : found->calls) {
            reached.push_back({parts.size() > 1 ? parts[parts.size() - 2] : std::string(), parts.back(), std::string()});
        }
        std::set<std::string> looked_up;
        for (const std::vector<std::string>& parts : found->operators) {
            if (!looked_up.insert(parts.back()).second) continue;
            const std::vector<std::string>* functions = m_ctx->catalog.object_uses(operator_function_key(parts.back()));
            if (functions == nullptr) continue;
            for (const std::string& function : *functions) {
                const std::size_t cut = function.find('\0');
                if (cut == std::string::npos) continue;
                reached.push_back({function.substr(0, cut), function.substr(cut + 1), "operator " + parts.back() + ", which runs "});
            }
        }
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
    // A trigger's function returns trigger: none of the built-ins here, and the contrib ones made for
    // it (moddatetime, lo_manage...) do what the trigger is for. A rule's actions are create-rule's.
    for (const Attachment& a : m_attached) {
        if (is_rule_function_name(a.function.name)) continue;
        reached.push_back({a.function.schema, a.function.name, std::string(), !pg::is<CreateTrigStmt>(stmt)});
    }
    std::set<std::string> said;
    for (const Reached& r : reached) {
        std::string name = r.name;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch); });
        std::string why;
        if (r.builtin && (r.schema.empty() || r.schema == "pg_catalog")) {
            if (std::string_view effect = stored_builtin_effect(name); !effect.empty()) why = name + "(), which " + std::string(effect);
        }
        if (why.empty()) {
            for (const auto& function : calls::matching(m_ctx->catalog, r.name, r.schema)) {
                why = builtin_effect_of(function, !r.builtin);
                if (!why.empty()) break;
            }
        }
        if (why.empty() || !said.insert(why).second) continue;
        facts.notes.push_back(std::string(k_stored_builtin_note) + target.object + " now calls " + r.via + why +
                              "; from the moment this commits, that runs " + target.when);
    }
}

void CallFollower::note_body_builtins(const std::shared_ptr<const FunctionInfo>& function, std::size_t first) {
    if (m_out == nullptr) return;
    bool plain = builtin_effect_of(function).empty();
    bool trigger = builtin_effect_of(function, true).empty();
    for (std::size_t k = first; k < m_out->size() && (plain || trigger); ++k) {
        // Read as builtin_effect_of reads a definition: the names its text calls.
        const rules::CalledStatement& c = (*m_out)[k];
        for (const std::string& name : called_names(c.facts.sql)) {
            std::string_view effect = stored_builtin_effect(name);
            if (effect.empty()) continue;
            const std::string sql = c.facts.sql.substr(0, 80) + (c.facts.sql.size() > 80 ? "..." : "");
            const std::string found = (function->schema.empty() ? "" : function->schema + ".") + function->name + "(), whose body runs `" + sql +
                                      "` (SQL its EXECUTE builds, or a statement of a function it runs), which calls " + name + "(), which " +
                                      std::string(effect);
            if (plain) m_builtin_effects[{function.get(), false}] = {function, found};
            const bool expected = expected_in_trigger(name, c.facts.sql);
            if (trigger && !expected) m_builtin_effects[{function.get(), true}] = {function, found};
            plain = false;
            trigger = trigger && expected;
        }
    }
}

}  // namespace pgfence::analyze
