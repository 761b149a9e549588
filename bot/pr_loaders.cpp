#include "bot/pr_loaders.hpp"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "analyze/base/path_normal.hpp"
#include "analyze/orm/imports.hpp"
#include "analyze/orm/js_lexer.hpp"
#include "analyze/orm/load_paths.hpp"
#include "analyze/orm/module_writes.hpp"
#include "analyze/orm/workspace_packages.hpp"
#include "diff/glob.hpp"

namespace pgfence::bot {
namespace {

// The modules followed across the repository: past this many the rest are not read (linear work;
// a migration reached only past it is not reviewed, as one the pull request does not touch).
constexpr std::size_t k_most_modules = 4096;

// Past this many files under the folded starts of loads pgfence cannot resolve (below), a load
// is taken to reach any script of the repository (linear work).
constexpr std::size_t k_most_prefix_files = 16384;

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

// What a require() may load besides a script: JSON, a native addon (Node's Module._extensions).
bool loadable(std::string_view path) { return script(path) || path.ends_with(".json") || path.ends_with(".node"); }

bool in_node_modules(std::string_view path) { return path.starts_with("node_modules/") || path.find("/node_modules/") != std::string_view::npos; }

// `spec` relative to the folder of `from`, normalised; nothing when it leads out.
std::optional<std::string> normalised(std::string_view from, std::string_view spec) {
    const std::size_t slash = from.rfind('/');
    return analyze::normal_path(slash == std::string_view::npos ? std::string(spec) : std::string(from.substr(0, slash + 1)) + std::string(spec));
}

std::string joined(std::string_view from, std::string_view spec) { return normalised(from, spec).value_or(std::string()); }

// A path a script reads relative to the working folder Node runs in, or absolute, as the parts
// pgfence knows: "sql/audit.sql" for "./sql/../sql/audit.sql" or "/app/sql/audit.sql" (a `..`
// past the start is dropped: the working folder is not known).
std::string read_parts(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view part = path.substr(start, end - start);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out;
    for (auto p : parts) out += (out.empty() ? "" : "/") + std::string(p);
    return out;
}

bool manifest(std::string_view path) { return (path == "package.json" || path.ends_with("/package.json")) && !in_node_modules(path); }
bool workspace_settings(std::string_view path) { return analyze::orm::workspace_root_file(path) && !in_node_modules(path); }

// The start `path` of a load's name (orm/load_paths.hpp, relative to the folder of `from`) as a
// start of repository paths: "lib/" for "./../lib/", "lib/h" for "./../lib/h". Nothing when it
// leads out of the repository or is its top (then any script may be loaded).
std::optional<std::string> path_start(std::string_view from, std::string_view path) {
    std::string_view dir = path, tail;
    if (const std::size_t slash = path.rfind('/'); slash != std::string_view::npos) {
        dir = path.substr(0, slash);
        tail = path.substr(slash + 1);
    }
    if (tail == "." || tail == "..") {
        dir = path;
        tail = {};
    }
    auto folder = normalised(from, dir);
    if (!folder || (folder->empty() && tail.empty())) return std::nullopt;
    return folder->empty() ? std::string(tail) : *folder + "/" + std::string(tail);
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

analyze::Result<std::vector<ReviewedLoader>> add_loaders(const diff::Repository& repo, diff::ChangeSet& changes,
                                                        const std::vector<std::string>& globs, const analyze::AnalyzeOptions& options) {
    std::vector<ReviewedLoader> added;
    std::unordered_set<std::string> changed, modules;
    for (const auto& change : changes.files) {
        changed.insert(change.path);
        changed.insert(change.old_path);
    }
    // Every file the pull request changes. Those require() may load, migration or not (`changes`
    // holds the migrations): its scripts, and its JSON files for the loads pgfence cannot resolve.
    // Any other file outside node_modules that is not a migration: a file a migration may read
    // (fs.readFileSync) and run (red team R85a F2).
    auto all_changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, [](std::string_view) { return true; }, {},
                                          options.max_file_bytes);
    if (!all_changed) return all_changed.error();
    std::vector<std::string> touched;  // every changed loadable path, old and new, sorted
    std::vector<std::string> others;   // every changed path outside node_modules and the migrations, sorted
    for (const auto& change : *all_changed) {
        for (const std::string* p : {&change.path, &change.old_path}) {
            if (p->empty()) continue;
            if (loadable(*p)) touched.push_back(*p);
            if (script(*p)) modules.insert(*p);
            if (!in_node_modules(*p) && !changed.contains(*p)) others.push_back(*p);
        }
    }
    for (auto* list : {&touched, &others}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    // A changed tsconfig.json or jsconfig.json (`baseUrl`, `paths`, `extends`): a bare import may
    // now load repository code under ts-node or tsconfig-paths (issue #53 item 3).
    auto settings_changed = repo.changed_files(changes.merge_base_sha, changes.head_sha, [](std::string_view path) { return path_settings(path); },
                                               {}, options.max_file_bytes);
    if (!settings_changed) return settings_changed.error();
    const bool aliases_changed = !settings_changed->empty();
    if (touched.empty() && others.empty() && !aliases_changed) return added;
    auto scripts = repo.list_blobs(changes.head_sha, [](std::string_view path) { return script(path); });
    if (!scripts) return scripts.error();
    std::unordered_set<std::string> files;
    std::vector<std::string> sorted_files;  // sorted (list_blobs'), for the files under a start
    for (const auto& f : *scripts) {
        files.insert(f.path);
        sorted_files.push_back(f.path);
    }
    const auto& patterns = globs.empty() ? diff::default_migration_globs() : globs;
    auto listed = repo.list_blobs(changes.merge_base_sha, [&](std::string_view path) {
        return script(path) && diff::selects(patterns, path) && !changed.contains(std::string(path));
    });
    if (!listed) return listed.error();
    // The graph of loads from the migrations, read at the head, breadth first. Each load is
    // resolved as the analysis resolves it (orm/imports.hpp resolve_import, in the head's
    // checkout), and every other file a runner may take for it (candidates); a load by a computed
    // name (orm/load_paths.hpp) is folded as far as it goes: to a file, to the files under its
    // known start (a node "\x01<start>" loading them all), or, when nothing of it is known, to
    // any script of the repository (`anywhere`).
    std::map<std::string, std::vector<std::string>> loaded_by;  // module -> the files that load it
    std::set<std::string> seen;
    std::set<std::string> aliased;   // modules with a bare import a path alias resolves
    std::set<std::string> imports_aliased;  // modules with a `#name` import (package.json "imports")
    std::set<std::string> anywhere;  // modules with a load that may reach any script
    std::map<std::string, std::string> starts;  // "\x01<start>" -> <start>
    std::size_t prefix_files = 0;
    std::map<std::string, std::vector<std::string>> read_starts;  // a start of the files a module reads -> the modules
    std::map<std::string, std::vector<std::string>> read_names;   // a path read from the working folder -> the modules
    std::set<std::string> read_anywhere;                           // modules that read a file pgfence cannot name
    std::deque<std::string> queue;
    std::filesystem::path root = std::filesystem::absolute(changes.repo_root).lexically_normal();
    if (!root.has_filename()) root = root.parent_path();  // libgit2's workdir ends in '/'
    for (const auto& f : *listed) {
        if (seen.insert(f.path).second) queue.push_back(f.path);
    }
    auto link = [&](const std::string& from, std::string dep) {
        loaded_by[dep].push_back(from);
        if (seen.insert(dep).second) queue.push_back(std::move(dep));
    };
    // A load of every script under `start` (a folder's path, or a file name's start) from `path`.
    auto load_under = [&](const std::string& path, const std::string& start) {
        const std::string node = "\x01" + start;
        if (!starts.contains(node)) {
            auto from = std::lower_bound(sorted_files.begin(), sorted_files.end(), start);
            std::size_t n = 0;
            for (auto it = from; it != sorted_files.end() && it->starts_with(start); ++it) ++n;
            if (prefix_files + n > k_most_prefix_files) {
                anywhere.insert(path);
                return;
            }
            prefix_files += n;
            starts.emplace(node, start);
            seen.insert(node);
            for (auto it = from; it != sorted_files.end() && it->starts_with(start); ++it) link(node, *it);
        }
        loaded_by[node].push_back(path);
    };
    // The repository's own packages a bare name may load (orm/workspace_packages.hpp), read from
    // the head's package.json files once, when a bare name first needs them.
    std::optional<analyze::orm::WorkspacePackages> workspace;
    auto workspaces = [&]() -> analyze::Result<const analyze::orm::WorkspacePackages*> {
        if (workspace) return &*workspace;
        auto listed_settings = repo.list_blobs(changes.head_sha, [](std::string_view path) { return manifest(path) || workspace_settings(path); });
        if (!listed_settings) return listed_settings.error();
        std::vector<std::pair<std::string, std::string>> manifests;
        std::vector<std::string> root_files;
        for (const auto& f : *listed_settings) {
            if (workspace_settings(f.path)) {
                root_files.push_back(f.path);
                continue;
            }
            auto blob = repo.read_file_bounded(changes.head_sha, f.path, options.max_file_bytes);
            if (!blob) return blob.error();
            if (*blob && (*blob)->text) manifests.emplace_back(f.path, *(*blob)->text);
        }
        workspace = analyze::orm::workspace_packages(manifests, root_files);
        return &*workspace;
    };
    std::optional<analyze::Error> failed;
    // A bare name resolve_import leaves to node_modules: a package of the repository's workspace
    // (its entry files, or every script of its folder when none is committed); in a workspace, a
    // name no package.json depends on from the registry may be one pgfence did not find (red team
    // R85a F3). Node's own modules and registry packages: not the repository's.
    auto package = [&](const std::string& path, const std::string& spec) {
        if (analyze::orm::node_builtin(spec)) return;
        auto ws = workspaces();
        if (!ws) {
            failed = ws.error();
            return;
        }
        std::string_view rest;
        const std::string name(analyze::orm::package_name(spec, &rest));
        auto it = (*ws)->folders.find(name);
        if (it == (*ws)->folders.end()) {
            if ((*ws)->declared && !(*ws)->registry.contains(name)) anywhere.insert(path);
            return;
        }
        const std::string& folder = it->second;
        const std::string at = folder.empty() ? std::string("package.json") : folder + "/package.json";
        loaded_by[at].push_back(path);  // its main and exports: a change points the name elsewhere
        std::vector<std::string> specs;
        if (!rest.empty()) specs.push_back("./" + std::string(rest));
        if (auto e = (*ws)->entries.find(folder); e != (*ws)->entries.end()) specs.insert(specs.end(), e->second.begin(), e->second.end());
        specs.emplace_back("./index");
        bool linked = false;
        for (const auto& s : specs) {
            for (auto& other : candidates(at, s, files)) {
                link(path, std::move(other));
                linked = true;
            }
        }
        if (!linked) {
            if (folder.empty()) anywhere.insert(path);
            else load_under(path, folder + "/");
        }
    };
    // A name `spec` loaded from the module `path`: relative, or bare (a path alias, a package).
    auto follow = [&](const std::string& path, const std::string& spec) {
        std::string why;
        auto file = analyze::orm::resolve_import((root / path).string(), spec, &why);
        std::string dep = file ? std::filesystem::path(*file).lexically_relative(root).generic_string() : std::string();
        // A package.json "imports" name (`#boot`: Node's subpath imports), resolved as the analysis
        // resolves it (orm/aliases.hpp); one it does not resolve may be any script (red team R86b F8).
        // A changed package.json may map it elsewhere.
        if (spec.starts_with("#")) {
            imports_aliased.insert(path);
            if (file && files.contains(dep)) link(path, std::move(dep));
            else anywhere.insert(path);
            return;
        }
        if (!spec.starts_with("./") && !spec.starts_with("../")) {
            // A bare name a path alias maps, resolved in the head's checkout as the analysis
            // resolves it: a file of the repository, or not agreed on (then any script may be it).
            if (!file && why.empty()) return package(path, spec);
            aliased.insert(path);
            if (!file) anywhere.insert(path);
            if (file && files.contains(dep)) link(path, std::move(dep));
            return;
        }
        if (file && files.contains(dep)) link(path, dep);
        for (auto& other : candidates(path, spec, files)) {
            if (other != dep) link(path, std::move(other));
        }
    };
    while (!queue.empty() && seen.size() <= k_most_modules) {
        const std::string path = std::move(queue.front());
        queue.pop_front();
        auto blob = repo.read_file_bounded(changes.head_sha, path, options.max_file_bytes);
        if (!blob) return blob.error();
        if (!*blob || !(*blob)->text) continue;
        const std::vector<analyze::orm::Token> tokens = analyze::orm::lex_js(*(*blob)->text);
        for (const auto& load : analyze::orm::module_loads(tokens)) follow(path, load.spec);
        for (const auto& load : analyze::orm::computed_loads(tokens)) {
            const bool relative = load.path.starts_with("./") || load.path.starts_with("../");
            if (load.complete && !load.path.empty()) {
                follow(path, load.path == "." || load.path == ".." ? load.path + "/" : load.path);  // require(__dirname): its index
                continue;
            }
            auto start = relative ? path_start(path, load.path) : std::nullopt;
            if (!start) anywhere.insert(path);
            else load_under(path, *start);
        }
        // The files it reads (red team R85a F2): one named relative to its folder is linked as a
        // load; one under a known start of its folder, one named from the working folder Node runs
        // in (not known: a changed file whose path ends with the name), and one not known at all
        // (any changed file) make it reviewed with a pull request that changes such a file.
        if (analyze::orm::unnamed_file_reads(tokens)) read_anywhere.insert(path);
        for (const auto& read : analyze::orm::file_reads(tokens)) {
            if (read.from_script && read.complete) {
                if (auto file = normalised(path, read.path); file && !file->empty()) loaded_by[*file].push_back(path);
                continue;
            }
            auto start = read.from_script ? path_start(path, read.path) : std::nullopt;
            if (start) read_starts[*start].push_back(path);
            else if (!read.from_script && read.complete && !read_parts(read.path).empty()) read_names[read_parts(read.path)].push_back(path);
            else read_anywhere.insert(path);
        }
    }
    if (failed) return *failed;
    // Back from what the pull request changes to the migrations that reach it: first the modules
    // it changes (and the bare imports of a changed path alias), then the loads pgfence could not
    // resolve that may reach a file it changes.
    auto back_from = [&](std::deque<std::string> back, std::set<std::string>& reaches, bool through_starts) {
        while (!back.empty()) {
            const std::string m = std::move(back.front());
            back.pop_front();
            if (!through_starts && m.starts_with('\x01')) continue;
            auto it = loaded_by.find(m);
            if (it == loaded_by.end()) continue;
            for (const auto& by : it->second) {
                if (reaches.insert(by).second) back.push_back(by);
            }
        }
    };
    std::set<std::string> reaches;
    std::deque<std::string> back(modules.begin(), modules.end());
    back.insert(back.end(), others.begin(), others.end());  // a file read, a package's package.json
    if (aliases_changed) {
        for (const auto& m : aliased) {
            if (reaches.insert(m).second) back.push_back(m);
        }
    }
    if (std::any_of(others.begin(), others.end(), [](const std::string& p) { return manifest(p); })) {
        for (const auto& m : imports_aliased) {
            if (reaches.insert(m).second) back.push_back(m);
        }
    }
    back_from(std::move(back), reaches, false);
    // From there on through the starts too (a changed module under one, or a file one loads).
    std::set<std::string> may_reach = reaches;
    std::deque<std::string> unresolved(reaches.begin(), reaches.end());
    unresolved.insert(unresolved.end(), modules.begin(), modules.end());
    for (const auto& [node, start] : starts) {
        auto it = std::lower_bound(touched.begin(), touched.end(), start);
        if (it != touched.end() && it->starts_with(start) && may_reach.insert(node).second) unresolved.push_back(node);
    }
    if (std::any_of(touched.begin(), touched.end(), [](const std::string& p) { return !in_node_modules(p); })) {
        for (const auto& m : anywhere) {
            if (may_reach.insert(m).second) unresolved.push_back(m);
        }
    }
    // The files read by a name not wholly known.
    auto may_read = [&](const std::vector<std::string>& readers) {
        for (const auto& m : readers) {
            if (may_reach.insert(m).second) unresolved.push_back(m);
        }
    };
    for (const auto& [start, readers] : read_starts) {
        auto it = std::lower_bound(others.begin(), others.end(), start);
        if (it != others.end() && it->starts_with(start)) may_read(readers);
    }
    if (!read_names.empty()) {
        // "sql/audit.sql" read from a working folder pgfence does not know is a changed file that
        // ends with it ("db/sql/audit.sql"), or one it ends with (read as "/app/sql/audit.sql").
        std::unordered_set<std::string_view> ends(others.begin(), others.end());
        for (const auto& p : others) {
            for (std::size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
                ends.insert(std::string_view(p).substr(slash + 1));
            }
        }
        const std::unordered_set<std::string_view> exact(others.begin(), others.end());
        for (const auto& [name, readers] : read_names) {
            bool hit = ends.contains(name);
            for (std::size_t slash = name.find('/'); !hit && slash != std::string::npos; slash = name.find('/', slash + 1)) {
                hit = exact.contains(std::string_view(name).substr(slash + 1));
            }
            if (hit) may_read(readers);
        }
    }
    if (!others.empty()) may_read(std::vector<std::string>(read_anywhere.begin(), read_anywhere.end()));
    back_from(std::move(unresolved), may_reach, true);
    for (const auto& f : *listed) {
        const bool known = reaches.contains(f.path);
        if (!known && !may_reach.contains(f.path)) continue;
        diff::ChangedFile loader;
        loader.path = f.path;
        loader.old_path = f.path;
        loader.status = diff::ChangeStatus::Modified;
        // Every line new, as a migration whose Flyway .conf changed (tool_settings_review.cpp): the
        // base's analysis of the same file would follow the head's helper from the checkout, so a
        // comparison with it would call the new helper's statements the base's.
        loader.all_lines_new = true;
        changes.files.push_back(std::move(loader));
        added.push_back({f.path, !known});
    }
    std::sort(changes.files.begin(), changes.files.end(),
              [](const diff::ChangedFile& a, const diff::ChangedFile& b) { return a.path < b.path; });
    return added;
}

}  // namespace pgfence::bot
