// The workspace packages a monorepo's task runner runs a script in, and those scripts read as the
// deploy's commands (deploy_workspaces.hpp).
#include "analyze/migrations/deploy_workspaces.hpp"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/nx_targets.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/orm/workspace_packages.hpp"

namespace pgfence::analyze::tools {

bool package_file_listed(std::string_view path) {
    const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    if (name != "package.json" && name != "project.json") return false;
    return path.find("node_modules/") == std::string_view::npos && !path.starts_with(".") && path.find("/.") == std::string_view::npos;
}

std::string package_files_under(const std::string& root) {
    namespace fs = std::filesystem;
    std::string out;
    std::size_t found = 0, seen = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator() && found < 4096 && ++seen < (1u << 20); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->is_symlink(ec)) continue;
        if (it->is_directory(ec)) {
            if (name == "node_modules" || name.starts_with('.')) it.disable_recursion_pending();
            continue;
        }
        const std::string rel = it->path().lexically_relative(root).generic_string();
        if (!package_file_listed(rel) || rel.find('\n') != std::string::npos) continue;
        out += rel + "\n";
        ++found;
    }
    return out;
}

}  // namespace pgfence::analyze::tools

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

// A glob over a path or a package name as ScriptPattern matches it: `/` as its separator (`*` stays
// inside one part, `**` crosses them; brace sets, classes).
std::string swap_separator(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = c == '/' ? ':' : c == ':' ? '/' : c;
    return out;
}

bool glob_matches(std::string_view pattern, std::string_view name) {
    const ScriptPattern p(swap_separator(pattern));
    return p.ok() && p.matches(swap_separator(name));
}

// The tasks turbo.json's (or nx.json's targetDefaults) entry for `task` lists in its "dependsOn"
// (turborepo.com/docs/reference/configuration#dependson: `^build` the dependencies' build first,
// `build` this package's, `web#build` one package's); an entry `pkg#task` counts for every package
// (more read, not less). nullopt when an entry's dependsOn is not a plain list pgfence reads.
std::optional<std::vector<std::string>> depends_on(std::string_view text, std::string_view task) {
    std::vector<std::string> out;
    const std::string key = std::string(task) + "\"";
    for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
        if (at == 0 || (text[at - 1] != '"' && text[at - 1] != '#')) continue;
        std::size_t v = text.find_first_not_of(" \t\r\n", at + key.size());
        if (v == std::string_view::npos || text[v] != ':') continue;
        v = text.find_first_not_of(" \t\r\n", v + 1);
        if (v == std::string_view::npos || text[v] != '{') continue;
        // The entry's object, to its matching brace.
        int level = 0;
        std::size_t end = v;
        for (; end < text.size(); ++end) {
            if (text[end] == '{') ++level;
            else if (text[end] == '}' && --level == 0) break;
        }
        const std::string_view entry = text.substr(v, end - v);
        const std::size_t d = entry.find("\"dependsOn\"");
        if (d == std::string_view::npos) continue;
        const std::size_t open = entry.find_first_not_of(" \t\r\n:", d + 11);
        if (open == std::string_view::npos || entry[open] != '[') return std::nullopt;
        for (auto& s : json_strings(entry, open)) out.push_back(std::move(s));
    }
    return out;
}

// Whether a filter's syntax is what pgfence selects by: a package's name or a glob of names, a
// folder (`./apps/*`, `{packages/db}`), each maybe negated with `!` (pnpm.io/filtering: "specify its
// name (@scope/pkg) or use a pattern ... (@scope/*)", `./packages/**`; turbo's --filter takes the
// same microsyntax, turborepo.com/docs/reference/run#--filter-string). Dependencies (`db...`, `...^db`), a git range
// (`[main]`) and the like are not: every package is read instead.
bool simple_filter(std::string_view f) {
    if (f.starts_with("!")) f.remove_prefix(1);
    if (f.starts_with("{") && f.ends_with("}")) f = f.substr(1, f.size() - 2);
    return !f.empty() && f.find("...") == std::string_view::npos && f.find('^') == std::string_view::npos && f.find('[') == std::string_view::npos &&
           f.find('$') == std::string_view::npos && f.find('`') == std::string_view::npos;
}

}  // namespace

