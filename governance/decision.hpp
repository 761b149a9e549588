#pragma once
// The policy's verdict on one report (gov_design.md section 2): the check run's conclusion and
// the items behind it. The CLI (`pgfence policy check`) and the service call the same evaluate().
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/model/findings.hpp"
#include "governance/exemption.hpp"
#include "governance/policy.hpp"

namespace pgfence::governance {

enum class Conclusion { Success, ActionRequired, Failure };
enum class ItemKind { Guardrail, Signoff };
enum class Guardrail { LockTimeout, Critical, Concurrently };

[[nodiscard]] std::string_view conclusion_name(Conclusion conclusion);  // "success", "action_required", "failure"
[[nodiscard]] std::string_view guardrail_name(Guardrail guardrail);     // "lock_timeout", "critical", "concurrently"

struct Item {
    ItemKind kind = ItemKind::Signoff;
    std::optional<Guardrail> guardrail;  // set for guardrail items
    std::string path;
    int line = 0;
    std::string rule;
    analyze::Risk risk = analyze::Risk::None;
    std::string message;
};

// A finding (or the lock_timeout guardrail at a line) an exemption lifted.
struct ExemptedItem {
    std::string path;
    int line = 0;
    std::string rule;
    analyze::Risk risk = analyze::Risk::None;
    std::string reason;
    std::string owner;
};

// An exemption that did not count: "expired", or "not exemptable" under this policy.
struct IgnoredExemption {
    Exemption exemption;
    std::string why;
};

// A pgfence-ignore comment that hid a new finding but did not lift the policy: the finding counts.
struct IgnoredSuppression {
    std::string path;
    int line = 0;  // the comment's line
    std::string rule;
    analyze::Risk risk = analyze::Risk::None;
    std::string why;
};

struct Decision {
    Conclusion conclusion = Conclusion::Success;
    std::string summary;  // one sentence
    std::vector<Item> items;  // by file (report order), line, guardrails first
    PolicySettings policy;    // the settings that held for the repository
    std::vector<ExemptedItem> exempted;
    std::vector<IgnoredExemption> ignored_exemptions;
    std::vector<IgnoredSuppression> ignored_suppressions;
};

// Only new findings (pre_existing: false) count. A suppressed one counts too unless its comment
// is on the base branch (suppression_on_base: true, set by `pgfence pr`): a suppression the pull
// request wrote, or one the report cannot vouch for, lifts nothing; only an exemption does.
// `report` is a report or the upload envelope; one that read_report() refuses is a std::invalid_argument (callers check it first). An
// exemption counts while `now` is before its expires_at.
[[nodiscard]] Decision evaluate(const Policy& policy, const nlohmann::json& report, std::string_view repository,
                                std::span<const Exemption> exemptions,
                                std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace pgfence::governance
