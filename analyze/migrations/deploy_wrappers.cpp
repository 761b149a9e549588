// The programs a deploy command runs through another (issue #53, red team R82a): wrappers that
// take options and then run a command (`timeout 600 ./ci/migrate`, `dotenv -e .env -- make
// deploy`), and a Makefile's literal variables (`$(KNEX) migrate:rollback`). deploy_scripts.hpp
// declares them.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"

namespace pgfence::analyze::tools::deploy_detail {

namespace {

struct Wrapper {
    std::string_view name;
    std::string_view sub;                      // a subcommand it takes first (`doppler run`), or ""
    std::set<std::string_view> values;         // its options that take the next word as their value
    std::set<std::string_view> switches;       // its options that take none
    int positional = 0;                        // words before the command (timeout's duration, flock's file)
    bool dashdash = false;                     // the command only after `--`
    std::set<std::string_view> command_string; // options whose value is the command itself (`flock -c`, `npx -c`)
};

// Each wrapper's options, from its own usage: coreutils timeout(1), nice(1), stdbuf(1), env(1),
// nohup(1); util-linux flock(1), ionice(1), setsid(1); findutils xargs(1); sudo(8); dotenv-cli's
// README (`dotenv -e .env -- cmd`); cross-env's README (assignments, then the command); env-cmd's
// README (-f, -e, -r); npm's npx (`--yes`, `-p`, `-c`); `doppler run --`, `op run --`,
// `infisical run --`, `dotenvx run --`, `aws-vault exec PROFILE --`, `chamber exec SVC --`; gosu and
// su-exec (a user, then the command); retry (kadwanev/retry: -t -s -m -x -f; other `retry`s take `--`).
const std::vector<Wrapper>& wrappers() {
    static const std::vector<Wrapper> all = {
        {"timeout", "", {"-s", "--signal", "-k", "--kill-after"}, {"--preserve-status", "--foreground", "-v", "--verbose"}, 1, false, {}},
        {"nice", "", {"-n", "--adjustment"}, {}, 0, false, {}},
        {"ionice", "", {"-c", "--class", "-n", "--classdata"}, {"-t", "--ignore"}, 0, false, {}},
        {"stdbuf", "", {"-i", "-o", "-e", "--input", "--output", "--error"}, {}, 0, false, {}},
        {"flock", "", {"-w", "--timeout", "--wait", "-E", "--conflict-exit-code"},
         {"-s", "--shared", "-x", "-e", "--exclusive", "-n", "--nb", "--nonblock", "-u", "--unlock", "-o", "--close", "-F", "--no-fork", "--verbose"},
         1, false, {"-c", "--command"}},
        {"xargs", "", {"-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "--max-lines", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars"},
         {"-0", "--null", "-r", "--no-run-if-empty", "-t", "--verbose", "-p", "--interactive", "-x", "--exit", "-o", "--open-tty"}, 0, false, {}},
        {"setsid", "", {}, {"-f", "--fork", "-w", "--wait", "-c", "--ctty"}, 0, false, {}},
        {"nohup", "", {}, {}, 0, false, {}},
        {"time", "", {"-f", "--format", "-o", "--output"}, {"-p", "-v", "--verbose", "-a", "--append", "--portability"}, 0, false, {}},
        {"chronic", "", {}, {"-e", "-v"}, 0, false, {}},
        {"unbuffer", "", {}, {"-p"}, 0, false, {}},
        {"sudo", "", {"-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host", "-p", "--prompt", "-r", "--role", "-t", "--type", "-T", "--command-timeout", "-U", "--other-user"},
         {"-E", "--preserve-env", "-H", "--set-home", "-n", "--non-interactive", "-S", "--stdin", "-b", "--background", "-k", "--reset-timestamp", "-P", "--preserve-groups"}, 0, false, {}},
        {"env", "", {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}, {"-i", "--ignore-environment", "-0", "--null", "-"}, 0, false, {}},
        {"cross-env", "", {}, {}, 0, false, {}},
        {"cross-env-shell", "", {}, {}, 0, false, {}},
        {"dotenv", "", {"-e", "-v", "-c"}, {"-p", "--debug", "-o", "--override", "--quiet"}, 0, false, {}},
        {"env-cmd", "", {"-f", "--file", "-e", "--environments", "-r", "--rc-file"}, {"--fallback", "--no-override", "--silent", "--use-shell", "--verbose", "-x", "--expand-envs"}, 0, false, {}},
        {"npx", "", {"-p", "--package"}, {"-y", "--yes", "--no", "-q", "--quiet", "--ignore-existing", "--no-install"}, 0, false, {"-c", "--call"}},
        {"bunx", "", {"-p", "--package"}, {"--bun"}, 0, false, {}},
        {"pnpm", "exec", {"-C", "--dir", "--filter", "-F"}, {"-r", "--recursive", "--parallel", "--no-bail"}, 0, false, {"-c", "--shell-mode"}},
        {"pnpm", "dlx", {"--package"}, {"--silent", "-s"}, 0, false, {}},
        {"yarn", "exec", {}, {}, 0, false, {}},
        {"yarn", "dlx", {"-p", "--package"}, {"-q", "--quiet"}, 0, false, {}},
        {"npm", "exec", {"-p", "--package", "-w", "--workspace"}, {"-y", "--yes", "--no", "-ws", "--workspaces"}, 0, false, {"-c", "--call"}},
        {"gosu", "", {}, {}, 1, false, {}},
        {"su-exec", "", {}, {}, 1, false, {}},
        {"tini", "", {}, {"-s", "-g", "-v"}, 0, false, {}},
        {"dumb-init", "", {}, {"-c", "--single-child", "-v", "--verbose"}, 0, false, {}},
        {"retry", "", {"-t", "--tries", "--times", "--attempts", "-s", "--sleep", "-d", "--delay", "-m", "--min", "-x", "--max", "-f", "--fail"}, {"-v", "--verbose"}, 0, false, {}},
        {"doppler", "run", {}, {}, 0, true, {}},
        {"op", "run", {}, {}, 0, true, {}},
        {"infisical", "run", {}, {}, 0, true, {}},
        {"dotenvx", "run", {}, {}, 0, true, {}},
        {"aws-vault", "exec", {}, {}, 0, true, {}},
        {"chamber", "exec", {}, {}, 0, true, {}},
    };
    return all;
}

bool assignment(std::string_view w) {
    const std::size_t eq = w.find('=');
    return eq != std::string_view::npos && eq > 0 &&
           std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// A word before the command: a YAML key or list dash, a Dockerfile's RUN, an assignment.
bool leading(std::string_view w) {
    if (w == "-" || w == "RUN" || w == "CMD" || w == "ENTRYPOINT" || w == "exec" || w == "command" || w == "then" || w == "do" || w == "else") return true;
    if (w.ends_with(":") && w.size() > 1) return true;
    return assignment(w);
}

std::string_view base_name(std::string_view w) { return w.substr(w.rfind('/') == std::string_view::npos ? 0 : w.rfind('/') + 1); }

struct Past {
    std::size_t at;     // the wrapped command's first word
    bool unsure;        // an option of the wrapper pgfence does not know: where the command starts is a guess
};

// Where the command the wrapper at `k` runs starts; nullopt when words[k] is no wrapper.
std::optional<Past> past_wrapper(const std::vector<std::string>& words, std::size_t k) {
    const std::string_view program = base_name(words[k]);
    for (const Wrapper& w : wrappers()) {
        if (w.name != program) continue;
        std::size_t i = k + 1;
        if (!w.sub.empty()) {
            if (i >= words.size() || words[i] != w.sub) continue;
            ++i;
        }
        if (w.dashdash) {
            const auto dd = std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--");
            if (dd == words.end()) return Past{i, true};
            return Past{static_cast<std::size_t>(dd - words.begin()) + 1, false};
        }
        int positional = w.positional;
        bool unsure = false;
        while (i < words.size()) {
            const std::string_view a = words[i];
            if (a == "--") return Past{i + 1, unsure};
            if (a.starts_with("-") && a.size() > 1) {
                const std::string_view opt = a.substr(0, a.find('='));
                if (w.command_string.contains(opt)) return Past{opt.size() < a.size() ? i : i + 1, unsure};
                if (w.values.contains(a)) {
                    i += 2;
                } else if (opt.size() < a.size() || w.switches.contains(a)) {
                    ++i;
                } else if (program == "nice" && std::all_of(a.begin() + 1, a.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
                    ++i;  // nice's historical `-5`
                } else if (!a.starts_with("--") && a.size() > 2 && w.values.contains(a.substr(0, 2))) {
                    ++i;  // a value given in the option's word (`stdbuf -oL`, `nice -n5`)
                } else {
                    unsure = true;
                    ++i;
                }
                continue;
            }
            // cross-env's and env's settings come before the command.
            if (assignment(a) && (program == "cross-env" || program == "cross-env-shell" || program == "env" || program == "sudo")) {
                ++i;
                continue;
            }
            if (positional > 0) {
                --positional;
                ++i;
                continue;
            }
            return Past{i, unsure};
        }
        return Past{i, unsure};
    }
    return std::nullopt;
}

}  // namespace

Unwrapped unwrap(const std::vector<std::string>& words) {
    Unwrapped out;
    std::size_t k = 0;
    for (; k < words.size() && leading(words[k]); ++k) out.words.push_back(words[k]);
    for (int rounds = 0; k < words.size() && rounds < 16; ++rounds) {
        const auto past = past_wrapper(words, k);
        if (!past) break;
        if (past->unsure && out.unsure.empty()) out.unsure = words[k];
        k = past->at;
        while (k < words.size() && leading(words[k])) ++k;
    }
    out.words.insert(out.words.end(), words.begin() + static_cast<std::ptrdiff_t>(std::min(k, words.size())), words.end());
    return out;
}

std::string bash_env_file(const std::vector<std::string>& words) {
    // bash reads the file BASH_ENV names before it runs a non-interactive script (bash manual,
    // "Bash Startup Files": `if [ -n "$BASH_ENV" ]; then . "$BASH_ENV"; fi`), a workflow's `run:`
    // steps among them (`bash --noprofile --norc -eo pipefail {0}` stops only the rc files). Set by a
    // command (`BASH_ENV=x`, `export`, `echo "BASH_ENV=x" >> $GITHUB_ENV`) or an `env:` key.
    // (`--rcfile` and `--init-file`, and POSIX sh's ENV, are read by interactive shells only.)
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string_view w = words[k];
        if (w.starts_with("BASH_ENV=") && w.size() > 9) return std::string(w.substr(9));
        if (w == "BASH_ENV:" && k + 1 < words.size()) return words[k + 1];
    }
    return "";
}

std::optional<std::optional<std::string>> github_path_folder(std::string_view line) {
    // A step that adds a folder to PATH for the steps after it (docs.github.com, workflow commands,
    // "Adding a system path": `echo "{path}" >> $GITHUB_PATH`; also `tee -a`, printf).
    if (line.find("GITHUB_PATH") == std::string_view::npos) return std::nullopt;
    std::size_t at = std::string_view::npos;
    for (std::string_view verb : {"echo ", "printf "}) {
        if (const std::size_t v = line.find(verb); v != std::string_view::npos && v < at) at = v + verb.size();
    }
    if (at == std::string_view::npos) return std::optional<std::string>();  // written some other way: computed
    std::string_view arg = line.substr(at);
    arg = arg.substr(0, std::min(arg.find(">>"), arg.find('|')));
    // Past blanks and echo's flags (`echo -n`, `-e`).
    while (!arg.empty() && (arg.front() == ' ' || (arg.front() == '-' && arg.find(' ') != std::string_view::npos))) {
        arg.remove_prefix(arg.front() == ' ' ? 1 : arg.find(' '));
    }
    std::string v;
    for (char c : arg) {
        if (c != '"' && c != '\'' && c != ' ' && c != '\t') v += c;
    }
    // The workspace, the repository's top (`$PWD` in a step that has not moved, `$GITHUB_WORKSPACE`,
    // `${{ github.workspace }}`).
    for (std::string_view top : {"${{github.workspace}}", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}", "$PWD", "${PWD}", "$(pwd)"}) {
        if (v.starts_with(top)) {
            v.erase(0, top.size());
            while (v.starts_with("/")) v.erase(0, 1);
            if (v.empty()) v = ".";
        }
    }
    // The runner's own folders (a tool installed under the home or the runner's temp or cache).
    for (std::string_view runner : {"$HOME", "${HOME}", "~", "$RUNNER_", "${RUNNER_", "${{runner."}) {
        if (v.starts_with(runner)) return std::nullopt;
    }
    if (v.empty() || v.find_first_of("$`") != std::string::npos) return std::optional<std::string>();
    if (v.starts_with("/") || v.starts_with("~")) return std::nullopt;  // the runner's own folder, not the repository's
    return std::optional<std::string>(v);
}

std::string node_action_file(std::string_view path, std::string_view text, std::string_view line) {
    // A JavaScript action's action.yml: `runs: using: node20`, `main:` (and `pre:`, `post:`) the
    // file the runner runs with node (docs.github.com, "Metadata syntax for GitHub Actions", runs for
    // JavaScript actions).
    const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    if (name != "action.yml" && name != "action.yaml") return "";
    if (text.find("using: node") == std::string_view::npos && text.find("using: 'node") == std::string_view::npos &&
        text.find("using: \"node") == std::string_view::npos) {
        return "";
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    for (std::string_view key : {"main:", "pre:", "post:"}) {
        if (!line.starts_with(key)) continue;
        std::string_view v = line.substr(key.size());
        if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
        while (!v.empty() && (v.front() == ' ' || v.front() == '"' || v.front() == '\'')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '"' || v.back() == '\'' || v.back() == '\r')) v.remove_suffix(1);
        if (v.empty()) return "";
        const std::string_view folder = path.substr(0, path.size() - name.size());
        return std::string(folder) + std::string(v);
    }
    return "";
}

std::string path_program_unknown(const std::vector<std::string>& words, const std::vector<std::optional<std::string>>& folders, const ReadFile& read,
                                 Follow& follow) {
    const std::vector<std::string> inner = unwrap(words).words;
    std::size_t p = 0;
    while (p < inner.size() && (inner[p] == "-" || inner[p].ends_with(":") || inner[p].find('=') != std::string::npos)) ++p;
    // npx and the package managers' exec run the package's own bin first (node_modules/.bin).
    const bool local_bin = std::any_of(words.begin(), words.end(), [](const std::string& w) { return w == "npx" || w == "bunx" || w == "exec" || w == "dlx"; });
    if (p >= inner.size() || local_bin || inner[p].find_first_of("/$`") != std::string::npos) return "";
    const std::string& program = inner[p];
    for (const auto& folder : folders) {
        if (!folder) {
            if (migration_tool_word(program)) {
                return "this command runs " + printable(program) + ", which a folder an earlier step adds to $GITHUB_PATH by a computed path "
                       "may hold: which program runs is not known";
            }
            continue;
        }
        const auto file = join_folder(*folder, program);
        if (file && read && read(*file)) return script_unknown(*file, "", read, follow);
    }
    return "";
}

namespace {

bool make_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

}  // namespace

MakeVariables make_variables(std::string_view text) {
    MakeVariables vars;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() : nl + 1;
        if (l.empty() || l.front() == '\t' || l.front() == '#') continue;
        for (std::string_view p : {"override ", "export ", "private "}) {
            if (l.starts_with(p)) l.remove_prefix(p.size());
        }
        std::size_t n = 0;
        while (n < l.size() && make_name_char(l[n])) ++n;
        if (n == 0) continue;
        const std::string name(l.substr(0, n));
        std::size_t o = n;
        while (o < l.size() && (l[o] == ' ' || l[o] == '\t')) ++o;
        // GNU make manual, "The Two Flavors of Variables" and "Setting Variables": =, :=, ::=, :::=, ?=, +=, !=.
        std::string_view op;
        for (std::string_view candidate : {":::=", "::=", ":=", "?=", "+=", "!=", "="}) {
            if (l.substr(o).starts_with(candidate)) {
                op = candidate;
                break;
            }
        }
        if (op.empty()) continue;
        std::string_view value = l.substr(o + op.size());
        if (const std::size_t hash = value.find('#'); hash != std::string_view::npos) value = value.substr(0, hash);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.remove_suffix(1);
        const bool computed = op == "!=" || value.find("$(shell") != std::string_view::npos || value.find("${shell") != std::string_view::npos ||
                              value.find('`') != std::string_view::npos || value.ends_with("\\");
        if (vars.size() >= 256 && !vars.contains(name)) continue;
        auto it = vars.find(name);
        if (op == "?=" && it != vars.end()) continue;
        if (computed) {
            vars[name] = std::nullopt;
        } else if (op == "+=") {
            if (it != vars.end() && it->second && it->second->size() < 4096) *it->second += " " + std::string(value);
            else vars[name] = std::nullopt;  // added to a value the environment or a computation gives
        } else {
            vars[name] = std::string(value.substr(0, 4096));
        }
    }
    return vars;
}

std::string with_make_variables(std::string_view line, const MakeVariables& vars) {
    std::string out(line);
    // Each pass replaces the references of one level (`KNEX = $(NPX) knex`); at most 4, at most 64 KiB.
    for (int pass = 0; pass < 4; ++pass) {
        std::string next;
        bool changed = false;
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (out[i] == '$' && i + 1 < out.size() && out[i + 1] == '$') {
                next += "$$";
                ++i;
                continue;
            }
            if (out[i] == '$' && i + 1 < out.size() && (out[i + 1] == '(' || out[i + 1] == '{')) {
                const char close = out[i + 1] == '(' ? ')' : '}';
                std::size_t e = i + 2;
                while (e < out.size() && make_name_char(out[e])) ++e;
                if (e < out.size() && out[e] == close && e > i + 2) {
                    const std::string name = out.substr(i + 2, e - i - 2);
                    // GNU make's own MAKE runs make (make manual, "How the MAKE Variable Works").
                    const auto it = vars.find(name);
                    const std::optional<std::string> value = name == "MAKE" && it == vars.end() ? std::optional<std::string>("make")
                                                             : it == vars.end()                 ? std::nullopt
                                                                                                : it->second;
                    if (value && next.size() + value->size() <= (64u << 10)) {  // at most 64 KiB a line, whatever its references
                        next += *value;
                        i = e;
                        changed = true;
                        continue;
                    }
                }
            }
            next += out[i];
        }
        out = std::move(next);
        if (!changed || out.size() > (64u << 10)) break;
    }
    return out;
}

