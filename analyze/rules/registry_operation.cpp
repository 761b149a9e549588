#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

void register_operation_rules(std::vector<Rule>& rules) {
    (void)rules;
}

}  // namespace pgfence::analyze::rules
