#include "analyze/orm/workspace_packages.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <nlohmann/json.hpp>

#include "analyze/base/path_normal.hpp"
#include "analyze/parse/json_depth.hpp"

namespace pgfence::analyze::orm {
namespace {

// The folder of a repository path ("" for a file at the top).
std::string folder_of(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

// `spec` joined to `folder`, normalised; nothing when it is absolute or leads out of the repository.
std::optional<std::string> joined(const std::string& folder, std::string_view spec) {
    if (spec.starts_with('/')) return std::nullopt;
    return normal_path(folder.empty() ? std::string(spec) : folder + "/" + std::string(spec));
}

// Every string under "exports" that is a path of the package ("./lib/index.js"), conditions and
// subpaths alike (nodejs.org/api/packages.html "Package entry points"); bounded.
void export_paths(const nlohmann::json& v, std::vector<std::string>& out, int depth) {
    if (depth > 16 || out.size() > 256) return;
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        if (s.starts_with("./")) out.push_back(s);
    } else if (v.is_object() || v.is_array()) {
        for (const auto& item : v) export_paths(item, out, depth + 1);
    }
}

}  // namespace

std::string_view package_name(std::string_view spec, std::string_view* rest) {
    std::size_t end = spec.find('/');
    if (spec.starts_with('@') && end != std::string_view::npos) end = spec.find('/', end + 1);
    if (rest) *rest = end == std::string_view::npos ? std::string_view() : spec.substr(end + 1);
    return spec.substr(0, end);
}

bool node_builtin(std::string_view spec) {
    if (spec.starts_with("node:")) return true;
    // nodejs.org/api: require('module').builtinModules of Node 20, without the internal `_` ones.
    static const std::set<std::string_view> k_builtins = {
        "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
        "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2", "https", "inspector", "module", "net", "os",
        "path", "perf_hooks", "process", "punycode", "querystring", "readline", "repl", "stream", "string_decoder", "sys",
        "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib"};
    return k_builtins.contains(package_name(spec));
}

bool workspace_root_file(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return std::find(std::begin(k_workspace_root_files), std::end(k_workspace_root_files), name) != std::end(k_workspace_root_files);
}

bool declares_workspaces(std::string_view package_json) {
    if (package_json.find("\"workspaces\"") != std::string_view::npos) return true;
    // A key spelt with \u escapes ("work\u0073paces") is the same key to npm's JSON.parse.
    if (package_json.find("\\u") == std::string_view::npos || !json_nesting_within(package_json, 64)) return false;
    const nlohmann::json doc = nlohmann::json::parse(package_json, nullptr, false);
    return !doc.is_discarded() && doc.is_object() && doc.contains("workspaces");
}

WorkspacePackages workspace_packages(const std::vector<std::pair<std::string, std::string>>& manifests,
                                     const std::vector<std::string>& root_files) {
    WorkspacePackages out;
    out.declared = !root_files.empty();
    for (const auto& [path, text] : manifests) {
        if (!json_nesting_within(text, 64)) continue;
        const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
        if (doc.is_discarded() || !doc.is_object()) continue;
        const std::string folder = folder_of(path);
        if (declares_workspaces(text)) out.declared = true;
        if (auto name = doc.find("name"); name != doc.end() && name->is_string()) {
            out.folders.try_emplace(name->get<std::string>(), folder);
            auto& entries = out.entries[folder];
            if (auto main = doc.find("main"); main != doc.end() && main->is_string()) {
                entries.push_back("./" + main->get<std::string>());
            }
            if (auto exports = doc.find("exports"); exports != doc.end()) export_paths(*exports, entries, 0);
        }
        for (const char* key : {"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"}) {
            auto deps = doc.find(key);
            if (deps == doc.end() || !deps->is_object()) continue;
            for (const auto& [name, spec] : deps->items()) {
                if (!spec.is_string()) continue;
                const auto& s = spec.get_ref<const std::string&>();
                for (std::string_view local : {"file:", "link:", "portal:"}) {
                    if (!s.starts_with(local)) continue;
                    out.declared = true;
                    if (auto target = joined(folder, std::string_view(s).substr(local.size()))) out.folders.try_emplace(name, *target);
                }
                if (s.starts_with("workspace:")) out.declared = true;  // a package of the workspace, by its name (folders)
                // A version range from the registry (analyze/orm/reach.cpp's test), not a path, URL or alias.
                const bool range = std::all_of(s.begin(), s.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == ' ' || c == '.' || c == '^' || c == '~' || c == '<' || c == '>' || c == '=' ||
                           c == '|' || c == '*' || c == '+' || c == '-';
                });
                if (range) out.registry.insert(name);
            }
        }
    }
    return out;
}

}  // namespace pgfence::analyze::orm