std::string unresolved_make_program(std::string_view line, const MakeVariables& vars) {
    for (std::size_t i = line.find('$'); i != std::string_view::npos && i + 2 < line.size(); i = line.find('$', i + 1)) {
        if (line[i + 1] != '(' && line[i + 1] != '{') continue;
        const char close = line[i + 1] == '(' ? ')' : '}';
        std::size_t e = i + 2;
        while (e < line.size() && make_name_char(line[e])) ++e;
        if (e >= line.size() || line[e] != close || e == i + 2) continue;
        const std::string name(line.substr(i + 2, e - i - 2));
        if (const auto it = vars.find(name); it != vars.end() && it->second) continue;
        // A variable that stands for a migration tool by its name (`$(KNEX)`, `$(GOOSE_BIN)`,
        // `${MIGRATE}`), in a command's first word: what it runs is not known where the line is read.
        const std::string n = lower(name);
        bool tool = false;
        for (std::string_view t : {"knex", "sequelize", "prisma", "typeorm", "migrat", "goose", "dbmate", "flyway", "liquibase", "alembic", "sqitch",
                                   "supabase", "diesel", "sqlx", "graphile", "rails", "rake", "artisan", "kysely", "mikro", "django", "manage"}) {
            if (n.find(t) != std::string::npos) tool = true;
        }
        if (!tool) continue;
        std::size_t s = i;
        while (s > 0 && (line[s - 1] == ' ' || line[s - 1] == '\t' || line[s - 1] == '@' || line[s - 1] == '-' || line[s - 1] == '+')) --s;
        const bool first = s == 0 || line[s - 1] == ';' || line[s - 1] == '&' || line[s - 1] == '|' || line[s - 1] == '(';
        if (!first) continue;
        return "this recipe runs $(" + printable(name) + "), a make variable " +
               std::string(vars.contains(name) ? "the Makefile computes" : "the environment or another file gives") +
               ", as its program: which tool and verb it runs (the down direction, a reset) is not known where the line is read";
    }
    return "";
}

}  // namespace pgfence::analyze::tools::deploy_detail