std::optional<std::string> Workspaces::text(const std::string& path) {
    auto it = m_texts.find(path);
    if (it == m_texts.end()) it = m_texts.emplace(path, m_read ? m_read(path) : std::nullopt).first;
    return it->second;
}

PackageScripts* Workspaces::package(const std::string& folder) {
    auto it = m_packages.find(folder);
    if (it == m_packages.end()) {
        if (m_packages.size() >= 4096) return nullptr;
        const auto pj = text(folder.empty() ? std::string("package.json") : folder + "/package.json");
        it = m_packages.emplace(folder, pj ? std::optional<PackageScripts>(PackageScripts(package_scripts(*pj))) : std::nullopt).first;
        // A script of it that runs tasks across the workspace (`"type-check": "turbo type-check"`) runs from its folder.
        if (it->second) it->second->workspace_run = [this, folder](const std::vector<std::string>& words) { return why(words, folder); };
        // One that runs the project's own program connecting to PostgreSQL (red team R89b F8).
        if (it->second && m_read) {
            it->second->program_run = [this, folder](const std::vector<std::string>& words) { return driver_program_unknown(words, folder, m_read); };
        }
    }
    return it->second ? &*it->second : nullptr;
}

// The workspace root a command at `here` runs in (the nearest folder up that declares workspaces:
// package.json "workspaces", pnpm-workspace.yaml, lerna.json, nx.json) and its packages: the
// folders of the repository's package.json files its patterns match (`packages/*`, `apps/**`, less
// a `!` pattern's), nx's project.json folders too. lerna run: lerna.json's "packages", else the
// package manager's (lerna 7 and later: "By default lerna will resolve your packages using your
// package manager's workspaces configuration", its ECONFIGWORKSPACES error; lerna/lerna discussion
// #3685), else packages/* (@lerna/project's PACKAGE_GLOB); pnpm's and npm's patterns are globs
// relative to the root (pnpm.io/pnpm-workspace_yaml, docs.npmjs.com/cli/using-npm/workspaces).
const Workspaces::Root& Workspaces::root_of(const std::string& here, bool lerna_run) {
    const std::string key = (lerna_run ? "l" : "-") + here;
    if (auto it = m_roots.find(key); it != m_roots.end()) return it->second;
    Root root;
    std::optional<std::string> pj, pnpm, lerna, nx;
    for (std::string up = here;;) {
        const std::string at = up.empty() ? "" : up + "/";
        pj = text(at + "package.json");
        pnpm = text(at + "pnpm-workspace.yaml");
        lerna = text(at + "lerna.json");
        nx = text(at + "nx.json");
        const bool root_file = std::any_of(std::begin(orm::k_workspace_root_files), std::end(orm::k_workspace_root_files),
                                           [&](std::string_view f) { return text(at + std::string(f)).has_value(); });
        if ((pj && orm::declares_workspaces(*pj)) || root_file) {
            root.folder = up;
            break;
        }
        if (up.empty()) {
            root.unknown = "no folder above it declares workspaces (package.json \"workspaces\", pnpm-workspace.yaml, lerna.json, nx.json) pgfence reads";
            return m_roots.emplace(key, std::move(root)).first->second;
        }
        up = up.find('/') == std::string::npos ? std::string() : up.substr(0, up.rfind('/'));
    }
    std::vector<std::string> patterns;
    // lerna run: lerna.json's "packages"; npm, pnpm, yarn, turbo and nx: the package manager's.
    if (lerna_run && lerna && lerna->find("\"packages\"") != std::string::npos) {
        patterns = json_strings(*lerna, lerna->find('[', lerna->find("\"packages\"")));
    } else {
        patterns = workspace_patterns(pj ? *pj : "", pnpm ? *pnpm : "");
        // lerna with neither: its default, packages/* (lerna.js.org/docs/api-reference/configuration).
        if (patterns.empty() && lerna_run && lerna) patterns.emplace_back("packages/*");
    }
    const auto listed = text(std::string(k_package_files));
    const bool globs = std::any_of(patterns.begin(), patterns.end(), [](const std::string& p) { return p.find_first_of("*?[{") != std::string::npos; });
    for (const std::string& p : patterns) {
        std::string_view plain = p;
        if (plain.starts_with("!")) plain.remove_prefix(1);
        const std::string_view fixed = plain.substr(0, std::min(plain.find_first_of("*?[{"), plain.size()));
        if (!join_folder(root.folder, fixed.empty() ? std::string_view(".") : fixed)) {
            root.unknown = "its workspace pattern " + printable(p) + " leaves the repository or is computed";
        }
    }
    if (globs && !listed) root.unknown = "pgfence could not list the repository's folders its workspace patterns match";
    if (!root.unknown.empty()) return m_roots.emplace(key, std::move(root)).first->second;
    std::vector<std::string> candidates;
    if (listed) {
        for (std::size_t at = 0; at < listed->size();) {
            const std::size_t nl = std::min(listed->find('\n', at), listed->size());
            const std::string_view file = std::string_view(*listed).substr(at, nl - at);
            at = nl + 1;
            const std::string_view folder = file.rfind('/') == std::string_view::npos ? std::string_view() : file.substr(0, file.rfind('/'));
            // The root's own project.json: nx's root project (a standalone workspace).
            if (folder == root.folder && nx && file.ends_with("project.json")) {
                if (candidates.empty() || candidates.back() != "") candidates.emplace_back();
                continue;
            }
            if (root.folder.empty() ? folder.empty() : !folder.starts_with(root.folder + "/")) continue;
            const std::string rel(root.folder.empty() ? folder : folder.substr(root.folder.size() + 1));
            if (candidates.empty() || candidates.back() != rel) candidates.push_back(rel);
        }
    } else {
        for (const std::string& p : patterns) {
            if (!p.starts_with("!")) candidates.push_back(p);
        }
    }
    for (const std::string& rel : candidates) {
        bool in = false;
        for (std::string p : patterns) {
            const bool negated = p.starts_with("!");
            if (negated) p.erase(0, 1);
            while (p.starts_with("./")) p.erase(0, 2);
            while (p.ends_with("/")) p.pop_back();
            if (glob_matches(p, rel)) in = !negated;
        }
        const std::string folder = root.folder.empty() || rel.empty() ? (rel.empty() ? root.folder : rel) : root.folder + "/" + rel;
        if (in || (nx && text((folder.empty() ? "" : folder + "/") + "project.json"))) {
            if (std::find(root.folders.begin(), root.folders.end(), folder) == root.folders.end()) root.folders.push_back(folder);
        }
    }
    return m_roots.emplace(key, std::move(root)).first->second;
}

