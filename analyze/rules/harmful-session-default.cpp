// ALTER ROLE / DATABASE / SYSTEM ... SET of a setting that changes what every later session of the
// role (database, server) does, not only how long it may wait: search_path (unqualified names
// resolve elsewhere or not at all), row_security = off (a query on a table with row security fails
// instead of being filtered) and session_replication_role = replica (no ordinary trigger or
// foreign-key check fires for the application's writes). Checked on PostgreSQL 15 with a role's
// setting: "relation "users" does not exist", "query would be affected by row-level security
// policy for table "users"", and a DELETE leaving orders pointing at a user that is gone. No lock
// is taken. The timeouts are default-timeout-too-short's, default_transaction_read_only
// read-only-default's. Any other setting is reported unless it is on a short allowlist of settings
// that change neither what the application's queries mean nor whether it can connect
// (quiet_setting): local_preload_libraries = 'nosuch' stops every new session (PostgreSQL 15:
// FATAL could not access file "$libdir/plugins/nosuch"), role = nobody runs every query as another
// role, array_nulls = off reads '{NULL}' as the string "NULL", DateStyle swaps day and month.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

// The value of a one-value SET as text (a name, a string, a number), or nullopt.
std::optional<std::string> one_value(const VariableSetStmt* set) {
    if (pg::length(set->args) != 1) return std::nullopt;
    const auto* c = pg::as<A_Const>(pg::nth(set->args, 0));
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_String) return std::string(pg::text(c->val.sval.sval));
    if (c->val.node.type == T_Integer) return std::to_string(c->val.ival.ival);
    if (c->val.node.type == T_Boolean) return std::string(c->val.boolval.boolval ? "on" : "off");
    return std::nullopt;
}

// PostgreSQL's parse_bool (utils/adt/bool.c) for false: a prefix of false or no (at least "of" for
// off), "off", "0".
bool means_off(std::string value) {
    value = lower(value);
    const auto prefix_of = [&](std::string_view word) { return !value.empty() && word.substr(0, value.size()) == value; };
    return prefix_of("false") || prefix_of("no") || value == "off" || value == "of" || value == "0";
}

// "a, b" of a SET's constant values (for the message), at most 60 characters.
std::string setting_list(const VariableSetStmt* set) {
    std::string out;
    for (const A_Const* c : pg::each<A_Const>(set->args)) {
        if (!out.empty()) out += ", ";
        if (c->isnull) out += "NULL";
        else if (c->val.node.type == T_String) out += "'" + std::string(pg::text(c->val.sval.sval)) + "'";
        else if (c->val.node.type == T_Integer) out += std::to_string(c->val.ival.ival);
        else if (c->val.node.type == T_Float) out += pg::text(c->val.fval.fval);
        else out += "?";
    }
    return out.size() > 60 ? out.substr(0, 60) + "..." : out;
}

// "a, b" of the SET's values as SHOW would list them.
std::string path_text(const VariableSetStmt* set) {
    std::string out;
    for (const A_Const* c : pg::each<A_Const>(set->args)) {
        if (c->isnull || c->val.node.type != T_String) continue;
        if (!out.empty()) out += ", ";
        out += quote_ident(pg::text(c->val.sval.sval));
    }
    return out;
}

// Settings whose per-role or per-database default changes neither the result of the application's
// queries nor whether its sessions start (PostgreSQL 15, runtime-config-*.html): resource limits
// that only spill to disk (work_mem, maintenance_work_mem, temp_buffers, hash_mem_multiplier,
// logical_decoding_work_mem), the server log (log_*: runtime-config-logging.html), which messages
// reach the client (client_min_messages), statistics collection (track_*), the application's name,
// vacuum's cost-based delay. Not here, so reported: everything else, the planner's enable_* and
// costs included (a plan can go from milliseconds to hours), and custom (a.b) settings a policy or
// the application may read with current_setting().
bool quiet_setting(std::string_view name) {
    static constexpr std::string_view exact[] = {
        "application_name",      "work_mem",          "maintenance_work_mem", "temp_buffers",
        "hash_mem_multiplier",   "logical_decoding_work_mem", "client_min_messages", "track_activities",
        "track_counts",          "track_io_timing",   "track_functions",      "track_wal_io_timing",
        "vacuum_cost_delay",     "vacuum_cost_limit", "vacuum_cost_page_hit", "vacuum_cost_page_miss",
        "vacuum_cost_page_dirty"};
    for (std::string_view e : exact) {
        if (name == e) return true;
    }
    return name.starts_with("log_");
}

