#include "diff/event.hpp"

#include <fstream>


namespace pgfence::diff {
namespace {

std::string string_at(const nlohmann::json& event, const nlohmann::json::json_pointer& pointer) {
    if (!event.contains(pointer)) return {};
    const nlohmann::json& value = event.at(pointer);
    return value.is_string() ? value.get<std::string>() : std::string();
}

std::optional<std::pair<std::string, std::string>> both(std::string base, std::string head) {
    if (base.empty() || head.empty()) return std::nullopt;
    return std::make_pair(std::move(base), std::move(head));
}

}  // namespace

std::optional<std::pair<std::string, std::string>> pull_request_shas(const nlohmann::json& event) {
    using Pointer = nlohmann::json::json_pointer;
    if (!event.is_object()) return std::nullopt;
    if (event.contains("pull_request")) {
        return both(string_at(event, Pointer("/pull_request/base/sha")),
                    string_at(event, Pointer("/pull_request/head/sha")));
    }
    if (event.contains("merge_group")) {
        return both(string_at(event, Pointer("/merge_group/base_sha")),
                    string_at(event, Pointer("/merge_group/head_sha")));
    }
    return std::nullopt;
}

analyze::Result<std::optional<std::pair<std::string, std::string>>> pull_request_shas_from_file(
    const std::string& event_path) {
    using analyze::Error;
    std::ifstream in(event_path, std::ios::binary);
    if (!in) return Error{"cannot read the GitHub event payload " + event_path, "", std::nullopt};
    nlohmann::json event = nlohmann::json::parse(in, nullptr, false);
    if (event.is_discarded()) return Error{"the GitHub event payload " + event_path + " is not valid JSON", "", std::nullopt};
    return pull_request_shas(event);
}

}  // namespace pgfence::diff
