// npx, npm exec, bunx, pnpx and a package manager's dlx or exec of a name that is the repository's
// own package: a workspace package's name or bin, or a bin of a root dependency that is a `file:`,
// `link:` or `workspace:` path (red team R88b F7). npm exec runs a bin of the project's own
// node_modules/.bin first, walking up the folders (libnpmexec's README, `localBin`: "will walk up
// the directory structure looking for node_modules/.bin folders ... and will use that bin if
// found"; nodejs/node deps/npm/node_modules/libnpmexec), and npm, yarn and pnpm link every
// workspace package there (`npm install` links node_modules/.bin/db-tools -> ../@acme/db-tools/bin/cli.js).
// So the name is no registry package: it runs that bin, a file of the repository, read as
// `node <bin>` is.
#include <algorithm>

#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

std::size_t skip_space(std::string_view t, std::size_t k) {
    while (k < t.size() && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r')) ++k;
    return k;
}

// The end of the JSON string that opens at `at` (its closing quote), or npos.
std::size_t string_end(std::string_view t, std::size_t at) {
    std::size_t j = at + 1;
    while (j < t.size() && t[j] != '"') j += t[j] == '\\' ? 2 : 1;
    return j < t.size() ? j : std::string_view::npos;
}

// The value of the top-level key `key` of a JSON object: where it starts, or npos. Linear.
std::size_t top_value(std::string_view t, std::string_view key) {
    int depth = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        else if (c == '"') {
            const std::size_t j = string_end(t, i);
            if (j == std::string_view::npos) return j;
            std::size_t k = skip_space(t, j + 1);
            if (depth == 1 && k < t.size() && t[k] == ':' && t.substr(i + 1, j - i - 1) == key) return skip_space(t, k + 1);
            i = j;
        }
    }
    return std::string_view::npos;
}

// The string members of the object at `open` ('{'), nested objects skipped; at most 256.
std::vector<std::pair<std::string, std::string>> string_members(std::string_view t, std::size_t open) {
    std::vector<std::pair<std::string, std::string>> out;
    if (open >= t.size() || t[open] != '{') return out;
    int depth = 0;
    for (std::size_t i = open; i < t.size() && out.size() < 256; ++i) {
        const char c = t[i];
        if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') {
            if (--depth == 0) break;
        } else if (c == '"') {
            const std::size_t j = string_end(t, i);
            if (j == std::string_view::npos) break;
            const std::size_t k = skip_space(t, j + 1);
            if (depth == 1 && k < t.size() && t[k] == ':') {
                const std::size_t v = skip_space(t, k + 1);
                if (v < t.size() && t[v] == '"') {
                    const std::size_t e = string_end(t, v);
                    if (e == std::string_view::npos) break;
                    out.emplace_back(t.substr(i + 1, j - i - 1), t.substr(v + 1, e - v - 1));
                    i = e;
                    continue;
                }
            }
            i = j;
        }
    }
    return out;
}

// A package.json's bins: (name, file) for each; a string "bin" is the package's name's last part's.
std::vector<std::pair<std::string, std::string>> bins(std::string_view pj) {
    const std::size_t v = top_value(pj, "bin");
    if (v == std::string_view::npos || v >= pj.size()) return {};
    if (pj[v] == '"') {
        const std::size_t e = string_end(pj, v);
        if (e == std::string_view::npos) return {};
        std::string name = package_name(pj);
        if (name.find('/') != std::string::npos) name = name.substr(name.find('/') + 1);
        return {{name, std::string(pj.substr(v + 1, e - v - 1))}};
    }
    return string_members(pj, v);
}

// The bin a name runs of the package.json `pj` in `folder`: "" when it is neither the package's
// name (its one bin, or the bin of its name's last part, as libnpmexec's get-bin-from-manifest
// picks) nor one of its bins.
std::string bin_of(std::string_view pj, const std::string& folder, std::string_view name) {
    const auto list = bins(pj);
    if (list.empty()) return "";
    const std::string own = package_name(pj);
    std::string_view wanted = name;
    if (own == name) {
        if (list.size() == 1) return join_folder(folder, list.front().second).value_or("");
        wanted = own.find('/') == std::string::npos ? std::string_view(own) : std::string_view(own).substr(own.find('/') + 1);
    }
    for (const auto& [b, file] : list) {
        if (b == wanted) return join_folder(folder, file).value_or("");
    }
    return "";
}

}  // namespace

std::string Workspaces::npx_bin(const std::vector<std::string>& words, const std::string& here) {
    std::size_t k = 0;
    for (; k < words.size(); ++k) {
        const std::string t = tool_word(words[k]);
        if (t == "npx" || t == "bunx" || t == "pnpx") break;
        if (k + 1 < words.size() && (t == "npm" || t == "pnpm" || t == "yarn" || t == "bun") &&
            (words[k + 1] == "exec" || words[k + 1] == "dlx" || words[k + 1] == "x")) {
            ++k;
            break;
        }
    }
    if (k >= words.size()) return "";
    std::vector<std::string> names;
    for (++k; k < words.size(); ++k) {
        const std::string& w = words[k];
        if (w == "--") {
            ++k;
            break;
        }
        if (w == "-c" || w == "--call" || w == "-c=") return "";  // a command line: read as one where it is
        if ((w == "-p" || w == "--package") && k + 1 < words.size()) {
            names.push_back(words[++k]);
            continue;
        }
        if (w.starts_with("--package=")) {
            names.push_back(w.substr(10));
            continue;
        }
        if (!w.starts_with("-")) break;
    }
    if (k < words.size()) names.push_back(words[k]);
    if (names.empty()) return "";
    // The folders of the repository's own packages: the workspace's, and the root's local dependencies.
    std::vector<std::string> folders;
    const Root& root = root_of(here, false);
    if (root.unknown.empty()) folders = root.folders;
    const std::string top = root.unknown.empty() ? root.folder : std::string();
    if (const auto pj = text(top.empty() ? std::string("package.json") : top + "/package.json")) {
        for (std::string_view key : {"dependencies", "devDependencies", "optionalDependencies"}) {
            for (const auto& [dep, spec] : string_members(*pj, top_value(*pj, key))) {
                std::string_view s = spec;
                for (std::string_view p : {"file:", "link:"}) {
                    if (!s.starts_with(p)) continue;
                    if (auto f = join_folder(top, s.substr(p.size())); f && folders.size() < 4096) folders.push_back(*f);
                }
            }
        }
    }
    for (std::string name : names) {
        if (const std::size_t at = name.rfind('@'); at != std::string::npos && at > 0) name.resize(at);  // `db-tools@1`
        if (name.empty() || name.find_first_of("$`") != std::string::npos) continue;
        for (const std::string& folder : folders) {
            const auto pj = text(folder.empty() ? std::string("package.json") : folder + "/package.json");
            if (!pj) continue;
            if (std::string file = bin_of(*pj, folder, name); !file.empty()) return std::string(1, k_from_top) + file;
        }
    }
    return "";
}

std::string npx_workspace_bin(const std::vector<std::string>& words, const ReadFile& read) {
    if (!read) return "";
    Workspaces w(read);
    return w.npx_bin(words, "");
}

}  // namespace pgfence::analyze::tools::deploy_detail
