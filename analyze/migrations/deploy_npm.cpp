// npm's command names and npm-run-all's task patterns, as the package scripts a deploy's commands
// run are found (deploy_packages.hpp).
#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <iterator>
#include <utility>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {
namespace {

// npm 11's lib/utils/cmd-list.js: `commands` and `aliases` (alias -> command).
constexpr std::string_view k_npm_commands[] = {
    "access", "adduser", "approve-scripts", "audit", "bugs", "cache", "ci", "completion", "config", "dedupe", "deny-scripts", "deprecate",
    "diff", "dist-tag", "docs", "doctor", "edit", "exec", "explain", "explore", "find-dupes", "fund", "get", "help", "help-search", "init",
    "install", "install-ci-test", "install-scripts", "install-test", "link", "ll", "login", "logout", "ls", "org", "outdated", "owner",
    "pack", "ping", "pkg", "prefix", "profile", "prune", "publish", "query", "rebuild", "repo", "restart", "root", "run", "sbom", "search",
    "set", "shrinkwrap", "stage", "star", "stars", "start", "stop", "team", "test", "token", "trust", "undeprecate", "uninstall",
    "unpublish", "unstar", "update", "version", "view", "whoami"};
constexpr std::pair<std::string_view, std::string_view> k_npm_aliases[] = {
    {"author", "owner"}, {"home", "docs"}, {"issues", "bugs"}, {"info", "view"}, {"show", "view"}, {"find", "search"}, {"add", "install"},
    {"unlink", "uninstall"}, {"remove", "uninstall"}, {"rm", "uninstall"}, {"r", "uninstall"}, {"un", "uninstall"}, {"rb", "rebuild"},
    {"list", "ls"}, {"ln", "link"}, {"create", "init"}, {"i", "install"}, {"it", "install-test"}, {"cit", "install-ci-test"}, {"u", "update"},
    {"up", "update"}, {"c", "config"}, {"s", "search"}, {"se", "search"}, {"tst", "test"}, {"t", "test"}, {"ddp", "dedupe"}, {"v", "view"},
    {"run-script", "run"}, {"clean-install", "ci"}, {"clean-install-test", "install-ci-test"}, {"x", "exec"}, {"why", "explain"}, {"la", "ll"},
    {"verison", "version"}, {"ic", "ci"}, {"innit", "init"}, {"in", "install"}, {"ins", "install"}, {"inst", "install"}, {"insta", "install"},
    {"instal", "install"}, {"isnt", "install"}, {"isnta", "install"}, {"isntal", "install"}, {"isntall", "install"}, {"install-clean", "ci"},
    {"isntall-clean", "ci"}, {"hlep", "help"}, {"dist-tags", "dist-tag"}, {"upgrade", "update"}, {"udpate", "update"}, {"rum", "run"},
    {"sit", "install-ci-test"}, {"urn", "run"}, {"ogr", "org"}, {"add-user", "adduser"}};

std::string_view alias_of(std::string_view c) {
    for (const auto& [alias, command] : k_npm_aliases) {
        if (alias == c) return command;
    }
    return {};
}

}  // namespace

std::string npm_command(std::string_view word) {
    // deref: camelCase to kebab-case; a command; an alias; else abbrev over both lists (a word that is
    // the prefix of exactly one name, or a name itself), then its alias followed.
    std::string c;
    for (char ch : word.substr(0, 64)) {
        if (std::isupper(static_cast<unsigned char>(ch))) c += '-', c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        else c += ch;
    }
    if (c.empty()) return "";
    if (std::find(std::begin(k_npm_commands), std::end(k_npm_commands), c) != std::end(k_npm_commands)) return c;
    if (const auto a = alias_of(c); !a.empty()) return std::string(a);
    std::string_view found;
    int count = 0;
    auto consider = [&](std::string_view name) {
        if (name.starts_with(c)) {
            found = name;
            ++count;
        }
    };
    for (auto name : k_npm_commands) consider(name);
    for (const auto& entry : k_npm_aliases) consider(entry.first);
    if (count != 1) return "";
    std::string out(found);
    for (int k = 0; k < 4; ++k) {
        if (const auto a = alias_of(out); !a.empty()) out = a;
    }
    return out;
}

