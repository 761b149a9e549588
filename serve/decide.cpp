#include "serve/decide.hpp"

#include <stdexcept>

#include <toml++/toml.h>

#include "governance/decision.hpp"
#include "governance/policy_toml.hpp"
#include "governance/render.hpp"

namespace pgfence::serve {

struct Policies::State {
    governance::Policy policy;
};

analyze::Result<Policies> Policies::load(const std::string& toml_text, const std::string& path) {
    auto state = std::make_shared<State>();
    if (!toml_text.empty()) {
        toml::table root;
        try {
            root = toml::parse(toml_text, path);
        } catch (const toml::parse_error& e) {
            return analyze::Error{path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()), "",
                                  std::nullopt};
        }
        auto policy = governance::policy_from_toml(root, path);
        if (!policy) return analyze::Error{policy.error().describe(), "", std::nullopt};
        state->policy = std::move(*policy);
    }
    Policies out;
    out.m_state = std::move(state);
    return out;
}

const governance::PolicySettings& Policies::settings_for(const std::string& repository) const {
    return m_state->policy.for_repository(repository);
}

analyze::Result<Decided> Policies::decide(const nlohmann::json& report, const std::string& repository,
                                          const std::string& head_sha, const std::string& web_url,
                                          std::span<const governance::Exemption> exemptions,
                                          std::chrono::system_clock::time_point now) const {
    governance::Decision decision;
    try {
        decision = governance::evaluate(m_state->policy, report, repository, exemptions, now);
    } catch (const std::exception& e) {
        return analyze::Error{e.what(), "", std::nullopt};
    }
    Decided out;
    out.decision = governance::to_json(decision);
    const auto slash = repository.find('/');
    out.text = governance::to_markdown(decision, repository.substr(0, slash), repository.substr(slash + 1), head_sha, web_url);
    const std::size_t n = decision.items.size();
    switch (decision.conclusion) {
        case governance::Conclusion::Success: out.title = "Policy holds"; break;
        case governance::Conclusion::ActionRequired:
            out.title = "Sign-off needed: " + std::to_string(n) + (n == 1 ? " finding" : " findings");
            break;
        case governance::Conclusion::Failure: out.title = "A guardrail is broken"; break;
    }
    return out;
}

}  // namespace pgfence::serve
