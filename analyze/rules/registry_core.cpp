#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

Rule rule_unparsable_statement();
Rule rule_unknown_statement();
Rule rule_unused_suppression();
Rule rule_concurrently_in_transaction();
Rule rule_lock_timeout_missing();
Rule rule_lock_timeout_too_long();
Rule rule_statement_timeout_missing();
Rule rule_application_name_missing();
Rule rule_idle_in_transaction_timeout_missing();
Rule rule_create_index_without_concurrently();
Rule rule_add_foreign_key_without_not_valid();
Rule rule_identifier_too_long();
Rule rule_drop_not_null();
Rule rule_syntax_newer_than_target();

void register_core_rules(std::vector<Rule>& rules) {
    for (auto make : {rule_unparsable_statement, rule_unknown_statement, rule_unused_suppression,
                      rule_concurrently_in_transaction, rule_lock_timeout_missing, rule_lock_timeout_too_long,
                      rule_statement_timeout_missing, rule_application_name_missing,
                      rule_idle_in_transaction_timeout_missing, rule_create_index_without_concurrently,
                      rule_add_foreign_key_without_not_valid, rule_identifier_too_long, rule_drop_not_null, rule_syntax_newer_than_target}) {
        rules.push_back(make());
    }
}

}  // namespace pgfence::analyze::rules
