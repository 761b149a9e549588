#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

Rule rule_add_column_not_null_without_default();
Rule rule_add_column_volatile_default();
Rule rule_add_column_stored_generated();
Rule rule_add_column_serial();
Rule rule_add_column_identity();
Rule rule_alter_column_type_rewrite();
Rule rule_set_not_null_scan();
Rule rule_add_check_without_not_valid();
Rule rule_add_unique_without_index();
Rule rule_add_primary_key_without_index();
Rule rule_add_exclusion_constraint();
Rule rule_add_domain_constraint();
Rule rule_rename_table();
Rule rule_rename_column();
Rule rule_set_logged_unlogged();
Rule rule_alter_table_rewrite();

// Schema changes that rewrite or scan an existing table, or break the code running against it.
void register_schema_rules(std::vector<Rule>& rules) {
    for (auto make : {rule_add_column_not_null_without_default, rule_add_column_volatile_default,
                      rule_add_column_stored_generated, rule_add_column_serial, rule_add_column_identity,
                      rule_alter_column_type_rewrite, rule_set_not_null_scan, rule_add_check_without_not_valid,
                      rule_add_unique_without_index, rule_add_primary_key_without_index, rule_add_exclusion_constraint,
                      rule_add_domain_constraint, rule_rename_table, rule_rename_column, rule_set_logged_unlogged,
                      rule_alter_table_rewrite}) {
        rules.push_back(make());
    }
}

}  // namespace pgfence::analyze::rules
