#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

Rule rule_drop_index_without_concurrently();
Rule rule_reindex_without_concurrently();
Rule rule_drop_table();
Rule rule_drop_column();
Rule rule_drop_schema();
Rule rule_drop_database();
Rule rule_truncate();
Rule rule_truncate_cascade();
Rule rule_vacuum_full();
Rule rule_cluster();
Rule rule_attach_partition_scan();
Rule rule_detach_partition_without_concurrently();
Rule rule_refresh_matview_without_concurrently();
Rule rule_create_trigger();
Rule rule_drop_trigger();
Rule rule_enum_add_value_in_transaction();
Rule rule_update_without_where();
Rule rule_delete_without_where();
Rule rule_lock_table();

// Drops, truncates, maintenance commands, partitions, triggers and whole-table DML.
void register_operation_rules(std::vector<Rule>& rules) {
    for (auto make : {rule_drop_index_without_concurrently, rule_reindex_without_concurrently, rule_drop_table,
                      rule_drop_column, rule_drop_schema, rule_drop_database, rule_truncate, rule_truncate_cascade,
                      rule_vacuum_full, rule_cluster, rule_attach_partition_scan,
                      rule_detach_partition_without_concurrently, rule_refresh_matview_without_concurrently,
                      rule_create_trigger, rule_drop_trigger, rule_enum_add_value_in_transaction,
                      rule_update_without_where, rule_delete_without_where, rule_lock_table}) {
        rules.push_back(make());
    }
}

}  // namespace pgfence::analyze::rules
