// nx's command line as nx 21 reads it (node_modules/nx): the tasks `nx run`, `nx run-many`,
// `nx affected` and `nx <target> [project]` run, for task_run (deploy_npm.cpp).

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

// A -t/-p value: nx's parseCSV (src/command-line/yargs-utils/shared-options.js) splits it at
// commas and drops the quotes around an item.
void csv(std::string_view value, std::vector<std::string>& out) {
    for (std::size_t at = 0; at <= value.size() && out.size() < 16;) {
        const std::size_t comma = std::min(value.find(',', at), value.size());
        std::string_view item = value.substr(at, comma - at);
        if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
        if (!item.empty()) out.emplace_back(item);
        at = comma + 1;
    }
}

// nx's splitByColons (src/utils/split-target.js): `:` splits, `"` quotes a run holding `:`.
std::vector<std::string> by_colons(std::string_view s) {
    std::vector<std::string> parts(1);
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == ':') {
            parts.emplace_back();
        } else if (s[i] == '"') {
            for (++i; i < s.size() && s[i] != '"'; ++i) parts.back() += s[i];
        } else {
            parts.back() += s[i];
        }
    }
    return parts;
}

// `project:target[:configuration]`. nx's splitTarget matches the whole text against each
// project's `project:target` and `project:target:configuration` first, then takes the project
// up to the first `:` and the longest run of segments that names one of its targets (else the
// next segment alone), the rest the configuration. Which split wins depends on the targets nx
// infers, so every split is read: the project, and each run of segments after it as a target.
bool run_spec(std::string_view spec, std::vector<std::string>& projects, std::vector<std::string>& targets) {
    const std::vector<std::string> seg = by_colons(spec);
    if (seg.size() > 8 || seg.front().empty()) return false;
    projects.push_back(seg.front());
    std::string target;
    for (std::size_t j = 1; j < seg.size(); ++j) {
        target += (j > 1 ? ":" : "") + seg[j];
        if (!target.empty() && targets.size() < 16) targets.push_back(target);
    }
    return true;
}

}  // namespace

// nx 21 `exec` (src/command-line/exec/exec.js runScriptAsNxTarget): the words after the first `--`
// (readScriptArgV), each put in `"..."` and run by execSync, a shell, in each selected project's
// root (`cwd: joinPathFragments(workspaceRoot, root)`; every project when no --projects). `watch`
// (watch/watch.js): `spawn(this.command, {shell: true, cwd: process.cwd()})` at each change. The
// words are joined with blanks: a shell reads `$(...)` inside `"..."` as it does outside.
std::optional<NxCommand> nx_command(const std::vector<std::string>& words) {
    for (std::size_t k = 0; k < words.size(); ++k) {
        if (words[k].starts_with("#")) return std::nullopt;
        if (tool_word(words[k]) != "nx") continue;
        std::size_t v = k + 1;
        while (v < words.size() && flag_word(words[v]) && words[v] != "--") ++v;
        if (v >= words.size() || !one_of(words[v], {"exec", "watch"})) return std::nullopt;
        const auto dash = std::find(words.begin() + static_cast<std::ptrdiff_t>(v), words.end(), std::string("--"));
        if (dash == words.end()) return std::nullopt;  // nx exits: "`nx exec` requires passing in a command after `--`"
        NxCommand out;
        out.each = words[v] == "exec";
        for (auto w = dash + 1; w != words.end() && out.command.size() < 4096; ++w) out.command += (out.command.empty() ? "" : " ") + *w;
        if (out.command.empty()) return std::nullopt;
        return out;
    }
    return std::nullopt;
}

void nx_task_run(const std::vector<std::string>& words, std::size_t v, TaskRun& out) {
    const std::string& sub = words[v];
    std::vector<std::string> projects;
    bool every = false;  // a task of the project nx picks from the folder it runs in: every package is read
    auto end = [&](std::size_t t) { return t >= words.size() || words[t] == "--" || words[t].starts_with("#"); };
    if (sub == "run-many" || sub == "affected") {
        // nx's rewriteTargetsAndProjects (bin/init-local.js) joins the words after -t/-p up to the
        // next one starting with `-` into one list, which parseCSV splits at commas.
        for (std::size_t t = v + 1; !end(t); ++t) {
            const std::string& w = words[t];
            const bool target = one_of(w, {"-t", "--target", "--targets"});
            if (target || one_of(w, {"-p", "--projects"})) {
                for (; !end(t + 1) && !flag_word(words[t + 1]); ++t) csv(words[t + 1], target ? out.tasks : projects);
            } else if (const std::size_t eq = w.find('='); eq != std::string::npos) {
                // simple_commands cuts a word at an unquoted `,`: `--targets=lint,x` comes as
                // `--targets=lint` and `x`, so the words after it up to the next option are the list's too.
                const std::string_view flag = std::string_view(w).substr(0, eq);
                const bool target = one_of(flag, {"-t", "--target", "--targets"});
                if (!target && !one_of(flag, {"-p", "--projects"})) continue;
                csv(std::string_view(w).substr(eq + 1), target ? out.tasks : projects);
                for (; !end(t + 1) && !flag_word(words[t + 1]); ++t) csv(words[t + 1], target ? out.tasks : projects);
            }
        }
        if (out.tasks.empty()) {
            out.unknown = "nx " + sub + " with no -t/--targets pgfence reads";
            return;
        }
    } else if (sub == "run") {
        // `nx run project:target[:configuration]`: every word that is not an option is read as one
        // (an option's value among them), since which options take a value is nx's to say.
        for (std::size_t t = v + 1; !end(t); ++t) {
            const std::string& w = words[t];
            if (flag_word(w)) continue;
            if (w.find(':') == std::string::npos) {
                // No `:`: the target of the folder's project, or the project's `run` target.
                every = true;
                out.tasks.push_back(w);
                out.tasks.emplace_back("run");
            } else if (!run_spec(w, projects, out.tasks)) {
                out.unknown = "nx run " + printable(w) + ", a project:target pgfence does not split";
                return;
            }
        }
        if (out.tasks.empty()) {
            out.unknown = "nx run with no project:target pgfence reads";
            return;
        }
    } else {
        // `nx <target> [project]` (run/command-object.js, the infix form): the target by its whole
        // name, in the project after it; a target holding `:` is read as `nx run`'s too.
        out.tasks.push_back(sub);
        if (v + 1 < words.size() && !flag_word(words[v + 1])) projects.push_back(words[v + 1]);
        if (sub.find(':') != std::string::npos) {
            every = true;
            std::vector<std::string> ignored;
            run_spec(sub, ignored, out.tasks);
        }
    }
    if (!every) out.filters.insert(out.filters.end(), projects.begin(), projects.end());
    if (out.tasks.size() > 16) out.tasks.resize(16);
}

}  // namespace pgfence::analyze::tools::deploy_detail
