#include "analyze/model/volatile_builtins.hpp"

#include <iterator>
#include <unordered_set>

namespace pgfence::analyze {
namespace {

constexpr std::string_view k_volatile[] = {
#include "analyze/volatile_functions.inc"
};

// VOLATILE built-ins known not to act on anything the application relies on: they return a new
// value each call (random, clocks, UUIDs, salts), read state that varies (sizes, positions in the
// WAL, statistics, pages, the server's files and settings, locks held), take advisory locks,
// which only sessions asking for the same key wait for, or notify the sessions that listen. And the ones a rule models wherever they
// are called: nextval/setval (sequence-reset), set_config (the session model), lo_unlink and the
// backend signals (terminate-backends), replication slots and origins (replication-stopped), SQL
// given as text (function_calls.cpp runs_sql_text: unknown).
const std::unordered_set<std::string_view>& harmless() {
    static const std::unordered_set<std::string_view> k_set = {
        // New values.
        "random", "setseed", "normal_rand", "clock_timestamp", "timeofday", "gen_random_uuid", "gen_random_bytes",
        "gen_salt", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "pgp_sym_encrypt",
        "pgp_sym_encrypt_bytea", "pgp_pub_encrypt", "pgp_pub_encrypt_bytea", "bernoulli", "system", "system_rows",
        "system_time", "int_agg_state", "int_agg_final_array", "pg_sleep", "pg_sleep_for", "pg_sleep_until",
        // Sequences and settings, modelled.
        "nextval", "setval", "currval", "lastval", "set_config",
        // A notification reaches only the sessions that LISTEN on its channel, at commit.
        "pg_notify",
        // Advisory locks: cooperative, only a session asking for the same key waits.
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_all",
        "pg_advisory_unlock_shared", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared", "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared",
        // Reads of sizes, positions, statistics and state.
        "pg_relation_size", "pg_table_size", "pg_indexes_size", "pg_total_relation_size", "pg_database_size",
        "pg_tablespace_size", "pg_relpages", "pg_current_wal_lsn", "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn",
        "pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp", "pg_is_in_recovery",
        "pg_is_wal_replay_paused", "pg_get_wal_replay_pause_state", "pg_blocking_pids", "pg_safe_snapshot_blocking_pids",
        "pg_isolation_test_session_is_blocked", "pg_lock_status", "pg_prepared_xact", "pg_jit_available",
        "pg_control_checkpoint", "pg_control_init", "pg_control_recovery", "pg_control_system", "pg_current_logfile",
        "pg_sequence_last_value", "pg_partition_tree", "pg_partition_ancestors", "pg_collation_actual_version",
        "pg_database_collation_actual_version", "pg_notification_queue_usage", "pg_show_all_file_settings",
        "pg_hba_file_rules", "pg_ident_file_mappings", "pg_get_backend_memory_contexts", "pg_get_shmem_allocations",
        "pg_get_multixact_members", "pg_last_committed_xact", "pg_xact_commit_timestamp", "pg_xact_commit_timestamp_origin",
        "pg_xact_status", "txid_status", "current_query", "pg_export_snapshot", "pg_stat_get_recovery_prefetch",
        "pg_stat_have_stats", "pg_stat_clear_snapshot", "pg_stat_get_xact_blocks_fetched", "pg_stat_get_xact_blocks_hit",
        "pg_stat_get_xact_function_calls", "pg_stat_get_xact_function_self_time", "pg_stat_get_xact_function_total_time",
        "pg_stat_get_xact_numscans", "pg_stat_get_xact_tuples_deleted", "pg_stat_get_xact_tuples_fetched",
        "pg_stat_get_xact_tuples_hot_updated", "pg_stat_get_xact_tuples_inserted", "pg_stat_get_xact_tuples_returned",
        "pg_stat_get_xact_tuples_updated", "pg_stat_statements", "pg_stat_statements_info", "pg_buffercache_pages",
        "pg_freespace", "pg_visibility", "pg_visibility_map", "pg_visibility_map_summary", "pg_check_frozen",
        "pg_check_visible", "pgstattuple", "pgstattuple_approx", "pgstatindex", "pgstatginindex", "pgstathashindex",
        "pgrowlocks", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir",
        "pg_ls_logicalmapdir", "pg_ls_logicalsnapdir", "pg_ls_replslotdir", "pg_logdir_ls", "pg_stat_file",
        "pg_get_wal_record_info", "pg_get_wal_records_info", "pg_get_wal_records_info_till_end_of_wal",
        "pg_get_wal_resource_managers", "pg_get_wal_stats", "pg_get_wal_stats_till_end_of_wal",
        "pg_old_snapshot_time_mapping", "ssl_cipher", "ssl_client_cert_present", "ssl_client_dn", "ssl_client_dn_field",
        "ssl_client_serial", "ssl_extension_info", "ssl_is_used", "ssl_issuer_dn", "ssl_issuer_field", "ssl_version",
        // Pages read for inspection (pageinspect).
        "get_raw_page", "page_header", "page_checksum", "heap_page_items", "heap_page_item_attrs", "tuple_data_split",
        "heap_tuple_infomask_flags", "fsm_page_contents", "bt_metap", "bt_page_items", "bt_page_stats", "brin_metapage_info",
        "brin_page_items", "brin_page_type", "brin_revmap_data", "gin_leafpage_items", "gin_metapage_info",
        "gin_page_opaque_info", "gist_page_items", "gist_page_items_bytea", "gist_page_opaque_info", "hash_bitmap_info",
        "hash_metapage_info", "hash_page_items", "hash_page_stats", "hash_page_type",
        // Modelled by rules wherever they are called.
        "lo_unlink", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_drop_replication_slot",
        "pg_replication_slot_advance", "pg_logical_slot_get_changes", "pg_logical_slot_get_binary_changes",
        "pg_replication_origin_drop", "pg_replication_origin_advance", "pg_logical_slot_peek_changes",
        "pg_logical_slot_peek_binary_changes", "dblink", "dblink_exec", "dblink_open",
        "dblink_send_query", "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "ts_stat"};
    return k_set;
}

}  // namespace

std::string_view unmodelled_volatile_builtin(std::string_view name) {
    static const std::unordered_set<std::string_view> k_set(std::begin(k_volatile), std::end(k_volatile));
    if (k_set.count(name) == 0 || harmless().count(name) > 0) return {};
    if (name.starts_with("lo_") || name == "loread" || name == "lowrite") return "it reads or writes large objects";
    if (name.starts_with("pg_stat_reset")) return "it resets statistics the server and its operators rely on";
    if (name.find("replication") != std::string_view::npos) {
        return "it creates or changes replication state (a slot keeps WAL on the server until it is consumed)";
    }
    if (name.starts_with("binary_upgrade_")) return "it changes what pg_upgrade's next object will be";
    if (name.starts_with("pg_file_") || name == "lo_import" || name == "lo_export") return "it writes, renames or removes files on the server";
    return "PostgreSQL marks it VOLATILE (it may change something besides its result), and pgfence does not model what it does";
}

}  // namespace pgfence::analyze
