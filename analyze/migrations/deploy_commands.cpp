#include "analyze/migrations/deploy_commands.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/ansible_tasks.hpp"
#include "analyze/migrations/command_data_lines.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_tool_files.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/joined_commands.hpp"
#include "analyze/migrations/manifest_templates.hpp"
#include "analyze/migrations/named_command_files.hpp"
#include "analyze/migrations/nx_targets.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/text_programs.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"
#include "analyze/migrations/shell_forms.hpp"
#include "analyze/migrations/template_vars.hpp"
#include "analyze/migrations/workflow_values.hpp"
#include "analyze/migrations/other_runners.hpp"
#include "analyze/migrations/yaml_exec.hpp"

namespace pgfence::analyze::tools {

using namespace deploy_detail;

namespace {

// A name's words: split at every character but a letter or digit and where a lower-case letter
// meets an upper-case one (`dbReset`), lower-cased.
std::vector<std::string> name_words(std::string_view name) {
    std::vector<std::string> out;
    std::string word;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        const bool camel = i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1]));
        if (!std::isalnum(c) || camel) {
            if (!word.empty()) out.push_back(std::move(word));
            word.clear();
        }
        if (std::isalnum(c)) word += static_cast<char>(std::tolower(c));
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

// The names of a deploy's migrate step: a package.json script, a Makefile target, a justfile recipe.
// A developer's helper by its name: a whole word (split as name_words) that names the destructive
// direction (`db:rollback`, `migrate-down`, `dbReset`) or a test or development run. Whole words
// only: `release-zero-downtime` and `deploy-with-preset` are deploys (red team R81a B6).
bool helper_name(std::string_view name) {
    for (const std::string& part : name_words(name)) {
        if (part.starts_with("test")) return true;
        for (std::string_view w : {"dev", "develop", "development", "local", "e2e", "spec", "specs"}) {
            if (part == w) return true;
        }
        for (std::string_view w : {"down", "rollback", "undo", "reset", "drop", "clean", "redo", "revert", "fresh", "refresh", "wipe", "purge",
                                   "force", "rebase", "flush", "teardown", "destroy", "truncate"}) {
            if (part == w) return true;
        }
    }
    return false;
}

bool deploy_name(std::string_view name) {
    // The scripts npm runs itself on `npm install` and `npm ci` (docs.npmjs.com/cli/using-npm/scripts,
    // "npm ci": preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare;
    // "npm install" the same): a deploy that installs runs them (red team R81a B9).
    for (std::string_view w : {"preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"}) {
        if (name == w) return true;
    }
    if (helper_name(name)) return false;
    const std::string n = lower(name);
    for (std::string_view w : {"migrat", "deploy", "release", "start", "postinstall", "build", "prod", "upgrade", "db:update"}) {
        if (n.find(w) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

namespace deploy_detail {

bool deploy_task_name(std::string_view name) { return deploy_name(name); }
bool helper_task_name(std::string_view name) { return helper_name(name); }

}  // namespace deploy_detail

namespace {

// GitLab CI's `include:` (docs.gitlab.com/ci/yaml/#include): its jobs' scripts run as this file's. A
// file of the repository that is no command file pgfence reads (command_file; red team R81a B8), and
// any remote, project, template or component include, are unknown at their line.
std::vector<CommandUnknown> gitlab_local_includes(std::string_view text) {
    std::vector<CommandUnknown> out;
    bool in_include = false;
    int n = 0;
    for (std::size_t at = 0; at <= text.size() && out.size() < 64;) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (l.empty() || l.front() == '#') continue;
        std::string_view value;
        if (l.starts_with("include:")) {
            in_include = true;
            value = l.substr(8);
        } else if (l.front() != ' ' && l.front() != '-') {
            in_include = false;
            continue;
        } else if (in_include) {
            value = l;
        } else {
            continue;
        }
        auto trim = [](std::string_view v) {
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '-' || v.front() == '"' || v.front() == '\'' || v.front() == '[')) v.remove_prefix(1);
            if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '"' || v.back() == '\'' || v.back() == ']')) v.remove_suffix(1);
            return v;
        };
        value = trim(value);
        // A file of another repository, of a URL or of GitLab's own templates and components
        // (docs.gitlab.com/ci/yaml/#include: include:remote, :project with :file, :template,
        // :component; a bare https:// string is a remote): pgfence cannot read it. A template runs
        // commands too: Auto DevOps runs the project's $DB_MIGRATE at deploy (gitlab-ce MR 21955).
        std::string_view outside;
        for (std::string_view key : {"remote:", "project:", "template:", "component:"}) {
            if (value.starts_with(key)) outside = trim(value.substr(key.size()));
        }
        if (outside.empty() && (value.starts_with("http://") || value.starts_with("https://"))) outside = value;
        if (!outside.empty()) {
            out.push_back(CommandUnknown{n, "this file includes " + printable(outside) + ", outside the repository (a remote file, another project's, "
                                              "or a GitLab template or component), whose jobs' scripts GitLab CI runs: pgfence cannot read it, so "
                                              "what it runs against the database (the down direction, a reset) is not known", {}, {}});
            continue;
        }
        if (value.starts_with("local:")) {
            value = trim(value.substr(6));
        } else if (value.empty() || value.find(':') != std::string_view::npos) {
            continue;  // a key of an include's block (file:, ref:, rules:, inputs:)
        }
        if (value.empty()) continue;
        std::string file(value.starts_with("/") ? value.substr(1) : value);
        std::replace(file.begin(), file.end(), '*', 'x');
        if (command_file(file)) continue;
        out.push_back(CommandUnknown{n, "this file includes " + printable(value) + ", whose jobs' scripts GitLab CI runs: pgfence does not read it "
                                          "as commands, so what it runs against the database (the down direction, a reset) is not known", {}, {}});
    }
    return out;
}

