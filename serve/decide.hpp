#pragma once
// The organisation's policy applied to an upload, through governance/ (the same evaluation as
// `pgfence policy check`), in the forms the service needs: the decision as JSON (stored, audited,
// answered) and the check run's text, each item linked to the pull request's lines.
#include <chrono>
#include <memory>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"
#include "governance/exemption.hpp"
#include "governance/policy.hpp"

namespace pgfence::serve {

struct Decided {
    nlohmann::json decision;  // {"conclusion", "summary", "items": [...]}
    std::string title;        // the check run's title
    std::string text;         // the check run's text (Markdown)
};

class Policies {
public:
    // The [policy] and [repositories."OWNER/NAME"] tables of governance.toml (its text and path).
    [[nodiscard]] static analyze::Result<Policies> load(const std::string& toml_text, const std::string& path);
    // The exemptions granted on the pull request count while `now` is before their expiry; the
    // text links to the files on the GitHub at `web_url` (governance.toml's github_url).
    [[nodiscard]] analyze::Result<Decided> decide(const nlohmann::json& report, const std::string& repository,
                                                  const std::string& head_sha, const std::string& web_url,
                                                  std::span<const governance::Exemption> exemptions = {},
                                                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
    // The keys that hold for `repository`: who may approve and grant exemptions.
    [[nodiscard]] const governance::PolicySettings& settings_for(const std::string& repository) const;

private:
    struct State;
    std::shared_ptr<const State> m_state;
};

}  // namespace pgfence::serve