// The packages `filters` select among the root's (every one when there is none, or one pgfence
// does not read: more read, not less).
std::vector<std::string> Workspaces::select(const Root& root, const std::vector<std::string>& filters, const std::string& here) {
    if (filters.empty() || !std::all_of(filters.begin(), filters.end(), [](const std::string& f) { return simple_filter(f); })) return root.folders;
    std::vector<std::string> out;
    bool any_positive = false;
    for (const std::string& folder : root.folders) {
        const auto pj = text((folder.empty() ? "" : folder + "/") + "package.json");
        const std::string name = pj ? package_name(*pj) : std::string();
        bool in = false, out_of = false;
        for (std::string_view f : filters) {
            const bool negated = f.starts_with("!");
            if (negated) f.remove_prefix(1);
            any_positive = any_positive || !negated;
            bool hit;
            if (f.starts_with("{") || f.starts_with(".") || f.starts_with("/")) {
                if (f.starts_with("{")) f = f.substr(1, f.size() - 2);
                std::string p = join_folder(here, f.substr(0, std::min(f.find_first_of("*?[{"), f.size()))).value_or("\x01");
                if (f.find_first_of("*?[{") != std::string_view::npos) p += (p.empty() ? "" : "/") + std::string(f.substr(f.find_first_of("*?[{")));
                hit = glob_matches(p, folder);
            } else {
                hit = name == f || glob_matches(f, name) || folder == f;
            }
            if (hit) (negated ? out_of : in) = true;
        }
        if ((in || !any_positive) && !out_of) out.push_back(folder);
    }
    // A filter that selects nothing (a name pgfence misread): every package.
    return out.empty() ? root.folders : out;
}