// What a container runs from a compose service's `command:` or a Kubernetes container's `args:`
// given over the image's ENTRYPOINT (red team R89 F6): a compose service with `build:` runs its
// Dockerfile's exec-form ENTRYPOINT with `command:` as the arguments (Docker docs, "Understand how
// CMD and ENTRYPOINT interact"; compose spec: `command` overrides CMD only); a Kubernetes
// container's `args:` without `command:` are arguments to the image's entrypoint (kubernetes
// core/v1 Container.Args), which pgfence does not see: unknown when they hold a migration verb or
// the repository's Dockerfile has a migration tool's ENTRYPOINT. "" otherwise.
std::string container_command_why(std::string_view path, const ExecCommand& c, bool manifest, const ReadFile& read) {
    if (c.entrypoint || !read) return "";
    if (!manifest && c.command_key && c.build) {
        const auto folder = join_folder(path_folder(path), *c.build);
        if (!folder || c.build->find_first_of("$`") != std::string::npos) return "";
        const std::string file = (folder->empty() ? std::string() : *folder + "/") + (c.dockerfile.empty() ? std::string("Dockerfile") : c.dockerfile);
        const auto body = c.dockerfile.find_first_of("$`") == std::string::npos ? read(file) : std::nullopt;
        const auto entry = body ? dockerfile_entrypoint(*body) : std::nullopt;
        if (!entry) return "";
        const std::string why = destructive_command(*entry + " " + c.command);
        if (why.empty()) return "";
        return "this service runs " + printable(file) + "'s ENTRYPOINT (" + printable(*entry) + ") with this command as its arguments: " + why;
    }
    if (!manifest || c.command_key || !c.args) return "";
    const auto body = read("Dockerfile");
    const auto entry = body ? dockerfile_entrypoint(*body) : std::nullopt;
    bool tool_entry = false;
    if (entry) {
        for (const auto& words : simple_commands(*entry)) {
            tool_entry = tool_entry || std::any_of(words.begin(), words.end(), [](const std::string& w) { return migration_tool_word(w); });
        }
        if (const std::string why = destructive_command(*entry + " " + c.command); !why.empty()) {
            return "this container's args go to its image's entrypoint; with the repository's Dockerfile's (" + printable(*entry) + "): " + why;
        }
    }
    bool verb = false;
    for (std::size_t i = 0; i < c.words.size() && !verb; ++i) {
        const std::string w = lower(c.words[i]);
        if (w.starts_with("migrat") || w.find(":migrat") != std::string::npos) verb = true;
        for (const std::string& part : name_words(w)) {
            for (std::string_view v : {"migrate", "migration", "migrations", "rollback", "reset", "down", "undo", "revert", "redo", "fresh"}) {
                if (part == v) verb = true;
            }
        }
    }
    if (!verb && !tool_entry) return "";
    return "this container gives " + std::string(verb ? "a migration verb (" + printable(c.command) + ")" : "arguments") +
           " to its image's entrypoint, which this file does not name (`args:` without `command:`): which tool runs and in which direction "
           "(the down direction, a reset) is not known where the manifest is read";
}

// A deploy tool's or a Ruby program's call whose command is a variable or an expression
// (deploy_tool_files.hpp k_computed_call): unknown at its line (red team R90 F6).
void computed_calls(std::string_view commands, std::vector<CommandUnknown>& out) {
    int line = 1;
    for (std::size_t b = 0; b < commands.size() && out.size() < 256; ++line) {
        std::size_t e = commands.find('\n', b);
        if (e == std::string_view::npos) e = commands.size();
        if (commands.substr(b, e - b).find(k_computed_call) != std::string_view::npos &&
            std::none_of(out.begin(), out.end(), [&](const CommandUnknown& u) { return u.line == line; })) {
            out.push_back(CommandUnknown{line, "this call runs a command given by a variable or an expression, not a literal string, which pgfence "
                                               "does not follow: what it runs (a migration tool, its direction) is not known", {}, {}});
        }
        b = e + 1;
    }
}

}  // namespace

std::vector<CommandUnknown> deploy_command_unknowns(std::string_view path, std::string_view text, const ReadFile& read) {
    Follow follow;
    follow.seen.insert(std::string(path));
    return command_unknowns(path, text, read, follow, false);
}

