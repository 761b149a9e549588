#pragma once
// The governance policy (gov_design.md section 2, README "Governance"): when a pull request's new
// findings need a sign-off, and which guardrails fail it outright. Read from the `[policy]` table
// and its `[repositories."OWNER/NAME"]` overrides, in a file of its own or in governance.toml.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/base/error.hpp"
#include "analyze/model/findings.hpp"

namespace pgfence::governance {

// The keys of `[policy]`, as they hold for one repository.
struct PolicySettings {
    std::optional<analyze::Risk> signoff_at = analyze::Risk::High;  // nullopt: "never"
    bool require_lock_timeout = false;
    bool critical_needs_exemption = true;
    // A new unknown-statement finding (SQL pgfence could not see) needs sign-off whatever
    // signoff_at says (issue #53); false leaves it to signoff_at like any finding.
    bool unknown_needs_signoff = true;
    std::uint64_t concurrently_above_bytes = 0;  // 0: the guardrail is off
    // Rule ids an exemption may cover ("*": every rule, CRITICAL findings included).
    // nullopt, the default: every rule, but never a CRITICAL finding.
    std::optional<std::vector<std::string>> exemptable;
    // Sign-off through the service (issue #20): who may approve ("@org/team" or "login"; empty,
    // the default: nobody can sign off through the service), how many must, and whether the
    // pull request's author counts among them.
    std::vector<std::string> approvers;
    int min_approvals = 1;
    bool author_may_approve = false;
    // Who may grant an exemption with `/pgfence exempt` (nullopt: the approvers), and for how long.
    std::optional<std::vector<std::string>> exemption_granters;
    int max_exemption_days = 30;

    // The granters in force: exemption_granters, else the approvers.
    [[nodiscard]] const std::vector<std::string>& granters() const { return exemption_granters ? *exemption_granters : approvers; }

    // Whether an exemption may cover a finding of `rule` at `risk`.
    [[nodiscard]] bool may_exempt(std::string_view rule, analyze::Risk risk) const;
};

struct Policy {
    std::string source;  // the file it was read from
    PolicySettings settings;
    // Per repository, `settings` with that repository's keys applied; keys in lower case.
    std::map<std::string, PolicySettings> repositories;

    // The settings that hold for `repository` (OWNER/NAME, any case); `settings` for others.
    [[nodiscard]] const PolicySettings& for_repository(std::string_view repository) const;
};

// A policy file: only `[policy]` and `[repositories."OWNER/NAME"]` tables. Errors are
// "FILE:LINE:COLUMN: ..." (unknown key, wrong type, bad value, TOML syntax).
[[nodiscard]] analyze::Result<Policy> load_policy(const std::string& path);
// The same from text already read; `file` names it in errors.
[[nodiscard]] analyze::Result<Policy> parse_policy(const std::string& text, const std::string& file);

}  // namespace pgfence::governance