namespace {

// brace-expansion as minimatch uses it: the first `{...}` with a comma at its top level gives one
// alternative per part, each expanded again. Not ok past 64 alternatives, for a `{a..b}` sequence, or
// a `{` left open or holding no comma (brace-expansion's literal and sequence rules, not mirrored).
bool expand_braces(const std::string& pattern, std::vector<std::string>& out, int depth) {
    if (depth > 8 || out.size() > 64) return false;
    const std::size_t open = pattern.find('{');
    if (open == std::string::npos) {
        if (pattern.find('}') != std::string::npos) return false;
        out.push_back(pattern);
        return out.size() <= 64;
    }
    int level = 0;
    std::vector<std::size_t> commas;
    std::size_t close = std::string::npos;
    for (std::size_t i = open; i < pattern.size() && close == std::string::npos; ++i) {
        if (pattern[i] == '{') ++level;
        else if (pattern[i] == '}' && --level == 0) close = i;
        else if (pattern[i] == ',' && level == 1) commas.push_back(i);
    }
    if (close == std::string::npos || commas.empty()) return false;
    const std::string pre = pattern.substr(0, open), post = pattern.substr(close + 1);
    std::size_t from = open + 1;
    commas.push_back(close);
    for (std::size_t comma : commas) {
        if (!expand_braces(pre + pattern.substr(from, comma - from) + post, out, depth + 1)) return false;
        from = comma + 1;
    }
    return true;
}

// minimatch's match of one alternative against a name, `:` as the path separator: `*` any characters
// but `:`, `**` any (pgfence: anywhere, minimatch only as a whole part: more names, not fewer), `?`
// one, `[...]` one of a class (`!` or `^` negates, `a-z` a range; never `:`), `\x` the character x.
// O(pattern x name).
bool glob_match(std::string_view pattern, std::string_view name) {
    std::vector<char> at(name.size() + 1, 0), next(name.size() + 1);
    at[0] = 1;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        std::fill(next.begin(), next.end(), 0);
        const char p = pattern[i];
        if (p == '*') {
            const bool any = i + 1 < pattern.size() && pattern[i + 1] == '*';
            for (std::size_t j = 0; j <= name.size(); ++j) {
                if (at[j]) next[j] = 1;
                if (j > 0 && next[j - 1] && (any || name[j - 1] != ':')) next[j] = 1;
            }
            while (i + 1 < pattern.size() && pattern[i + 1] == '*') ++i;
        } else {
            std::array<bool, 256> set{};
            if (p == '[' && pattern.find(']', i + 2) != std::string_view::npos) {
                std::size_t k = i + 1;
                const bool negate = pattern[k] == '!' || pattern[k] == '^';
                if (negate) ++k;
                const std::size_t first = k;
                for (; k < pattern.size() && (pattern[k] != ']' || k == first); ++k) {
                    unsigned char lo = static_cast<unsigned char>(pattern[k]);
                    if (lo == '\\' && k + 1 < pattern.size()) lo = static_cast<unsigned char>(pattern[++k]);
                    unsigned char hi = lo;
                    if (k + 2 < pattern.size() && pattern[k + 1] == '-' && pattern[k + 2] != ']') {
                        hi = static_cast<unsigned char>(pattern[k + 2]);
                        k += 2;
                    }
                    for (unsigned v = lo; v <= hi; ++v) set[v] = true;
                }
                if (k >= pattern.size()) return false;
                if (negate) {
                    for (bool& b : set) b = !b;
                }
                set[':'] = false;
                i = k;
            } else if (p == '?') {
                set.fill(true);
                set[':'] = false;
            } else {
                const char literal = p == '\\' && i + 1 < pattern.size() ? pattern[++i] : p;
                set[static_cast<unsigned char>(literal)] = true;
            }
            for (std::size_t j = 0; j < name.size(); ++j) {
                if (at[j] && set[static_cast<unsigned char>(name[j])]) next[j + 1] = 1;
            }
        }
        std::swap(at, next);
    }
    return at[name.size()] != 0;
}

}  // namespace

