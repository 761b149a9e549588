#include "analyze/rules/rule.hpp"

#include <algorithm>

#include "analyze/rules/finding_room.hpp"

namespace pgfence::analyze::rules {

Finding& Sink::add(const StatementFacts& statement, std::string message) {
    Finding f;
    f.rule = std::string(m_rule);
    f.risk = m_risk;
    f.message = std::move(message);
    f.statement = statement.index;
    f.start = statement.span.start;
    f.stop = statement.span.stop;
    if (m_subcommand != nullptr) f.subcommand = *m_subcommand;
    make_room_for_one(m_out);
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
    make_room_for_one(m_out);
    m_out.push_back(std::move(f));
    return m_out.back();
}

#define PGFENCE_RULE_ENTRY(name) PGFENCE_RULE(name);
#include "analyze/rules/rule_list.inc"
#undef PGFENCE_RULE_ENTRY

const std::vector<Rule>& all_rules() {
    static const std::vector<Rule> k_rules = [] {
        std::vector<Rule> rules = {
#define PGFENCE_RULE_ENTRY(name) rule_##name(),
#include "analyze/rules/rule_list.inc"
#undef PGFENCE_RULE_ENTRY
        };
        std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.id < b.id; });
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

const std::string& StatementContext::display_name(const RangeVar* rv) const {
    for (const auto& [known, name] : names) {
        if (known == rv) return name;
    }
    names.emplace_back(rv, pg::display_name(rv));
    return names.back().second;
}

}  // namespace pgfence::analyze::rules