std::string Workspaces::task_why(const std::string& folder, const std::string& task, const std::string& args) {
    const std::string key = folder + "\n" + task + "\n" + args;
    if (auto it = m_task_why.find(key); it != m_task_why.end() && it->second) return *it->second;
    if (m_busy.contains(key)) return "";  // a cycle: what it runs is worked out where it began
    if (m_depth >= 8) return "it runs workspace tasks that run workspace tasks past pgfence's limit (8 deep): what the last ones run is not known";
    PackageScripts* scripts = package(folder);
    if (scripts == nullptr) return "";
    ++m_depth;
    m_busy.insert(key);
    ScriptRun run{task, args, {}, {}, false};
    std::string w = scripts->why(run);
    m_busy.erase(key);
    --m_depth;
    m_task_why[key] = w;
    return w;
}

// Each task in each package, with the tasks turbo.json's (nx.json's targetDefaults) dependsOn runs
// before it; at most 32 tasks a command.
std::string Workspaces::tasks_why(const std::string& runner, const Root& root, std::vector<std::string> folders, const std::vector<std::string>& tasks) {
    std::vector<std::pair<std::string, std::vector<std::string>>> queue;  // task, the packages it runs in
    for (const std::string& t : tasks) queue.emplace_back(t, folders);
    const std::string at = root.folder.empty() ? "" : root.folder + "/";
    const auto config = runner == "turbo" ? text(at + "turbo.json") : runner == "nx" ? text(at + "nx.json") : std::nullopt;
    if (runner == "turbo" && !config && text(at + "turbo.jsonc")) {
        return "turbo reads turbo.jsonc, which pgfence does not: the tasks its dependsOn runs first are not known";
    }
    std::set<std::string> queued(tasks.begin(), tasks.end());
    for (std::size_t q = 0; q < queue.size(); ++q) {
        if (queue.size() > 32) return "it runs more than 32 tasks (with the ones dependsOn adds), past pgfence's limit: what the rest run is not known";
        std::string task = queue[q].first;
        std::vector<std::string> in = queue[q].second;
        // `web#build` (turbo): one package's task, by its name. nx's tasks are whole target names
        // (`db:reset`), its `nx run project:target` split by task_run.
        const std::size_t mark = runner == "turbo" ? task.find('#') : std::string::npos;
        if (mark != std::string::npos) {
            const std::string pkg = task.substr(0, mark);
            task = task.substr(mark + 1);
            if (pkg == "//") in = {root.folder};  // turbo's root task
            else in = select(root, {pkg}, root.folder);
        }
        if (task.empty() || task.find_first_of("$`*") != std::string::npos) {
            return "it runs the task " + printable(queue[q].first) + ", a name pgfence does not resolve: what it runs is not known";
        }
        std::vector<std::string> deps;
        if (config) {
            const auto d = depends_on(*config, task);
            if (!d) return "its turbo.json entry for " + printable(task) + " has a dependsOn pgfence does not read: what runs before it is not known";
            deps = *d;
        }
        for (const std::string& folder : in) {
            // nx: a project.json target of that name runs its run-commands commands, each read as a
            // command line where it runs (nx_targets.hpp); another executor's code is not read. It
            // stands for a package.json script of that name (nx's project.json targets win).
            if (runner == "nx") {
                const std::string file = (folder.empty() ? "" : folder + "/") + "project.json";
                if (const auto pj = text(file)) {
                    const std::string project_root = folder == root.folder ? "" : root.folder.empty() ? folder : folder.substr(root.folder.size() + 1);
                    if (const auto target = nx_target(*pj, config.value_or(""), project_root, task)) {
                        const std::string said = "nx runs the target " + printable(task) + " of " + printable(file);
                        if (!target->unknown.empty()) return said + ": " + target->unknown + ": what it runs is not known";
                        Follow follow;
                        for (const NxTargetCommand& c : target->commands) {
                            const auto cwd = c.cwd == "\x01" ? std::nullopt : join_folder(root.folder, c.cwd.empty() ? std::string_view(".") : std::string_view(c.cwd));
                            if (!cwd) return said + ", whose command runs in a folder pgfence does not resolve: what it runs is not known";
                            if (const std::string w = release_command_why(c.command, *cwd, follow); !w.empty()) {
                                return said + ", whose command `" + printable(c.command) + "` nx runs: " + w;
                            }
                        }
                        continue;
                    }
                }
            }
            if (const std::string tj = (folder.empty() ? "" : folder + "/") + "turbo.json"; runner == "turbo" && text(tj)) {
                const auto d = depends_on(*text(tj), task);
                if (!d) return "the turbo.json of " + printable(folder) + " has a dependsOn pgfence does not read: what runs before " + printable(task) + " is not known";
                deps.insert(deps.end(), d->begin(), d->end());
            }
            if (const std::string w = task_why(folder, task, ""); !w.empty()) {
                return "it runs the task " + printable(task) + " in the workspace package " + printable(folder.empty() ? "." : folder) + ": " + w;
            }
        }
        for (std::string d : deps) {
            if (d.starts_with("^")) d.erase(0, 1);  // the dependencies' task: read in every package
            if (d.starts_with("$") || d.empty()) continue;  // `$TURBO_DEFAULT$` and the like are inputs, not tasks
            if (!queued.insert(d).second) continue;
            queue.emplace_back(d, d.find('#') == std::string::npos ? root.folders : std::vector<std::string>{});
            // nx: a dependsOn `project:target` string, read as the target of that project too.
            if (const std::size_t colon = d.find(':'); runner == "nx" && colon != std::string::npos && colon > 0) {
                queue.emplace_back(d.substr(colon + 1), select(root, {d.substr(0, colon)}, root.folder));
            }
        }
    }
    return "";
}