ScriptPattern::ScriptPattern(std::string_view pattern) {
    if (pattern.size() > 256) {
        m_ok = false;
        return;
    }
    // npm-run-all's task is the pattern up to a blank (its arguments after).
    std::string task(pattern.substr(0, pattern.find(' ')));
    if (!expand_braces(task, m_alternatives, 0)) m_ok = false;
    for (const std::string& a : m_alternatives) {
        // An extglob (`+(a|b)`, `@(...)`, `!(...)`, `?(...)`, `*(...)`), a POSIX class (`[[:alpha:]]`).
        for (std::size_t p = a.find('('); p != std::string::npos && m_ok; p = a.find('(', p + 1)) {
            if (p > 0 && std::string_view("+@!?*").find(a[p - 1]) != std::string_view::npos) m_ok = false;
        }
        if (a.find("[:") != std::string::npos || a.find("[=") != std::string::npos || a.find("[.") != std::string::npos) m_ok = false;
    }
    if (!m_ok) m_alternatives.clear();
}

std::size_t ScriptPattern::size() const {
    std::size_t n = 0;
    for (const auto& a : m_alternatives) n += a.size() + 1;
    return n;
}

bool ScriptPattern::matches(std::string_view name) const {
    name = name.substr(0, 256);
    return std::any_of(m_alternatives.begin(), m_alternatives.end(), [&](const std::string& a) { return glob_match(a, name); });
}

}  // namespace pgfence::analyze::tools::deploy_detail