// Settings other rules judge (default-timeout-too-short, read-only-default).
bool judged_elsewhere(std::string_view name) {
    return name == "statement_timeout" || name == "lock_timeout" || name == "idle_in_transaction_session_timeout" ||
           name == "idle_session_timeout" || name == "transaction_timeout" || name == "default_transaction_read_only";
}

// Settings the server reads only when it starts (PostgreSQL 15 pg_settings.context =
// 'postmaster'): ALTER SYSTEM writes them to postgresql.auto.conf, a reload changes nothing, and the
// next restart takes them, or fails to start with them (stranger review 87: speckle's
// ALTER SYSTEM SET wal_level = logical was told it changed DateStyle-like behaviour at a reload).
bool restart_setting(std::string_view name) {
    static constexpr std::string_view exact[] = {
        "archive_mode", "autovacuum_freeze_max_age", "autovacuum_max_workers", "autovacuum_multixact_freeze_max_age",
        "cluster_name", "data_sync_retry", "dynamic_shared_memory_type", "hot_standby", "huge_pages", "huge_page_size",
        "jit_provider", "listen_addresses", "logging_collector", "max_connections", "max_files_per_process",
        "max_locks_per_transaction", "max_logical_replication_workers", "max_pred_locks_per_transaction",
        "max_prepared_transactions", "max_replication_slots", "max_wal_senders", "max_worker_processes",
        "min_dynamic_shared_memory", "old_snapshot_threshold", "port", "shared_buffers", "shared_memory_type",
        "shared_preload_libraries", "superuser_reserved_connections", "track_activity_query_size",
        "track_commit_timestamp", "unix_socket_directories", "unix_socket_group", "unix_socket_permissions",
        "wal_buffers", "wal_decode_buffer_size", "wal_level", "wal_log_hints"};
    return std::find(std::begin(exact), std::end(exact), name) != std::end(exact);
}

// What a default of `name` may do to the application, for the message.
std::string what_it_may_do(std::string_view name) {
    if (name == "local_preload_libraries" || name == "session_preload_libraries") {
        return "loads the named libraries at the start of each session: one that cannot be loaded stops the session "
               "(\"FATAL: could not access file\"), so the application cannot connect, and one that can runs its code "
               "in every session";
    }
    if (name == "role" || name == "session_authorization") {
        return "runs as another role: every query is checked against that role's privileges and policies (\"permission "
               "denied\" or rows hidden), and what it creates is owned by it";
    }
    if (name.starts_with("enable_") || name.ends_with("_cost") || name == "effective_cache_size") {
        return "plans its queries otherwise: a query that used an index may scan the whole table, from milliseconds to "
               "minutes";
    }
    return "reads and returns values otherwise than the queries were written for (array_nulls, DateStyle, "
           "IntervalStyle, extra_float_digits, bytea_output, transform_null_equals, a custom setting a policy reads "
           "...), or fails where it succeeded";
}

// The path's entries as SET received them (`"$user"` is the role's own schema; a `\$user` written in
// a .sql file is a schema literally named so: psql and the parser keep the backslash).
std::vector<std::string> path_entries(const VariableSetStmt* set) {
    std::vector<std::string> out;
    for (const A_Const* c : pg::each<A_Const>(set->args)) {
        if (!c->isnull && c->val.node.type == T_String) out.emplace_back(pg::text(c->val.sval.sval));
    }
    return out;
}

