#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

void register_transaction_rules(std::vector<Rule>& rules) {
    (void)rules;
}

}  // namespace pgfence::analyze::rules