namespace pgfence::analyze::tools::deploy_detail {
namespace {

bool one_of(std::string_view w, std::initializer_list<std::string_view> list) { return std::find(list.begin(), list.end(), w) != list.end(); }

}  // namespace

// turbo (turborepo.com docs, `turbo run` and its shorthand `turbo build`), lerna (`lerna run`) and
// nx (`nx run project:target`, `nx run-many -t`, `nx affected -t`, `nx <target> <project>`) run a
// task in each workspace package: its script of that name, and for turbo the tasks turbo.json's
// dependsOn adds, for nx a project.json target's command (deploy_workspaces.cpp follows them).
std::optional<TaskRun> task_run(const std::vector<std::string>& words) {
    for (std::size_t k = 0; k < words.size(); ++k) {
        // A comment runs nothing from its '#' on (a workflow's `# not via turbo, so ...`: the
        // stranger review of rallly read "so" as a task).
        if (words[k].starts_with("#")) return std::nullopt;
        const std::string runner = tool_word(words[k]);
        if (runner != "turbo" && runner != "lerna" && runner != "nx") continue;
        TaskRun out;
        out.runner = runner;
        // A filter's value (turbo --filter, lerna --scope, nx --projects), or a flag that widens or
        // narrows the set in a way pgfence does not read (--since, --ignore, --exclude, --affected).
        auto note = [&](std::string_view flag, std::string_view value) {
            if (one_of(flag, {"--filter", "-F", "--scope", "--projects", "-p"})) {
                if (flag == "--projects" || flag == "-p") {
                    for (std::size_t at = 0; at <= value.size() && out.filters.size() < 16;) {
                        const std::size_t comma = std::min(value.find(',', at), value.size());
                        if (comma > at) out.filters.emplace_back(value.substr(at, comma - at));
                        at = comma + 1;
                    }
                } else if (out.filters.size() < 16) {
                    out.filters.emplace_back(value);
                }
            }
        };
        auto skip = [&](std::size_t v) {
            while (v < words.size() && flag_word(words[v])) {
                const std::size_t eq = words[v].find('=');
                const bool value = eq == std::string::npos &&
                                   one_of(words[v], {"--filter", "-F", "--scope", "--ignore", "--concurrency", "--cache-dir", "--cwd", "--env-mode",
                                                     "--log-order", "--output-logs", "--log-prefix", "--ui", "--profile", "--graph", "--since",
                                                     "--projects", "-p", "--exclude", "--configuration", "-c", "--parallel", "--base", "--head",
                                                     // lerna-lite 3's global options with a value (cli/dist/global-options.js:
                                                     // loglevel is a string yargs gives the next word) and run's
                                                     "--loglevel", "--max-buffer", "--npm-client", "--profile-location"});
                if (eq != std::string::npos) note(std::string_view(words[v]).substr(0, eq), std::string_view(words[v]).substr(eq + 1));
                else if (value && v + 1 < words.size()) note(words[v], words[v + 1]);
                v += value ? 2 : 1;
            }
            return v;
        };
        std::size_t v = skip(k + 1);
        // The runner run (`npx lerna`, `- run: nx ...`, `FOO=1 yarn nx`), not a word of another
        // command (`npm install -D lerna`, `cd packages/nx`): what pgfence does not find after its
        // options is unknown.
        const std::string before = k == 0 ? std::string() : words[k - 1];
        const bool command = k == 0 || before.ends_with(":") || (before.find('=') != std::string::npos && !flag_word(before)) ||
                             one_of(before, {"-", "--", "npx", "pnpx", "bunx", "exec", "dlx", "yarn", "pnpm", "bun", "-y", "--yes", "time",
                                             "env", "nice", "sudo", "then", "do", "&&", "||"});
        if (v >= words.size() || words[v].starts_with("#")) {
            const auto asks = [](const std::string& w) { return one_of(w, {"-h", "--help", "-v", "--version"}); };
            if (!command || std::any_of(words.begin() + static_cast<std::ptrdiff_t>(k + 1), words.begin() + static_cast<std::ptrdiff_t>(std::min(v, words.size())), asks)) return std::nullopt;
            out.unknown = runner + " with no subcommand pgfence found after its options";
            return out;
        }
        auto take = [&](std::size_t from) {
            for (std::size_t t = from; t < words.size() && words[t] != "--" && out.tasks.size() < 16; ++t) {
                if (words[t].starts_with("#")) break;
                if (!flag_word(words[t])) {
                    out.tasks.push_back(words[t]);
                } else if (const std::size_t eq = words[t].find('='); eq != std::string::npos) {
                    note(std::string_view(words[t]).substr(0, eq), std::string_view(words[t]).substr(eq + 1));
                } else if (one_of(words[t], {"--filter", "-F", "--scope", "--ignore", "--concurrency", "--since", "--projects", "-p", "--exclude",
                                             "--npm-client", "--profile-location", "--loglevel", "--max-buffer"})) {
                    if (t + 1 < words.size()) note(words[t], words[t + 1]);
                    ++t;
                }
            }
        };
        const std::string& sub = words[v];
        // `nx <target>` and `turbo <task>`: an option before it that pgfence does not know may take
        // the next word as its value, so the target read may be that value.
        const auto unsure = std::find_if(words.begin() + static_cast<std::ptrdiff_t>(k + 1), words.begin() + static_cast<std::ptrdiff_t>(v), [](const std::string& w) {
            return flag_word(w) && w.find('=') == std::string::npos &&
                   !one_of(w, {"--filter", "-F", "--concurrency", "--cache-dir", "--cwd", "--env-mode", "--log-order", "--output-logs",
                               "--log-prefix", "--ui", "--profile", "--graph", "--since", "--projects", "-p", "--exclude", "--configuration",
                               "-c", "--parallel", "--base", "--head", "--verbose", "--skip-nx-cache", "--no-cloud", "--nx-bail", "--color",
                               "--no-color", "--continue", "--dry-run", "--force", "--no-daemon", "--no-cache", "--only", "--affected",
                               "--summarize", "--framework-inference", "--experimental-write-cache"});
        });
        auto infix = [&]() -> std::optional<TaskRun> {
            if (unsure == words.begin() + static_cast<std::ptrdiff_t>(v) || !command) return std::nullopt;
            out.unknown = runner + " " + printable(*unsure) + " " + printable(sub) + ", an option pgfence does not know before the task";
            return out;
        };
        if (runner == "turbo") {
            if (sub == "run" || sub == "watch") take(skip(v + 1));
            else if (auto u = infix(); u && !one_of(sub, {"login", "logout", "link", "unlink", "prune", "daemon", "gen", "generate", "info", "ls",
                                                           "query", "scan", "telemetry", "boundaries", "bin", "completion", "devtools", "docs", "config"})) return u;
            else if (!one_of(sub, {"login", "logout", "link", "unlink", "prune", "daemon", "gen", "generate", "info", "ls", "query", "scan",
                                   "telemetry", "boundaries", "bin", "completion", "devtools", "docs", "config"})) take(v);
            else return std::nullopt;
        } else if (runner == "lerna") {
            // lerna-lite 3's commands (cli/dist/cli-commands: `run <script>`, exec, version, publish,
            // changed, diff, init, list and its aliases, watch) and lerna's own others.
            if (sub == "run") take(skip(v + 1));
            else if (!one_of(sub, {"exec", "version", "publish", "changed", "diff", "init", "list", "ls", "la", "ll", "watch", "info", "import",
                                   "create", "clean", "add", "add-caching", "bootstrap", "link", "repair"})) {
                if (!command) return std::nullopt;
                out.unknown = "lerna " + printable(sub) + ", a subcommand pgfence does not know (after options it may misread)";
                return out;
            } else {
                return std::nullopt;
            }
        } else if (const auto nx = one_of(sub, {"exec", "watch"}) ? nx_command(words) : std::nullopt) {
            // The command after `--` (nx_command): read by Workspaces::release_why where pgfence knows
            // the workspace's projects; here it is not followed.
            if (!command) return std::nullopt;
            out.unknown = "nx " + sub + " -- " + printable(nx->command) + ", a command pgfence does not follow " +
                          (nx->each ? "in each nx project's folder" : "where nx runs");
            return out;
        } else if (one_of(sub, {"add", "connect", "connect-to-nx-cloud", "daemon", "graph", "dep-graph", "exec", "format", "format:check",
                                "format:write", "generate", "g", "import", "init", "list", "migrate", "new", "release", "repair", "report",
                                "reset", "show", "sync", "sync:check", "view-logs", "watch", "login", "logout", "mcp", "print-affected",
                                "workspace-lint", "configure-ai-agents"})) {
            return std::nullopt;
        } else {
            if (!one_of(sub, {"run", "run-many", "affected"})) {
                if (auto u = infix()) return u;
            }
            nx_task_run(words, v, out);
            if (!out.unknown.empty()) return command ? std::optional<TaskRun>(out) : std::nullopt;
        }
        if (out.tasks.empty() && !command) return std::nullopt;
        if (out.tasks.empty()) {
            out.unknown = runner + " " + printable(sub) + " with no task pgfence found";
            return out;
        }
        return out;
    }
    return std::nullopt;
}

std::string task_runner_unknown(const std::vector<std::string>& words) {
    const auto run = task_run(words);
    if (!run) return "";
    if (!run->unknown.empty()) {
        return "this command runs " + run->unknown + ": which workspace tasks it runs (the down direction, a reset) is not known";
    }
    for (const std::string& task : run->tasks) {
        if (run->runner != "nx" && deploy_task_name(task)) continue;
        return "this command runs the task " + printable(task) + " of each workspace package through " + run->runner +
               ", which pgfence does not follow (each package's script of that name" +
               (run->runner == "turbo" ? std::string(", the tasks turbo.json makes it depend on") : run->runner == "nx" ? ", a project.json target's command" : "") +
               "): what it runs against the database (the down direction, a reset) is not known";
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail
