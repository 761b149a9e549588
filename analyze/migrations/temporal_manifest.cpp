#include "analyze/migrations/temporal_manifest.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"

namespace pgfence::analyze::tools {
namespace {

namespace fs = std::filesystem;

// updatetask.go versionDirectoryRegex `^v[\d.]+`; dirToVersion strips the "v".
bool version_name(std::string_view name) {
    if (name.size() < 2 || name[0] != 'v' || name[1] < '0' || name[1] > '9') return false;
    return std::all_of(name.begin() + 1, name.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

}  // namespace

bool temporal_version_file(std::string_view path) {
    std::string_view folder = path_folder(path);
    return version_name(path_name(folder)) && path_name(path_folder(folder)) == "versioned";
}

std::vector<std::string> temporal_version(std::string_view name) {
    std::vector<std::string> out;
    if (!version_name(name)) return out;
    name.remove_prefix(1);
    while (true) {
        std::size_t dot = name.find('.');
        out.emplace_back(name.substr(0, dot));
        if (dot == std::string_view::npos) break;
        name.remove_prefix(dot + 1);
    }
    return out;
}

std::optional<std::vector<std::string>> temporal_listed(std::string_view manifest, std::string& why) {
    // updatetask.go readManifest: json.Unmarshal into {CurrVersion, MinCompatibleVersion,
    // Description, SchemaUpdateCqlFiles, AllowNoCqlFiles}; Go matches the keys without case.
    nlohmann::json doc = nlohmann::json::parse(manifest.begin(), manifest.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        why = "manifest.json is not a JSON object, and temporal-sql-tool refuses the version";
        return std::nullopt;
    }
    auto key = [&](std::string_view want) -> const nlohmann::json* {
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            const std::string& k = it.key();
            if (k.size() == want.size() && std::equal(k.begin(), k.end(), want.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                })) {
                return &*it;
            }
        }
        return nullptr;
    };
    const nlohmann::json* files = key("SchemaUpdateCqlFiles");
    std::vector<std::string> out;
    if (files != nullptr && !files->is_null()) {
        if (!files->is_array()) {
            why = "manifest.json's SchemaUpdateCqlFiles is not a list, and temporal-sql-tool refuses the version";
            return std::nullopt;
        }
        for (const auto& f : *files) {
            if (!f.is_string()) {
                why = "manifest.json's SchemaUpdateCqlFiles holds something other than a file name";
                return std::nullopt;
            }
            out.push_back(f.get<std::string>());
        }
    }
    return out;
}

std::optional<std::string> read_temporal_manifest(const std::string& folder) {
    const std::string path = folder.empty() ? std::string("manifest.json") : folder + "/manifest.json";
    std::error_code ec;
    if (fs::is_symlink(path, ec) || !fs::is_regular_file(path, ec)) return std::nullopt;
    auto text = read_regular_file(path, 1024 * 1024, "a Temporal manifest.json");
    if (!text) return std::nullopt;
    return std::move(*text);
}

void order_by_manifests(std::vector<std::string>& files, std::size_t begin, std::size_t end) {
    std::size_t i = begin;
    while (i < end) {
        if (!temporal_version_file(files[i])) {
            ++i;
            continue;
        }
        const std::string_view folder = path_folder(files[i]);
        std::size_t j = i + 1;
        while (j < end && temporal_version_file(files[j]) && path_folder(files[j]) == folder) ++j;
        std::string why;
        auto text = read_temporal_manifest(std::string(folder));
        auto listed = text ? temporal_listed(*text, why) : std::nullopt;
        if (listed) {
            auto rank = [&](const std::string& f) {
                auto at = std::find(listed->begin(), listed->end(), std::string(path_name(f)));
                return static_cast<std::size_t>(at - listed->begin());
            };
            std::stable_sort(files.begin() + static_cast<std::ptrdiff_t>(i), files.begin() + static_cast<std::ptrdiff_t>(j),
                             [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
        }
        i = j;
    }
}

}  // namespace pgfence::analyze::tools
