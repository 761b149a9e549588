#include "bot/pr_loaders.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>

#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/module_writes.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {
namespace {

// The modules followed across the repository: past this many the rest are not read (linear work;
// a migration reached only past it is not reviewed, as one the pull request does not touch).
constexpr std::size_t k_most_modules = 4096;

constexpr std::string_view k_exts[] = {".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".jsx", ".tsx"};

// TypeScript's and tsconfig-paths' settings files (analyze/orm/aliases.cpp reads them).
bool path_settings(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return (name.starts_with("tsconfig") || name.starts_with("jsconfig")) && name.ends_with(".json");
}

bool script(std::string_view path) {
    return std::any_of(std::begin(k_exts), std::end(k_exts), [&](std::string_view e) { return path.ends_with(e); });
}

// `spec` relative to the folder of `from`, '/'-separated and normalised; empty when it leads out.
std::string joined(std::string_view from, std::string_view spec) {
    std::vector<std::string> parts;
    const std::size_t slash = from.rfind('/');
    std::string whole = slash == std::string_view::npos ? std::string(spec) : std::string(from.substr(0, slash + 1)) + std::string(spec);
    std::size_t start = 0;
    while (start <= whole.size()) {
        std::size_t end = whole.find('/', start);
        if (end == std::string::npos) end = whole.size();
        std::string part = whole.substr(start, end - start);
        if (part == "..") {
            if (parts.empty()) return {};
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(std::move(part));
        }
        start = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
}

// The repository scripts a relative `spec` may load from `from` (Node's require: the file, with an
// extension, the folder's index; TypeScript's loaders too): every one that exists, more never fewer.
std::vector<std::string> candidates(std::string_view from, std::string_view spec, const std::unordered_set<std::string>& files) {
    std::vector<std::string> out;
    const std::string base = joined(from, spec);
    if (base.empty()) return out;
    auto add = [&](std::string p) {
        if (files.contains(p)) out.push_back(std::move(p));
    };
    add(base);
    std::string stem = base;  // `./x.js` naming x.ts (TypeScript's ESM convention)
    for (std::string_view e : k_exts) {
        if (stem.ends_with(e)) stem.resize(stem.size() - e.size());
    }
    for (std::string_view e : k_exts) {
        add(base + std::string(e));
        if (stem != base) add(stem + std::string(e));
        add(base + "/index" + std::string(e));
    }
    return out;
}

}  // namespace

analyze::Result<std::vector<std::string>> add_loaders(const diff::Repository& repo, diff::ChangeSet& changes,
                                                     const std::vector<std::string>& globs, const analyze::AnalyzeOptions& options) {
    std::vector<std::string> added;
    std::unordered_set<std::string> changed, modules;
    for (const auto& change : changes.files) {
        changed.insert(change.path);
        changed.insert(change.old_path);
    }
    // Every script the pull request changes, migration or not (`changes` holds the migrations).
    auto scripts_changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, [](std::string_view path) { return script(path); }, {},
                                              options.max_file_bytes);
    if (!scripts_changed) return scripts_changed.error();
    for (const auto& change : *scripts_changed) {
        modules.insert(change.path);
        modules.insert(change.old_path);
    }
    // A changed tsconfig.json or jsconfig.json (`baseUrl`, `paths`, `extends`): a bare import may
    // now load repository code under ts-node or tsconfig-paths (issue #53 item 3).
    auto settings_changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, [](std::string_view path) { return path_settings(path); },
                                               {}, options.max_file_bytes);
    if (!settings_changed) return settings_changed.error();
    const bool aliases_changed = !settings_changed->empty();
    if (modules.empty() && !aliases_changed) return added;
    auto scripts = repo.list_blobs(changes.head_sha, [](std::string_view path) { return script(path); });
    if (!scripts) return scripts.error();
    std::unordered_set<std::string> files;
    for (const auto& f : *scripts) files.insert(f.path);
    const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
    auto listed = repo.list_blobs(changes.merge_base_sha, [&](std::string_view path) {
        return script(path) && diff::selects(patterns, path) && !changed.contains(std::string(path));
    });
    if (!listed) return listed.error();
    // The graph of relative loads from the migrations, read at the head, breadth first.
    std::map<std::string, std::vector<std::string>> loaded_by;  // module -> the files that load it
    std::set<std::string> seen;
    std::set<std::string> aliased;  // modules with a bare import a path alias resolves
    std::deque<std::string> queue;
    std::filesystem::path root = std::filesystem::absolute(changes.repo_root).lexically_normal();
    if (!root.has_filename()) root = root.parent_path();  // libgit2's workdir ends in '/'
    for (const auto& f : *listed) {
        if (seen.insert(f.path).second) queue.push_back(f.path);
    }
    while (!queue.empty() && seen.size() <= k_most_modules) {
        const std::string path = std::move(queue.front());
        queue.pop_front();
        auto blob = repo.read_file_bounded(changes.head_sha, path, options.max_file_bytes);
        if (!blob) return blob.error();
        if (!*blob || !(*blob)->text) continue;
        for (const auto& load : analyze::orm::module_loads(analyze::orm::lex_js(*(*blob)->text))) {
            if (!load.spec.starts_with("./") && !load.spec.starts_with("../")) {
                // A bare name a path alias maps, resolved in the head's checkout as the analysis
                // resolves it (orm/imports.hpp): a file of the repository, or not agreed on.
                std::string why;
                auto file = analyze::orm::resolve_import((root / path).string(), load.spec, &why);
                if (!file && why.empty()) continue;
                aliased.insert(path);
                if (!file) continue;
                std::string dep = std::filesystem::path(*file).lexically_relative(root).generic_string();
                if (!files.contains(dep)) continue;
                loaded_by[dep].push_back(path);
                if (seen.insert(dep).second) queue.push_back(std::move(dep));
                continue;
            }
            for (auto& dep : candidates(path, load.spec, files)) {
                loaded_by[dep].push_back(path);
                if (seen.insert(dep).second) queue.push_back(std::move(dep));
            }
        }
    }
    // Back from the changed modules to the migrations that reach them.
    std::set<std::string> reaches;
    std::deque<std::string> back(modules.begin(), modules.end());
    if (aliases_changed) {
        for (const auto& m : aliased) {
            if (reaches.insert(m).second) back.push_back(m);
        }
    }
    while (!back.empty()) {
        const std::string m = std::move(back.front());
        back.pop_front();
        auto it = loaded_by.find(m);
        if (it == loaded_by.end()) continue;
        for (const auto& by : it->second) {
            if (reaches.insert(by).second) back.push_back(by);
        }
    }
    for (const auto& f : *listed) {
        if (!reaches.contains(f.path)) continue;
        diff::ChangedFile loader;
        loader.path = f.path;
        loader.old_path = f.path;
        loader.status = diff::ChangeStatus::Modified;
        // Every line new, as a migration whose Flyway .conf changed (tool_settings_review.cpp): the
        // base's analysis of the same file would follow the head's helper from the checkout, so a
        // comparison with it would call the new helper's statements the base's.
        loader.all_lines_new = true;
        changes.files.push_back(std::move(loader));
        added.push_back(f.path);
    }
    std::sort(changes.files.begin(), changes.files.end(),
              [](const diff::ChangedFile& a, const diff::ChangedFile& b) { return a.path < b.path; });
    return added;
}

}  // namespace pgfence::bot