std::optional<std::string> Workspaces::why(const std::vector<std::string>& words, const std::optional<std::string>& here_or) {
    const std::string here = here_or.value_or("");
    if (auto r = nx_release_why(words, here)) return r;
    // An nx exec or watch command is read there whole (its command is not a task to run).
    if (auto r = release_why(words, here); r && (!r->empty() || nx_command(words))) return r;
    std::string runner;
    std::vector<std::string> tasks, filters;
    if (auto t = task_run(words)) {
        if (!t->unknown.empty()) return task_runner_unknown(words);
        runner = t->runner;
        tasks = std::move(t->tasks);
        filters = std::move(t->filters);
    } else {
        // `yarn workspaces foreach [-A] run X` (yarnpkg.com/cli/workspaces/foreach): every workspace;
        // --include, --exclude and --from narrow it, not read (more read, not less).
        for (std::size_t k = 0; k + 2 < words.size() && runner.empty(); ++k) {
            if (tool_word(words[k]) != "yarn" || words[k + 1] != "workspaces" || words[k + 2] != "foreach") continue;
            std::size_t v = k + 3;
            while (v < words.size() && flag_word(words[v])) {
                const bool value = words[v].find('=') == std::string::npos && one_of(words[v], {"--include", "--exclude", "--from", "-j", "--jobs", "--since"});
                v += value ? 2 : 1;
            }
            if (v < words.size() && words[v] == "run") ++v;
            if (v >= words.size()) return std::nullopt;
            // Yarn's own pack, `npm publish` and version in each workspace: their lifecycle scripts.
            std::vector<ScriptRun> lifecycle;
            if (lifecycle_runs("yarn", words[v], words, v, std::nullopt, std::nullopt, true, lifecycle)) {
                for (const ScriptRun& run : lifecycle) {
                    if (++m_runs > 4096) return "it runs workspace scripts past pgfence's limit for following them: what they run is not known";
                    if (std::string w = run_why(run, std::nullopt, here); !w.empty()) return w;
                }
                return "";
            }
            // `exec`: a command in each workspace, not a script.
            if (words[v] == "exec" || words[v] == "dlx" || words[v] == "node") {
                return "this command runs `" + printable(words[v]) + "` in each workspace package through yarn workspaces foreach, which pgfence "
                       "does not follow: what it runs against the database (the down direction, a reset) is not known";
            }
            runner = "yarn workspaces foreach";
            tasks.push_back(words[v]);
        }
        if (runner.empty()) {
            // Every script it runs in the workspace's packages (npm publish --workspaces runs five).
            bool any = false;
            for (const auto& run : scripts_run(words)) {
                if (!run.every && !run.workspace) continue;
                any = true;
                if (++m_runs > 4096) return "it runs workspace scripts past pgfence's limit for following them: what they run is not known";
                if (std::string w = run_why(run, run.workspace, here); !w.empty()) return w;
            }
            return any ? std::optional<std::string>("") : std::nullopt;
        }
    }
    if (++m_runs > 4096) return "it runs workspace tasks past pgfence's limit for following them: what they run is not known";
    const Root& root = root_of(here, runner == "lerna");
    if (!root.unknown.empty() || root.folders.empty()) {
        // As before: a deploy's step by name (`turbo run build`) is each package.json's script read where it is.
        if (std::all_of(tasks.begin(), tasks.end(), [&](const std::string& t) { return runner != "nx" && deploy_task_name(t); })) return "";
        return "this command runs the task " + printable(tasks.front()) + " of workspace packages through " + runner + ", and " +
               (root.unknown.empty() ? std::string("pgfence found no workspace package") : root.unknown) +
               ": what it runs against the database (the down direction, a reset) is not known";
    }
    const std::string w = tasks_why(runner, root, select(root, filters, here), tasks);
    if (w.empty()) return "";
    return "this command runs workspace tasks through " + runner + ": " + w;
}

