#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

Finding& Sink::add(const StatementFacts& statement, std::string message) {
    Finding f;
    f.rule = std::string(m_rule);
    f.risk = m_risk;
    f.message = std::move(message);
    f.statement = statement.index;
    f.start = statement.span.start;
    f.stop = statement.span.stop;
    m_out.push_back(std::move(f));
    return m_out.back();
}

Finding& Sink::add_at(Position start, Position stop, std::string message) {
    Finding f;
    f.rule = std::string(m_rule);
    f.risk = m_risk;
    f.message = std::move(message);
    f.start = start;
    f.stop = stop;
    m_out.push_back(std::move(f));
    return m_out.back();
}

const std::vector<Rule>& all_rules() {
    static const std::vector<Rule> k_rules = [] {
        std::vector<Rule> rules;
        register_core_rules(rules);
        register_schema_rules(rules);
        register_operation_rules(rules);
        register_type_rules(rules);
        register_transaction_rules(rules);
        return rules;
    }();
    return k_rules;
}

const Rule* find_rule(std::string_view id) {
    for (const auto& r : all_rules()) {
        if (r.id == id) return &r;
    }
    return nullptr;
}

}  // namespace pgfence::analyze::rules
