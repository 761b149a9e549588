#pragma once
// The base and head commits of the run's pull request, from GitHub's event payload (the JSON
// file at $GITHUB_EVENT_PATH).
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"

namespace pgfence::diff {

// {base, head}: pull_request.base.sha and pull_request.head.sha (pull_request and
// pull_request_target events), or merge_group.base_sha and merge_group.head_sha (merge queue).
// Nothing for other events (push, workflow_dispatch) or when a field is missing.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> pull_request_shas(
    const nlohmann::json& event);

// The same, read from the payload file; an Error when it is unreadable or not JSON.
[[nodiscard]] analyze::Result<std::optional<std::pair<std::string, std::string>>> pull_request_shas_from_file(
    const std::string& event_path);

}  // namespace pgfence::diff