void check(const StatementContext& ctx, Sink& sink) {
    std::string scope;
    std::string sessions;  // whose sessions, in the message
    const VariableSetStmt* set = nullptr;
    if (const auto* db = ctx.as<AlterDatabaseSetStmt>()) {
        set = db->setstmt;
        scope = "ALTER DATABASE " + quote_ident(pg::text(db->dbname));
        sessions = "every new session of database " + quote_ident(pg::text(db->dbname)) + ", the application's included,";
    } else if (const auto* role = ctx.as<AlterRoleSetStmt>()) {
        set = role->setstmt;
        // A role created earlier in the file: its settings are its setup, not a change.
        if (operation::role_created_earlier(ctx, role->role)) return;
        // ALTER ROLE ALL has no RoleSpec (who is empty).
        const std::string who = operation::role_spec_text(role->role);
        scope = who.empty() ? std::string("ALTER ROLE ALL") : "ALTER ROLE " + who;
        if (role->database != nullptr) scope += " IN DATABASE " + quote_ident(pg::text(role->database));
        sessions = who.empty() ? std::string("every new session of every role, the application's included,")
                               : "every new session of role " + who + " (the application's, when it connects as it)";
    } else if (const auto* system = ctx.as<AlterSystemStmt>()) {
        set = system->setstmt;
        scope = "ALTER SYSTEM";
        sessions = "every new session of the server, once the configuration is reloaded,";
    }
    if (set != nullptr && set->kind == VAR_RESET_ALL) {
        // RESET ALL: whatever the role (database) was given goes, a search_path included; pgfence
        // does not know what was set.
        Finding& f = sink.add(ctx.statement, scope + " RESET ALL: " + sessions +
                                                 " loses every default it was given (a search_path, a timeout, "
                                                 "row_security), which pgfence cannot see: names may resolve elsewhere "
                                                 "or not at all from its next connection on, with no lock to show it");
        f.risk = Risk::Medium;
        f.fix = "reset only the settings meant to go (RESET name), after checking what is set: SELECT * FROM "
                "pg_db_role_setting";
        return;
    }
    if (set == nullptr || set->name == nullptr) return;
    const std::string name = lower(pg::text(set->name));
    const std::string where = scope + " SET " + name;
    if (name == "search_path") {
        // RESET too: the path the application was given is taken away.
        const bool reset = set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT;
        if (!reset && set->kind != VAR_SET_VALUE && set->kind != VAR_SET_CURRENT) return;
        if (set->kind == VAR_SET_CURRENT) {
            // The migration's own path, whatever an earlier SET made it: pgfence does not take it
            // to be the application's.
            Finding& f = sink.add(ctx.statement, where + " FROM CURRENT: " + sessions +
                                                     " resolves unqualified names through the path this migration's "
                                                     "session has now, which need not be the application's: a query that "
                                                     "names an object outside it fails (\"relation does not exist\"), with "
                                                     "no lock to show it");
            f.fix = "write the path: " + where + " = ..., or leave the application's search_path to its configuration";
            return;
        }
        const std::string path = reset ? std::string() : path_text(set);
        const std::vector<std::string> entries = reset ? std::vector<std::string>() : path_entries(set);
        const bool literal_user = std::find(entries.begin(), entries.end(), "\\$user") != entries.end();
        const std::string backslash = literal_user ? std::string(" (\"\\$user\" is a schema literally named \\$user, not the role's own "
                                                                 "schema \"$user\": the backslash is kept)")
                                                   : std::string();
        // The server's default path ("$user", public) kept first, in its order, schemas only appended:
        // every name found before is found in the same place; a name found nowhere may now resolve.
        if (entries.size() > 2 && entries[0] == "$user" && entries[1] == "public") {
            Finding& f = sink.add(ctx.statement,
                                  where + " = " + path + ": " + sessions +
                                      " keeps the default path \"$user\", public and appends schemas to it: a name found "
                                      "before resolves as before, and one that failed (\"does not exist\") may now "
                                      "resolve to an object of the appended schemas, with no lock to show it");
            f.risk = Risk::Medium;
            f.fix = "qualify the names the application means in the appended schemas; a role's or database's search_path "
                    "is the application's configuration, changed with it";
            return;
        }
        Finding& f = sink.add(ctx.statement,
                              (reset ? scope + " RESET search_path" : where + " = " + path) + ": " + sessions +
                                  " resolves unqualified table, function and type names through " +
                                  (reset ? std::string("the server's default path") : path) +
                                  " instead: a query that names an object outside those schemas fails (\"relation "
                                  "does not exist\"), and one in an earlier schema of the same name is used instead, "
                                  "with no lock to show it" + backslash);
        f.fix = "qualify the names the migration itself needs (schema.table), or SET search_path for the migration's own "
                "session; a role's or database's search_path is the application's configuration, changed with it";
        return;
    }
    if (set->kind != VAR_SET_VALUE && set->kind != VAR_SET_CURRENT) return;
    const std::optional<std::string> value = set->kind == VAR_SET_VALUE ? one_value(set) : std::nullopt;
    const std::string given = value                         ? " = " + value->substr(0, 60)
                              : set->kind == VAR_SET_CURRENT ? std::string(" FROM CURRENT")
                                                             : " = " + setting_list(set);
    if (name == "row_security" || name == "session_replication_role") {
        if (!value) {
            // FROM CURRENT, or a value pgfence does not read: unknown to it, so reported below.
        } else if (name == "row_security" && !means_off(*value)) {
            return;
        } else if (name == "session_replication_role" && lower(*value) != "replica") {
            return;  // origin (the default) and local fire ordinary triggers
        }
    }
    if (name != "row_security" && name != "session_replication_role") {
        if (quiet_setting(name) || judged_elsewhere(name)) return;
        if (ctx.as<AlterSystemStmt>() != nullptr && restart_setting(name)) {
            Finding& f = sink.add(ctx.statement,
                                  where + given + ": the server reads " + name + " only when it starts: a reload changes "
                                  "nothing, and at its next restart the server takes the value, or does not start when it does "
                                  "not fit the rest of its configuration (a shared_preload_libraries library that is not "
                                  "installed, wal_level = minimal with max_wal_senders above 0, too little memory for "
                                  "shared_buffers); pgfence does not know the server's configuration");
            f.fix = "change " + name + " in the server's configuration with the restart it needs planned, not in a migration";
            return;
        }
        Finding& f = sink.add(ctx.statement,
                              where + given + ": " +
                                  sessions + " " + what_it_may_do(name) + ", from its next connection on, with no lock "
                                  "to show it; pgfence does not know what the application relies on");
        f.fix = "set it for the migration's own session (SET " + name + " ...) if the migration needs it; a role's or "
                "database's defaults are the application's configuration, changed with it and checked against it";
        return;
    }
    if (!value) {
        Finding& f = sink.add(ctx.statement, where + given + ": " + sessions + " takes a value pgfence does not read "
                                                 "(off / replica would change what its queries do)");
        f.fix = "write the value: " + where + " = ...";
        return;
    }
    if (name == "row_security" && means_off(*value)) {
        Finding& f = sink.add(ctx.statement,
                              where + " = off: in " + sessions +
                                  " a query on a table with row level security, which would have been filtered by its "
                                  "policies, fails instead (\"query would be affected by row-level security policy\"), "
                                  "with no lock to show it");
        f.fix = "leave row_security at on for the application; a migration that must see every row runs as the table's "
                "owner or a role with BYPASSRLS, or SETs row_security for its own session";
        return;
    }
    if (name == "session_replication_role" && lower(*value) == "replica") {
        Finding& f = sink.add(ctx.statement,
                              where + " = replica: in " + sessions +
                                  " no ordinary trigger fires and no foreign key is checked (both are triggers): the "
                                  "application's deletes and updates leave rows pointing at rows that are gone, and its "
                                  "audit, updated_at and counter triggers stop, with no lock to show it");
        f.fix = "set session_replication_role = replica only for the session that needs it (a replication apply, a "
                "bulk load), with SET, and RESET it after";
    }
}

}  // namespace

PGFENCE_RULE(harmful_session_default) {
    return Rule{"harmful-session-default", Risk::High,
                "ALTER ROLE / DATABASE / SYSTEM ... SET of a setting that changes what every session of the "
                "application does or whether it connects (anything but log_*, work_mem, application_name ...)",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
