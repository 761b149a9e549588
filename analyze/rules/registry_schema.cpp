#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

void register_schema_rules(std::vector<Rule>& rules) {
    (void)rules;
}

}  // namespace pgfence::analyze::rules