namespace deploy_detail {

// A manifest a line feeds to `kubectl apply -f -` (manifest_templates.hpp kubectl_stdin_manifest,
// red team R90 F7): read as one whatever its name, its template tags computed words; one pgfence
// cannot name or read is unknown at the line.
static std::string stdin_manifest_why(std::string_view line, const std::optional<std::string>& here, const ReadFile& read) {
    const StdinManifest m = kubectl_stdin_manifest(line);
    if (m.kind == StdinManifest::Kind::none) return "";
    const std::string unnamed = "this command applies a Kubernetes manifest kubectl reads from its input (`-f -`)";
    if (m.kind == StdinManifest::Kind::unnamed) {
        return unnamed + ", given by " + printable(m.source) + ": pgfence does not read it, so what its containers run against the database "
               "(the down direction, a reset) is not known";
    }
    const auto file = here && m.file.find_first_of("$`~") == std::string::npos ? join_folder(*here, m.file) : std::nullopt;
    const auto body = file && read ? read(*file) : std::nullopt;
    if (!body) {
        return unnamed + ", the file " + printable(m.file) + ", which pgfence cannot read (computed, outside the repository, or from a folder it "
               "does not follow): what its containers run against the database (the down direction, a reset) is not known";
    }
    const std::string text = without_manifest_template_tags(*body);
    if (!kubernetes_manifest(text)) return "";
    for (auto c : yaml_exec_commands(text)) {
        c.command = without_template_words(c.command);
        for (auto& w : c.words) w = without_template_words(w);
        std::string why = container_command_why(*file, c, true, read);
        if (why.empty()) why = destructive_command(c.command);
        if (why.empty()) why = unread_settings_command(c.command);
        if (!why.empty()) return "this command applies " + printable(*file) + " (line " + std::to_string(c.line) + "): " + why;
    }
    return "";
}

// `run_script`: the text is a script a deploy's command runs by name, read as a shell script
// whatever its name (and not passed over as a developer's helper by its name: a deploy runs it).
std::vector<CommandUnknown> command_unknowns(std::string_view path, std::string_view text, const ReadFile& read, Follow& follow, bool run_script) {
    std::vector<CommandUnknown> out;
    constexpr std::size_t k_most = 64;
    // A task runner's or Terraform's file: its tasks' commands, as a script's lines run from its
    // folder (other_runners.hpp; red team R89 F5).
    if (!run_script && task_file(path)) {
        // nx's files: their deploy-named targets' commands, run from the workspace root (nx_targets.hpp; red team R89b F7).
        std::string root(path_folder(path));
        const std::string commands = nx_file(path) ? nx_file_commands(path, text, read, [](std::string_view t) { return deploy_name(t); }, root)
                                                   : task_file_commands(path, text);
        std::string caller = std::exchange(follow.base, root);
        // A fabfile or an ecosystem.config.js is read as its commands already, not as a script's spawns.
        follow.spawns = true;
        auto found = command_unknowns(path, commands, read, follow, true);
        follow.base = std::move(caller);
        computed_calls(commands, found);
        return found;
    }
    // A Ruby program a command runs: the commands it runs, as a Capistrano file's (deploy_tool_files.hpp).
    if (!follow.spawns && run_script && ruby_program(path, text)) {
        follow.spawns = true;
        const std::string commands = ruby_program_commands(text);
        auto found = command_unknowns(path, commands, read, follow, true);
        computed_calls(commands, found);
        return found;
    }
    // A Node or Python script a command runs: the commands it spawns (deploy_spawns.cpp).
    bool python = false;
    if (!std::exchange(follow.spawns, false) && run_script && code_script(path, text, &python)) return spawn_unknowns(path, text, read, follow, python);
    const std::string_view name = run_script ? std::string_view("script.sh") : path_name(path);
    const bool package = name == "package.json";
    const bool dotenv = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    const bool ebext = path.starts_with(".ebextensions/") && name.ends_with(".config");  // YAML or JSON
    // A manifest under a template's name (`migrate-job.yaml.tmpl`, `.yml.erb`): read with its
    // template tags as computed words (manifest_templates.hpp; red team R90 F7).
    const bool template_file = !run_script && manifest_template_name(name);
    std::string untagged;
    if (template_file) {
        untagged = without_manifest_template_tags(text);
        text = untagged;
        if (!kubernetes_manifest(text)) return out;
    }
    const bool yaml_file = name.ends_with(".yml") || name.ends_with(".yaml") || ebext || template_file;
    // A Kubernetes Job's or Pod's container command (yaml_exec.hpp), whatever the file's name.
    const bool manifest = yaml_file && (template_file || !command_file(path)) && kubernetes_manifest(text);
    if (!run_script && yaml_file && !manifest && !command_file(path)) return ansible_tasks_file(path, text) ? ansible_task_unknowns(text) : out;
    if (!run_script && !package && !dotenv && !manifest && !command_file(path)) return out;
    // The exec-form commands of a YAML file (`command: ["npx", "knex", "migrate:rollback"]`, one
    // word a line), as the program receives them.
    if (yaml_file) {
        for (auto c : yaml_exec_commands(text)) {
            if (out.size() >= k_most) break;
            // A Helm template's `{{ .Values.x }}`: a value pgfence does not render (template_vars.hpp).
            c.command = without_template_words(c.command);
            for (auto& w : c.words) w = without_template_words(w);
            std::string why = container_command_why(path, c, manifest, read);
            if (why.empty()) why = destructive_command(c.command);
            if (why.empty()) why = unread_settings_command(c.command);
            // Read with every line of the mapping: `pr` reviews it when the pull request changes any (red team R89 F3, F6).
            if (!why.empty()) out.push_back(CommandUnknown{c.line, std::move(why), {}, c.lines});
        }
        // A chart template's container command that Helm renders from a named template or one whole
        // `{{ }}`: no tool's name need be in sight (manifest_templates.hpp; red team R90 F3).
        if (manifest && read && chart_template_path(path, [&](const std::string& chart) { return read(chart.empty() ? std::string("Chart.yaml") : chart + "/Chart.yaml").has_value(); })) {
            for (const auto& u : unrendered_helm_commands(text)) {
                if (out.size() >= k_most) break;
                const bool said = std::any_of(out.begin(), out.end(), [&](const CommandUnknown& o) {
                    return o.line == u.line || std::find(o.uses.begin(), o.uses.end(), u.line) != o.uses.end();
                });
                if (said) continue;
                out.push_back(CommandUnknown{u.line, "a Helm template pgfence does not render: this container's command is given by " + printable(u.text) +
                                                         " (a named template of the chart's templates/, or a value), so which tool runs and in "
                                                         "which direction (the down direction, a reset) is not known",
                                             {}, {}});
            }
        }
        if (manifest) return out;
    }
    // Tilt runs a developer's local cluster (its buttons and local_resources): not a deploy.
    if (name == "Tiltfile") return out;
    // A script or compose file named for the destructive direction or a test run (`scripts/reset-db.sh`,
    // `docker-compose.test.yml`): a developer's helper, as a package.json `db:rollback`. A deploy that
    // runs it by name is not followed (its command names a file, not a tool).
    const bool compose = (name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"));
    if (!run_script && (name.ends_with(".sh") || name.ends_with(".bash") || compose) && helper_name(name.substr(0, name.rfind('.')))) return out;
    // The packages the lines run scripts of, by folder, each read once (deploy_workspaces.hpp).
    Workspaces workspaces(read);
    GoBuilds go_builds;  // `go build -o bin/migrate ./cmd/migrate`, then `./bin/migrate` (other_runners.hpp)
    if (package) {
        // A script a deploy's migrate step names, or one such a script runs with npm run.
        PackageScripts scripts(package_scripts(text));
        if (read) {
            scripts.workspace_run = [&workspaces, folder = std::string(path_folder(path))](const std::vector<std::string>& words) {
                return workspaces.why(words, folder);
            };
            scripts.program_run = [&read, folder = std::string(path_folder(path))](const std::vector<std::string>& words) {
                return driver_program_unknown(words, folder, read);
            };
        }
        for (const auto& s : scripts.all()) {
            if (!deploy_name(s.name)) continue;
            std::string why = scripts.why(s.name);
            if (why.empty()) {
                for (const auto& run : scripts_run_in(s.command)) {
                    if (run.name == s.name) continue;
                    if (const std::string w = scripts.why(run); !w.empty()) {
                        why = "this script runs the script " + printable(run.name) + ": " + w;
                        break;
                    }
                }
            }
            if (why.empty()) why = unread_settings_command(s.command);
            // A script of the repository it runs by name, from the package's folder, where npm runs it.
            if (why.empty()) {
                for (const auto& words : simple_commands(s.command)) {
                    const std::string script = script_word(words);
                    if (!script.empty()) why = script_unknown(script, path_folder(path), read, follow);
                    // Its program not in the repository: the build's output or the app's own (`start:
                    // node dist/main.js`), as below for package.json's lines.
                    if (why.ends_with(k_not_in_repository)) why.clear();
                    if (!why.empty()) break;
                }
            }
            // A program of the project's own that migrates (review87 miss 1).
            if (why.empty()) why = own_runner_unknown(s.name, s.command, path_folder(path), read);
            if (!why.empty() && out.size() < k_most) out.push_back(CommandUnknown{s.line, "script " + printable(s.name) + ": " + why, {}, {}});
        }
        return out;
    }
    const bool yaml = yaml_file;
    // GitLab CI's files: .gitlab-ci.yml and the ones it includes (settings_surface.cpp command_file).
    if (name == ".gitlab-ci.yml" || (yaml_file && (path.starts_with(".gitlab/") || path.starts_with(".gitlab-ci/") || name.ends_with(".gitlab-ci.yml")))) {
        for (const auto& inc : gitlab_local_includes(text)) {
            if (out.size() < k_most) out.push_back(inc);
        }
    }
    const bool targets = !run_script && (make_file_name(name) || just_file_name(name));
    // Where a command file's commands run: a workflow's from the top, another's from its folder.
    const std::string base = run_script ? follow.base
                             : runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string()
                                                                                                         : std::string(path_folder(path));
    auto package_at = [&](const std::string& folder) { return workspaces.package(folder); };
    // A workspace by its name or folder, among the patterns of base's root (`packages/*` gives
    // packages/<the name's last part>, as npm's and pnpm's init lay them out); nullopt when none
    // has that package.json "name" (red team R81a B7).
    auto workspace_folder = [&](std::string_view spec) -> std::optional<std::string> {
        if (spec.starts_with("./") || spec.starts_with("../") || (spec.find('/') != std::string_view::npos && !spec.starts_with("@"))) {
            return join_folder(base, spec);
        }
        const auto root = read(base.empty() ? std::string("package.json") : base + "/package.json");
        const auto pnpm = read(base.empty() ? std::string("pnpm-workspace.yaml") : base + "/pnpm-workspace.yaml");
        const std::string_view last = spec.substr(spec.rfind('/') == std::string_view::npos ? 0 : spec.rfind('/') + 1);
        for (std::string pattern : workspace_patterns(root ? *root : "", pnpm ? *pnpm : "")) {
            if (pattern.starts_with("!")) continue;
            while (pattern.ends_with("/**") || pattern.ends_with("/*")) pattern.erase(pattern.rfind('/'));
            for (const std::string& candidate : {pattern, pattern + "/" + std::string(last)}) {
                if (candidate.find('*') != std::string::npos) continue;
                const auto folder = join_folder(base, candidate);
                if (!folder) continue;
                const auto pj = read(*folder + "/package.json");
                if (pj && package_name(*pj) == spec) return folder;
            }
        }
        return std::nullopt;
    };
    // Why a `npm run X` (yarn, pnpm, bun) run at `here` hides what pgfence must see: the script X of
    // the package it runs in (npm --prefix, -w, a workspace), or one pgfence cannot find.
    auto npm_unknown = [&](const std::vector<std::string>& words, const std::vector<std::string>& patterns,
                           const std::optional<std::string>& here) -> std::string {
        for (const auto& run : scripts_run(words, &patterns)) {
            std::optional<std::string> folder = here;
            std::string where;
            if (run.every) {
                // Each workspace package's script (deploy_workspaces.cpp).
                if (const std::string w = workspaces.run_why(run, std::nullopt, here.value_or(base)); !w.empty()) return w;
                continue;
            } else if (run.workspace) {
                folder = workspace_folder(*run.workspace);
                where = "the workspace " + printable(*run.workspace);
                // A filter that names no one package's folder (pnpm --filter '@app/*'): the packages it selects.
                if (!folder) {
                    if (const std::string w = workspaces.run_why(run, run.workspace, here.value_or(base)); !w.empty()) return w;
                    continue;
                }
            } else if (run.folder) {
                folder = here ? join_folder(*here, *run.folder) : std::nullopt;
                where = "the package in " + printable(*run.folder);
            } else if (folder != base) {
                where = "the package in " + (folder ? *folder : std::string("a folder a `cd` or `working-directory` computes"));
            }
            if (!folder) {
                return "this command runs the script " + printable(run.name) + " of " + where +
                       ", which pgfence could not find: what the script runs (the down direction, a reset) is not known";
            }
            // npm runs in the nearest folder up that holds a package.json (docs.npmjs.com
            // configuring-npm/folders, "prefix"); none: npm fails.
            PackageScripts* scripts = package_at(*folder);
            for (std::string up = *folder; scripts == nullptr && !up.empty();) {
                up = up.find('/') == std::string::npos ? std::string() : up.substr(0, up.rfind('/'));
                scripts = package_at(up);
            }
            if (scripts == nullptr) continue;
            if (const std::string w = scripts->why(run); !w.empty()) {
                return "this command runs the package.json script " + printable(run.name) + (where.empty() ? "" : " of " + where) + ": " + w;
            }
        }
        return "";
    };
    std::string target;                             // the Makefile target or justfile recipe the line is in
    // A workflow's env, matrix and working folders (workflow_values.hpp): its commands as the runner runs them.
    std::optional<WorkflowValues> values;
    if (yaml && (path.starts_with(".github/workflows/") || path.starts_with(".github/actions/"))) values.emplace(text);
    // The functions, aliases and arrays the text defines that hold a database tool, and a workflow's
    // `run:` lines (shell_forms.hpp: red team R88c F2, F9).
    const ShellNames shell_defined = shell_names(text);
    // The shell's working folder: a script's `cd` holds for its following lines, as does a
    // Dockerfile's WORKDIR; a workflow's `run:` block is one shell (its step); nullopt: computed.
    // Only a shell's: a followed script named .js or .py, or whose #! names node or python, is read
    // line by line as before but its lines move no folder.
    const std::string_view first_line = text.substr(0, text.find('\n'));
    const std::string_view ext = path_name(path).rfind('.') == std::string_view::npos ? std::string_view() : path_name(path).substr(path_name(path).rfind('.'));
    const bool shell = (ext.empty() || ext == ".sh" || ext == ".bash" || ext == ".zsh" || ext == ".ksh" || ext == ".bats" || ext == ".command" ||
                        ext == ".run") &&
                       !(first_line.starts_with("#!") && (first_line.find("node") != std::string_view::npos || first_line.find("python") != std::string_view::npos ||
                                                          first_line.find("ruby") != std::string_view::npos || first_line.find("perl") != std::string_view::npos ||
                                                          first_line.find("deno") != std::string_view::npos || first_line.find("bun") != std::string_view::npos ||
                                                          first_line.find("php") != std::string_view::npos));
    const bool carries = shell && (run_script || name.ends_with(".sh") || name.ends_with(".bash"));
    const bool dockerfile = dockerfile_name(name);
    std::optional<std::string> cwd = base;
    int cwd_scope = -1;
    std::size_t variant_budget = 1024;
    // The shell's compound commands (if, case, loops, a function's body) open on the lines read so
    // far, and the folder the outermost began in: a `cd` inside one may not run (`if false; then cd
    // x; fi`) or runs when the function is called, so a block that ends elsewhere than it began
    // leaves the folder unknown.
    int block = 0;
    std::optional<std::string> block_entry;
    std::size_t sourced_reads = 0;
    // A script's own folder under a name (`DIR=$(dirname "$0")`, `$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)`).
    std::vector<std::pair<std::string, std::string>> own_dirs = run_script ? std::exchange(follow.dirs, {}) : decltype(follow.dirs){};
    // A Makefile's literal variables, substituted in its recipes as make does (deploy_wrappers.cpp).
    const bool makefile = targets && make_file_name(name);
    const MakeVariables make_vars = makefile ? make_variables(text) : MakeVariables{};
    // A justfile's and a Taskfile's literal variables, put in where `{{ }}` names them (red team R89 F7).
    const bool taskfile = yaml_file && (name.starts_with("Taskfile") || name.starts_with("taskfile"));
    const TemplateVars just_vars = targets && !makefile ? just_variables(text) : taskfile ? taskfile_variables(text) : TemplateVars{};
    // GNU make's .RECIPEPREFIX makes lines that start with another character recipes (GNU make
    // manual, "Special Variables"): then no unindented line is taken for make's own (red team R83b H6).
    const bool recipe_prefix = makefile && text.find(".RECIPEPREFIX") != std::string_view::npos;
    // Its character, which make strips from a recipe line as it does a tab (`.RECIPEPREFIX = >`).
    std::optional<char> recipe_char;
    if (recipe_prefix) {
        const std::size_t at = text.find(".RECIPEPREFIX");
        const std::size_t eq = text.find('=', at);
        const std::size_t nl = text.find('\n', at);
        if (eq != std::string_view::npos && eq < nl) {
            const std::size_t v = text.find_first_not_of(" \t", eq + 1);
            if (v != std::string_view::npos && v < nl && text[v] != '$') recipe_char = text[v];
        }
    }
    // The repository folders a workflow's earlier steps put on PATH ($GITHUB_PATH): a later step's
    // bare program (`knex`) may be the file there; nullopt: a computed folder.
    std::vector<std::optional<std::string>> path_folders;
    // The lines no shell runs (a workflow's matrix values and data inputs, a github-script's
    // JavaScript, vercel.json's routes: command_data_lines.hpp), and a quoted argument a shell
    // line leaves open for the lines after it (`sed -E '` ... `'`) with the program it is for.
    const DataLines data = run_script ? DataLines{} : data_lines(path, text);
    char open_quote = 0;
    std::string quote_program, heredoc_end;
    bool array_open = false;  // the last line opened an array assignment's words (shell_arrays.cpp)
    bool heredoc_data = false;  // the open here-document's body is data (heredoc_is_data)
    // A Dockerfile's folder: WORKDIR's; each RUN is a shell of its own, so a `cd` in one holds
    // for that instruction only (Dockerfile reference, "RUN", "WORKDIR").
    std::optional<std::string> workdir = base;
    for (const auto& l : logical_lines(text, yaml)) {
        if (out.size() >= k_most) break;
        if (targets && !l.text.empty() && l.text.front() != '\t' && l.text.front() != ' ' && l.text.front() != '#') {
            const std::size_t colon = l.text.find(':');
            if (colon != std::string_view::npos && (colon + 1 >= l.text.size() || l.text[colon + 1] != '=')) target = std::string(l.text.substr(0, colon));
        }
        std::vector<int> uses;
        std::optional<std::string> line_base = base;
        if (values) {
            const int scope = values->scope(l.number);
            const auto wd = values->working_directory(l.number, uses);
            line_base = !wd ? std::nullopt : wd->empty() ? std::optional<std::string>(base) : join_folder(base, *wd);
            if (scope != cwd_scope) {
                cwd = line_base;
                block = 0;
            }
            cwd_scope = scope;
        } else if (!carries && !dockerfile) {
            cwd = base;
        } else if (dockerfile && !l.text.empty() && std::isupper(static_cast<unsigned char>(l.text.front())) != 0) {
            cwd = workdir;  // an instruction (a heredoc's body lines go on in its shell)
        }
        // A line inside a quoted argument an earlier line opened: the text of a sed, grep, jq or
        // echo is no command (review84 FU-5); another program's (`bash -c "`, `ssh host "`) is read.
        std::size_t quoted_text = 0;  // bytes of the line that are such text
        bool heredoc_text = false;    // a line of a here-document cat or tee is given (heredoc_is_data)
        bool array_text = false;      // a line of an array assignment's words
        std::string program_why;      // the line runs a command through sed's `e` or awk's system() (text_programs.hpp)
        const bool in_heredoc = !heredoc_end.empty();
        if (in_heredoc) {
            // A here-document's body is text, no quoting (bash manual, "Here Documents").
            std::string_view body = l.text;
            while (!body.empty() && body.front() == '\t') body.remove_prefix(1);
            heredoc_text = heredoc_data;
            if (body == heredoc_end) heredoc_end.clear();
        } else if ((shell || values) && array_open && open_quote == 0) {
            // An array's words, or its `)`: no command (review90 D).
            const ArrayLine a = array_line(l.text);
            array_open = a == ArrayLine::words;
            array_text = a != ArrayLine::other;
        }
        if (!in_heredoc && shell && !array_text) {
            const char was = open_quote;
            std::string program = quote_program;
            open_quote = shell_quote_state(l.text, open_quote, program);
            if (was != 0) {
                const std::size_t end = quote_end(l.text, was);
                if (quoted_text_line(quote_program, l.text.substr(0, end), was)) quoted_text = end == std::string_view::npos ? l.text.size() : end;
                else program_why = text_program_line_why(quote_program, l.text.substr(0, end), was);
            }
            quote_program = std::move(program);
            heredoc_end = open_quote == 0 ? heredoc_word(l.text) : std::string();
            heredoc_data = !heredoc_end.empty() && heredoc_is_data(l.text);
            array_open = open_quote == 0 && heredoc_end.empty() && opens_array(l.text);
        } else if (values && !in_heredoc && !array_text) {
            array_open = opens_array(l.text);  // a workflow's `run:` block is a shell's text too
        }
        const bool no_command = data.at(l.number) || heredoc_text || array_text || (quoted_text > 0 && quoted_text >= l.text.size());
        // The line's own bytes never carry the from-the-top mark.
        std::string line_text = l.text;
        std::replace(line_text.begin(), line_text.end(), k_from_top, '?');
        std::fill_n(line_text.begin(), std::min(quoted_text, line_text.size()), ' ');
        if (recipe_char && !line_text.empty() && line_text.front() == *recipe_char) line_text.front() = '\t';
        if (taskfile && line_text.find("{{") != std::string::npos) line_text = with_template_vars(line_text, just_vars, true, uses);
        else if (yaml_file && line_text.find("{{") != std::string::npos) line_text = without_template_words(line_text);
        if (carries) {
            // A name set again (`DIR=/elsewhere`, `read DIR`, in a sourced script) no longer holds the folder;
            // one set inside a block may not be.
            auto dir = block == 0 ? own_dir_assignment(line_text, path, own_dirs) : std::nullopt;
            if (!dir && block == 0) dir = pwd_assignment(line_text, cwd);
            std::erase_if(own_dirs, [&](const auto& d) { return bare_mention(line_text, d.first); });
            if (dir && own_dirs.size() < 16) own_dirs.emplace_back(*dir);
            line_text = with_own_dirs(line_text, own_dirs, path);
        }
        std::string recipe_why;
        if (targets && !line_text.empty() && (line_text.front() == '\t' || line_text.front() == ' ')) {
            if (makefile) {
                recipe_why = unresolved_make_program(line_text, make_vars);
                line_text = with_make_variables(line_text, make_vars);
            } else if (line_text.find("{{") != std::string::npos) {
                line_text = with_template_vars(line_text, just_vars, false, uses);  // just's `{{ name }}` (template_vars.hpp)
            }
            // A recipe line's prefixes: `@` (not echoed), `-` (errors ignored), `+` (run under -n) (make
            // manual, "Recipe Echoing", "Errors in Recipes"; just's `@` and `-` the same).
            const std::size_t first = line_text.find_first_not_of(" \t");
            const std::size_t past = line_text.find_first_not_of("@-+", first);
            if (first != std::string::npos && past != std::string::npos && past > first) line_text.erase(first, past - first);
        }
        // A JavaScript action's main, pre and post files: node scripts the runner runs (their spawns).
        if (const std::string f = yaml ? node_action_file(path, text, line_text) : std::string(); !f.empty() && recipe_why.empty()) {
            if (f.find_first_of("$`") == std::string::npos) recipe_why = script_unknown(f, "", read, follow);
        }
        std::vector<std::string> variants = values ? values->expand(l.number, line_text, uses) : std::vector<std::string>{line_text};
        // A matrix's values cost a reading each: past the file's budget a line is read as written
        // (its computed words unknown where a tool reads them).
        if (variants.size() > 1) {
            if (variant_budget < variants.size()) variants = {line_text};
            else variant_budget -= variants.size();
        }
        // A Makefile's or justfile's line that is not indented is make's (a variable's assignment,
        // a rule), not a shell command: `X=$(BUILD)/$(NAME)` names make variables, no command
        // substitution. Only its recipe lines run (GNU make manual, "Recipe Syntax": each begins
        // with a tab). Save where make or just runs a command to assign (`$(shell ...)`, `!=`, a backquote).
        const bool make_syntax = targets && !recipe_prefix && !l.text.empty() && l.text.front() != '\t' && l.text.front() != ' ' &&
                                 l.text.find("$(shell") == std::string::npos && l.text.find("${shell") == std::string::npos &&
                                 l.text.find("!=") == std::string::npos && l.text.find('`') == std::string::npos &&
                                 l.text.find(';') == std::string::npos;
        std::string why;
        std::optional<std::string> here = cwd;
        const int block_before = block;
        const std::optional<std::string> block_entry_before = block_entry;
        // A function's definition (`f() {`, `function f {`) opens a block; a line that is `}` closes it.
        std::string_view trimmed = l.text;
        while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
        const std::size_t paren = trimmed.find("()");
        const bool function = carries && !no_command && (trimmed.starts_with("function ") ||
                                          (paren != std::string_view::npos && paren > 0 &&
                                           std::all_of(trimmed.begin(), trimmed.begin() + static_cast<std::ptrdiff_t>(paren), [](char ch) {
                                               return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '-' || ch == ':' || ch == '.' || ch == ' ';
                                           })));
        const bool conditional = l.text.find("&&") != std::string::npos || l.text.find("||") != std::string::npos;
        bool cond_moved = false;
        for (const std::string& t : variants) {
            here = cwd;
            block = block_before;
            block_entry = block_entry_before;
            if (function) {
                if (block++ == 0) block_entry = here;
            } else if (block > 0 && !no_command && trimmed.starts_with("}")) {
                if (--block == 0 && here != block_entry) here.reset();
            }
            why = dotenv ? std::string() : destructive_command(t);
            if (dotenv) break;
            if (why.empty()) why = recipe_why;
            if (why.empty()) why = !program_why.empty() ? program_why : no_command ? std::string() : text_program_why(t);
            if (why.empty() && !no_command) why = computed_program_why(t);
            if (why.empty() && !no_command) {
                const bool run_line = l.number > 0 && static_cast<std::size_t>(l.number) < shell_defined.run_lines.size() &&
                                      shell_defined.run_lines[static_cast<std::size_t>(l.number)] != 0;
                why = shell_form_why(t, &shell_defined, values.has_value(), run_line);
                if (why.empty()) why = inline_program_why(t);
                if (why.empty()) why = program_file_why(t, here ? &*here : nullptr, read);
                if (why.empty()) why = stdin_manifest_why(t, here, read);
            }
            std::size_t index = 0;
            std::vector<std::vector<std::string>> patterns;
            const auto commands = no_command ? std::vector<std::vector<std::string>>{} : simple_commands(t, &patterns);
            for (std::size_t ci = 0; ci < commands.size(); ++ci) {
                const auto& words = commands[ci];
                // `cd DIR` as the command (after a YAML key or list dash: `- run: cd packages/db`), a Dockerfile's WORKDIR.
                std::size_t c = 0;
                while (c < words.size() && (words[c] == "-" || words[c].ends_with(":") || words[c] == "then" || words[c] == "do" || words[c] == "else")) ++c;
                const bool first = index++ == 0;
                if (c >= words.size()) continue;
                const std::string& command = words[c];
                if (carries || values) {
                    static const std::set<std::string_view> k_opens = {"if", "case", "for", "while", "until", "select"};
                    static const std::set<std::string_view> k_closes = {"fi", "esac", "done"};
                    if (k_opens.contains(command)) {
                        if (block++ == 0) block_entry = here;
                    } else if (k_closes.contains(command) && block > 0) {
                        if (--block == 0 && here != block_entry) here.reset();
                    }
                }
                // `cd` with no folder, `cd -` or `~` (HOME, the last folder), `popd`: a folder pgfence does not follow.
                if (command == "popd" || ((command == "cd" || command == "pushd") &&
                                          (c + 1 >= words.size() || words[c + 1] == "-" || words[c + 1].starts_with("~")))) {
                    here.reset();
                    continue;
                }
                if (c + 1 < words.size() && (command == "cd" || command == "pushd" || (dockerfile && command == "WORKDIR"))) {
                    std::size_t a = c + 1;
                    while (a + 1 < words.size() && (words[a] == "-P" || words[a] == "-L" || words[a] == "-e" || words[a] == "--")) ++a;
                    const std::string_view to = words[a];
                    const std::optional<std::string> was = here;
                    if (to.starts_with(k_from_top)) {
                        here = from_top_path(to);
                    } else if (to.starts_with("/")) {
                        // An image's absolute path (`cd /app/services/worker`): the repository's
                        // folder it ends with, the first that holds a package.json; none is unknown
                        // (a Dockerfile's WORKDIR: the build's context, which `COPY . .` puts there).
                        std::optional<std::string> found;
                        for (std::size_t slash = to.find('/', 1); slash != std::string_view::npos && !found && read; slash = to.find('/', slash + 1)) {
                            const std::string_view tail = to.substr(slash + 1);
                            if (tail.find_first_of("$`") != std::string_view::npos) continue;  // `/home/$user/packages/server`: its literal end
                            if (const auto f = join_folder("", tail); f && !f->empty() && read(*f + "/package.json")) found = f;
                        }
                        here = found ? found : command == "WORKDIR" ? std::optional<std::string>(base) : std::nullopt;
                    } else {
                        here = here ? join_folder(*here, to) : std::nullopt;
                    }
                    // After `&&` or `||` a `cd` may not run: it holds on the line, not past it unless known both ways.
                    if (!first && conditional && here != was) cond_moved = true;
                    continue;
                }
                if (!why.empty()) continue;  // the folder is still followed: the lines after read from it
                if (make_syntax) continue;
                // A wrapper whose options pgfence does not know, before a migration tool: where the
                // tool's command starts (its verb) is a guess.
                if (const Unwrapped u = unwrap(words); !u.unsure.empty() &&
                                                       std::any_of(u.words.begin(), u.words.end(), [](const std::string& w) { return migration_tool_word(w); })) {
                    why = "this command runs a migration tool through " + printable(u.unsure) + " with options pgfence does not read: "
                          "which command it runs (the down direction, a reset) is not known";
                    continue;
                }
                if (read) why = npm_unknown(words, patterns[ci], here);
                if (why.empty() && read) {
                    if (auto w = workspaces.why(words, here ? here : std::optional<std::string>(base)); w) why = std::move(*w);
                    else why = task_runner_unknown(words);
                } else if (why.empty()) {
                    why = task_runner_unknown(words);
                }
                // A script of the repository the command runs by name: its lines are commands too.
                if (why.empty()) {
                    std::string script = script_word(words);
                    // `npx @acme/db-tools`: a bin of the repository's own package (deploy_npx_bins.cpp).
                    if (script.empty() && read) script = workspaces.npx_bin(words, here.value_or(base));
                    if (!script.empty() && !here && !script.starts_with("/") && !script.starts_with("~") && !script.starts_with(k_from_top)) {
                        why = "this command runs the script " + printable(script) + " from a folder a `cd` or `working-directory` computes, "
                              "which pgfence cannot tell: the migration commands in it are not seen";
                    } else if (!script.empty()) {
                        // A sourced script shares this one's variables (bash manual, "source").
                        const auto at = std::find(words.begin(), words.end(), script);
                        const bool sourced = at != words.begin() && at != words.end() && (*(at - 1) == "source" || *(at - 1) == ".");
                        if (sourced && carries) follow.dirs = own_dirs;
                        why = script_unknown(script, here.value_or(""), read, follow);
                        follow.dirs.clear();
                        // A Dockerfile runs the image's paths, where COPY and ADD put the repository's
                        // files elsewhere (Dockerfile reference, "COPY"): one not at the repository's
                        // path is the image's, as before red team R88b F2 (dittofeed: install-deps.sh).
                        if (dockerfile && why.ends_with(k_not_in_repository)) why.clear();
                        // A package.json script's program that is not in the repository is the build's
                        // output or the app's own (`start: node dist/main.js`), run by whoever runs the
                        // script: a deploy step that writes and runs a file is read where it does so.
                        // So is a task's of deno.json, composer.json, mise.toml or a Rakefile (other_runners.hpp).
                        if (why.ends_with(k_not_in_repository) && (path_name(path) == "package.json" || task_file(path))) why.clear();
                        // A program of the project's own whose name says it migrates (`node dist/migrate.js`;
                        // review87 miss 1): not a tool pgfence models. A developer's (`migrate-dev.ts`) is passed over.
                        if (const std::string_view n = path_name(script); why.empty() && lower(n).find("migrat") != std::string::npos &&
                                                                           !helper_name(n.substr(0, n.find('.')))) {
                            why = own_program_unknown(script, here.value_or(""), read);
                        }
                        // What a sourced script sets or where it goes is this shell's: a name it
                        // mentions no longer holds a known folder, and a `cd` in it moves this one.
                        // (The image's and the runner's own files, `. /etc/os-release`, `. ~/.nvm/nvm.sh`, are not the repository's.)
                        const bool system = script.starts_with("/") || script.starts_with("~") || script.starts_with("$HOME");
                        if (sourced && carries && !system) {
                            const auto top = from_top_path(script);
                            const std::string file = top ? *top : repository_path(here.value_or(""), script);
                            const auto text = file.empty() || sourced_reads++ >= 64 ? std::nullopt : read(file);
                            if (!text) {  // past 64, or not read: nothing it may set is known
                                own_dirs.clear();
                                here.reset();
                            } else {
                                std::erase_if(own_dirs, [&](const auto& d) { return bare_mention(*text, d.first); });
                                if (text->find("cd ") != std::string::npos || text->find("pushd") != std::string::npos) here.reset();
                            }
                        }
                    }
                }
                // `make T` / `just T`: the target's recipe, in the Makefile or justfile of the folder it runs in.
                if (why.empty() && here) why = target_unknown(words, *here, read, follow);
                // `fly deploy --config $FILE`: the release_command it runs is in a file pgfence cannot tell (red team R89 F2).
                for (const auto& f : why.empty() ? files_named(words, here.value_or(base)) : std::vector<CommandFileNamed>{}) {
                    if (f.kind == CommandKind::fly && f.path.empty()) {
                        why = "this command gives flyctl a computed configuration file (" + printable(f.word) + "), whose release_command Fly runs "
                              "at deploy: pgfence does not read it, so what it runs against the database (the down direction, a reset) is not known";
                    }
                }
                // `rake T`, `mise run T`, `deno task T`, `composer run T`: that task's commands (other_runners.hpp).
                if (why.empty() && here) why = runner_task_unknown(words, *here, read, follow);
                // The project's own Ruby or Go program that connects to PostgreSQL (red team R89 F8).
                if (why.empty() && here) why = driver_program_unknown(words, *here, read, &go_builds);
                // A program a folder the workflow put on PATH holds (`echo "$PWD/bin" >> $GITHUB_PATH`, then `knex ...`).
                if (why.empty() && values && !path_folders.empty()) why = path_program_unknown(words, path_folders, read, follow);
                // BASH_ENV: a file bash reads before each script, as a script the deploy runs.
                if (const std::string env = why.empty() ? bash_env_file(words) : std::string(); !env.empty() && !env.starts_with("/") && !env.starts_with("~")) {
                    why = script_unknown(env, here.value_or(""), read, follow);
                    if (!why.empty()) why = "this line sets BASH_ENV, a file bash reads before every script it runs: " + why;
                }
            }
            if (!why.empty()) break;
        }
        if (values && path_folders.size() < 16) {
            if (const auto added = github_path_folder(l.text)) {
                path_folders.push_back(!*added ? std::nullopt : here ? join_folder(*here, **added) : std::nullopt);
            }
        }
        // A subshell's `cd` (`(cd x && make)`) ends with it.
        const bool subshell = l.text.find("(cd ") != std::string::npos || l.text.find("( cd ") != std::string::npos;
        if (cond_moved) here.reset();
        if ((carries || dockerfile || values) && !subshell) cwd = here;
        if (dockerfile && (l.text.starts_with("WORKDIR") || l.text.starts_with("workdir"))) workdir = here;
        if (!why.empty() && targets && helper_name(target) && !follow.keep_helpers) why.clear();  // `migrate-down:`, a developer's
        if (why.empty()) {
            if (dotenv) {
                // A dotenv line: NAME=value as the environment, read by the tool that loads it.
                std::string_view d = l.text;
                while (!d.empty() && (d.front() == ' ' || d.front() == '\t')) d.remove_prefix(1);
                if (d.starts_with("export ")) d.remove_prefix(7);
                for (std::string_view v : {"NODE_CONFIG=", "PGSERVICEFILE=", "PGSYSCONFDIR=", "FLYWAY_CONFIG_FILES="}) {
                    if (d.starts_with(v)) why = unread_settings_command(std::string(v) + "x");
                }
            } else {
                why = unread_settings_command(l.text);
            }
        }
        if (!why.empty() && std::none_of(out.begin(), out.end(), [&](const CommandUnknown& u) { return u.line == l.number; })) {
            out.push_back(CommandUnknown{l.number, std::move(why), targets ? target : std::string(), std::move(uses)});
        }
    }
    // The files a Makefile includes or a justfile imports: their recipes are this file's (red team R89 F1).
    if (targets) {
        std::set<int> module_lines;  // a `mod`'s candidates: the first that exists
        for (const auto& inc : included_files(path, text, makefile)) {
            if (out.size() >= k_most) break;
            const bool first_here = std::none_of(out.begin(), out.end(), [&](const CommandUnknown& u) { return u.line == inc.line; });
            if (inc.path.empty()) {
                if (first_here) {
                    out.push_back(CommandUnknown{inc.line, "this file includes " + printable(inc.word) + ", a file named by a computed name, whose recipes " +
                                                               std::string(makefile ? "make" : "just") + " runs as this file's: pgfence does not read them, "
                                                               "so what they run against the database (the down direction, a reset) is not known", {}, {}});
                }
                continue;
            }
            if (!inc.module.empty() && module_lines.contains(inc.line)) continue;
            if (!read || follow.seen.contains(inc.path) || follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts ||
                follow.bytes >= k_most_script_bytes) {
                continue;
            }
            auto body = read(inc.path);
            // make reads an include from the folder it runs in: the Makefile's own, or the top for a
            // `make -f sub/x.mk` run there (GNU make manual, "Including Other Makefiles").
            std::string file = inc.path;
            if (!body && makefile && !follow.seen.contains(repository_path(follow.base, inc.word))) {
                file = repository_path(follow.base, inc.word);
                if (!file.empty()) body = read(file);
            }
            // Not in the repository: a file the build writes first (`include .env`, generated), as make remakes it.
            if (!body) continue;
            if (!inc.module.empty()) module_lines.insert(inc.line);
            follow.seen.insert(file);
            ++follow.scripts;
            follow.bytes += body->size();
            ++follow.depth;
            auto found = command_unknowns(command_view(file, makefile ? CommandKind::make : CommandKind::just), *body, read, follow, false);
            --follow.depth;
            for (auto& u : found) {
                if (out.size() >= k_most) break;
                // Read for a target (target_unknown): each recipe counts; read on its own, one reason a line.
                if (!follow.keep_helpers && std::any_of(out.begin(), out.end(), [&](const CommandUnknown& o) { return o.line == inc.line; })) break;
                out.push_back(CommandUnknown{inc.line, "this file includes " + printable(file) + ", whose line " + std::to_string(u.line) + " says: " + u.why,
                                             inc.module.empty() || u.target.empty() ? u.target : inc.module + "::" + u.target, {}});
            }
        }
    }
    // A github-script step's JavaScript, read as JavaScript (review84 FU-4).
    for (const auto& block : data.github_scripts) {
        for (auto& u : github_script_unknowns(path, block, read, follow)) {
            if (out.size() < k_most && std::none_of(out.begin(), out.end(), [&](const CommandUnknown& o) { return o.line == u.line; })) out.push_back(std::move(u));
        }
    }
    return out;
}

}  // namespace deploy_detail

}  // namespace pgfence::analyze::tools
