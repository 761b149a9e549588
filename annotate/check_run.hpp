#pragma once
// The `pgfence` check run (GitHub Checks API), as request bodies: the bot sends them, this
// file only decides what they say. One create body (completed, with the conclusion, the
// summary and the first 50 annotations) and one update body per further 50 annotations,
// because the API takes at most 50 per request and appends them across updates.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/model/facts.hpp"
#include "annotate/markdown.hpp"

namespace pgfence::annotate {

inline constexpr std::size_t k_annotations_per_request = 50;
inline constexpr std::size_t k_check_output_max_bytes = 65535;  // output.summary and output.text each

struct CheckRunOptions {
    std::string head_sha;
    analyze::Risk max_risk = analyze::Risk::Medium;  // a finding above it fails the check
    // A new unknown-statement finding (SQL pgfence could not see) fails it too, whatever its
    // risk (issue #53); `unknown = "warn"` in the configuration turns that off.
    bool unknown_fails = true;
    std::string name = "pgfence";
    std::optional<std::string> details_url;
    std::string root;                    // paths are made relative to it (empty: the current directory)
    std::size_t max_annotations = 1000;  // beyond this the summary points to SARIF / the comment
    ReviewLinks links;                   // file:line and rule links in the summary and text
    std::vector<PullRequestSuppression> pull_request_suppressions;  // named in the title and summary
};

struct CheckRunPlan {
    std::string conclusion;                   // "failure", "neutral" or "success"
    nlohmann::json create;                    // POST /repos/{owner}/{repo}/check-runs
    std::vector<nlohmann::json> updates;      // PATCH .../check-runs/{id}, in order
    std::size_t annotations = 0;              // sent in all (a file's session settings fold into one)
    std::size_t annotations_left_out = 0;     // findings not annotated: over max_annotations
};

// failure: a finding that is not pre-existing has a risk above max_risk, or is an
// unknown-statement one when `unknown_fails` (or a file could not be read); success: no
// findings at all; neutral: findings, none of them failing.
// `suppressed_by_pull_request`: findings pgfence-ignore comments the pull request adds hide,
// which make it "neutral", never "success".
[[nodiscard]] std::string check_conclusion(const analyze::Report& report, analyze::Risk max_risk, bool unknown_fails = true,
                                           std::size_t suppressed_by_pull_request = 0);

[[nodiscard]] CheckRunPlan plan_check_run(const analyze::Report& report, const CheckRunOptions& options);

}  // namespace pgfence::annotate