std::string Workspaces::run_why(const ScriptRun& run, const std::optional<std::string>& filter, const std::string& here) {
    const Root& root = root_of(here, run.lerna);
    if (!root.unknown.empty() || root.folders.empty()) {
        return "this command runs the script " + printable(run.name) + " of " + (filter ? "the workspace " + printable(*filter) : std::string("every workspace")) +
               ", and " + (root.unknown.empty() ? std::string("pgfence found no workspace package") : root.unknown) +
               ": what the script runs (the down direction, a reset) is not known";
    }
    for (const std::string& folder : filter ? select(root, {*filter}, here) : root.folders) {
        PackageScripts* scripts = package(folder);
        if (scripts == nullptr) continue;
        const std::string key = folder + "\n" + run.name + "\n" + run.args;
        if (m_busy.contains(key)) continue;  // a cycle: worked out where it began
        if (m_depth >= 8) return "it runs workspace scripts that run workspace scripts past pgfence's limit (8 deep): what the last ones run is not known";
        ++m_depth;
        m_busy.insert(key);
        const std::string w = scripts->why(run);
        m_busy.erase(key);
        --m_depth;
        if (!w.empty()) return "this command runs the package.json script " + printable(run.name) + " of the workspace package " + printable(folder) + ": " + w;
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail
