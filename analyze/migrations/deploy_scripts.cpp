#include "analyze/migrations/deploy_scripts.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_workspaces.hpp"
#include "analyze/migrations/named_command_files.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace deploy_detail {

std::string script_word(const std::vector<std::string>& wrapped) {
    // The command a wrapper runs (`timeout 600 ./ci/migrate`, `dotenv -e .env -- bash ci/go`).
    const std::vector<std::string> words = unwrap(wrapped).words;
    std::size_t k = 0;
    auto upper = [](std::string_view w) {
        return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
    };
    // The YAML keys whose value is a command line (a workflow's run, a compose service's command
    // or entrypoint, GitLab's script lists); any other key's value is data (`images:
    // registry/x`, `file: ./Dockerfile`, a paths filter's `- '**/Cargo.toml'`), no command.
    static const std::set<std::string_view> k_command_keys = {"run:", "command:", "entrypoint:", "script:", "before_script:", "after_script:",
                                                              "cmd:", "exec:", "build:", "deploy:", "release:", "web:", "worker:"};
    for (; k < words.size(); ++k) {
        const std::string_view w = words[k];
        if (w.ends_with(":") && w.size() > 1 && !upper(w.substr(0, w.size() - 1))) {
            if (!k_command_keys.contains(w)) return "";
            continue;
        }
        // A YAML list item that is a quoted scalar (`- '**/Cargo.toml'`): data.
        if (w == "-" && k + 1 < words.size() && (words[k + 1].starts_with("'") || words[k + 1].starts_with("\""))) return "";
        // `NAME=` whose value the shell split off as the next word (`T=${GITHUB_REF#refs/*/}`).
        if (w.ends_with("=") && w.size() > 1 && std::all_of(w.begin(), w.end() - 1, [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
            ++k;
            continue;
        }
        // A Dockerfile's instructions: only RUN, CMD and ENTRYPOINT run a command (COPY . . copies).
        if (upper(w) && w.size() > 1 && w != "RUN" && w != "CMD" && w != "ENTRYPOINT" && k == 0) return "";
        if (w == "-" || w.ends_with(":") || upper(w) || w == "sudo" || w == "exec" || w == "env" || w == "time" || w == "nohup" || w == "command") continue;
        if (w.find('=') != std::string_view::npos && !w.starts_with("-") && w.find('/') == std::string_view::npos) continue;
        // `NAME=value`, a shell's assignment word whatever its value holds (`DIR=${X:-$ROOT/work}`).
        if (const std::size_t eq = w.find('='); eq != std::string_view::npos && eq > 0 &&
            std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; })) {
            continue;
        }
        break;
    }
    if (k >= words.size()) return "";
    std::string_view w = words[k];
    // Bundler's `bundle exec ruby F` runs ruby with the bundle's gems (bundler.io/man/bundle-exec.1).
    if (w == "bundle" && k + 2 < words.size() && words[k + 1] == "exec" && words[k + 2] == "ruby") w = words[k += 2];
    // What npx, bunx, pnpx or a package manager's dlx runs by a scoped name (`npx --yes
    // @datadog/datadog-ci`) is a package's bin, resolved by the package manager, not a file of the
    // repository (review87: met once `${NAME}` was read as one word).
    if (w.starts_with("@") && std::any_of(wrapped.begin(), wrapped.end(), [](const std::string& x) { return x == "npx" || x == "bunx" || x == "pnpx" || x == "dlx"; })) {
        return "";
    }
    if (w == "bash" || w == "sh" || w == "zsh" || w == "dash" || w == "ksh" || w == "source" || w == ".") {
        // bash(1), dash(1): `-s` reads the commands from standard input, and the words after the
        // options are its positional parameters, no script (`curl -sSfL URL | sh -s -- -b bin`: an
        // installer from the network, as `curl URL | sh` is); `--` ends the options, the next word
        // is the script. Standard input redirected from a file (`sh -s < scripts/x.sh`) is the script.
        bool stdin_script = false;
        for (++k; k < words.size() && words[k].starts_with("-"); ++k) {
            if (words[k] == "--") {
                ++k;
                break;
            }
            if (!words[k].starts_with("--") && words[k].find('c') != std::string::npos) return "";  // -c: a command string
            if (!words[k].starts_with("--") && words[k].find('s') != std::string::npos) stdin_script = true;
        }
        if (stdin_script) {
            for (; k < words.size(); ++k) {
                if (words[k] == "<" && k + 1 < words.size()) return words[k + 1];
                if (words[k].starts_with("<") && words[k].size() > 1 && words[k][1] != '<') return words[k].substr(1);
            }
            return "";
        }
        if (k >= words.size()) return "";
        return words[k];
    }
    // A Node or Python script by its file (`node scripts/deploy.js`, `tsx scripts/release.ts`,
    // `python3 deploy.py`): the commands it spawns are read (deploy_spawns.cpp). Not `node -e`, `python
    // -m`, `-c`: code on the line, or a module; not `node .` or `bun run build` (no script file).
    static const std::set<std::string_view> k_interpreters = {"node", "nodejs", "tsx", "ts-node", "ts-node-esm", "babel-node", "bun", "deno",
                                                              "python", "python3", "python2", "pypy3", "ruby"};
    if (k_interpreters.contains(w) || (w.starts_with("python3.") && w.size() < 12)) {
        static const std::set<std::string_view> k_valued = {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
                                                            "--env-file", "-W", "-X", "--project", "-P", "--tsconfig"};
        for (++k; k < words.size(); ++k) {
            const std::string_view a = words[k];
            if (a == "run" && (w == "bun" || w == "deno") ) continue;
            if (a == "-e" || a == "--eval" || a == "-p" || a == "--print" || a == "-c" || a == "-m") return "";
            if (k_valued.contains(a)) {
                ++k;
                continue;
            }
            if (a.starts_with("-")) continue;
            break;
        }
        if (k >= words.size()) return "";
        const std::string_view file = words[k];
        const std::string_view last = file.substr(file.rfind('/') == std::string_view::npos ? 0 : file.rfind('/') + 1);
        const std::size_t dot = last.rfind('.');
        if (dot == std::string_view::npos || dot == 0 || file.find_first_of(":*#") != std::string_view::npos || file.find("node_modules/") != std::string_view::npos) return "";
        static const std::set<std::string_view> k_code_ext = {"js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx", "py", "rb"};
        if (!k_code_ext.contains(last.substr(dot + 1))) return "";
        return std::string(file);
    }
    if (w.find('/') == std::string_view::npos) return "";
    // A folder (`build: ../`, a compose service's build context): no program runs it.
    if (w.ends_with("/")) return "";
    // A package's or a tool's own program, not the repository's script.
    if (w.find("node_modules/") != std::string_view::npos || w.find("vendor/bin/") != std::string_view::npos) return "";
    // A path in command position that is no script's: an image reference (`repo/name:tag`), a glob
    // of a paths filter (`**/Cargo.toml`), a file of another kind (`$ROOT/nginx.conf`, an array
    // element on its own line), which a reader of lines would take for a command. A script's name
    // has no extension or a script's (.sh, .bash, .js, .ts, .py, .rb, ...).
    if (w.find(':') != std::string_view::npos || w.find('*') != std::string_view::npos || w.find('#') != std::string_view::npos) return "";
    const std::string_view last = w.substr(w.rfind('/') + 1);
    if (const std::size_t dot = last.rfind('.'); dot != std::string_view::npos && dot > 0) {
        static const std::set<std::string_view> k_script_ext = {"sh", "bash", "zsh", "ksh", "js", "mjs", "cjs", "ts", "mts", "cts", "py", "rb",
                                                                "pl", "php", "bats", "run", "command"};
        if (!k_script_ext.contains(last.substr(dot + 1))) return "";
    }
    return std::string(w);
}

std::string script_unknown(std::string_view word, std::string_view base, const ReadFile& read, Follow& follow) {
    if (word.find('$') != std::string_view::npos || word.find('`') != std::string_view::npos || word.find('*') != std::string_view::npos) {
        return "this command runs a script by a computed name (" + printable(word.substr(0, 80)) +
               "), which pgfence does not read: the migration commands in it are not seen";
    }
    if (word.starts_with("/") || word.starts_with("~")) return "";  // the image's or the runner's own program, not the repository's
    const auto top = from_top_path(word);
    const std::string file = top ? *top : repository_path(base, word);
    if (file.empty()) {
        return "this command runs the script " + printable(word.substr(0, 80)) +
               ", outside the repository, which pgfence does not read: the migration commands in it are not seen";
    }
    if (!read || follow.seen.contains(file)) return "";
    if (follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts || follow.bytes >= k_most_script_bytes) {
        return "this command runs the script " + printable(file) + " past pgfence's limit of " + std::to_string(k_most_script_depth) +
               " nested or " + std::to_string(k_most_scripts) + " scripts: the migration commands in it are not seen";
    }
    follow.seen.insert(file);
    auto text = read(file);
    // Not a file of the repository: one the deploy writes, downloads or builds when it runs (a
    // `dist/` a compiler fills too), which pgfence cannot see (red team R88b F2). A tool's own
    // (node_modules/, an absolute path) never gets here; a program of no extension (`./dist/server`,
    // a Go or Rust build's binary) is the build's output of the repository's own code, as before.
    if (!text && path_name(file).find('.') == std::string_view::npos) return "";
    // One whose name says it migrates is the project's own runner, read by its source (own_runners.cpp).
    if (!text && lower(path_name(file)).find("migrat") != std::string::npos) return "";
    if (!text) return "this command runs " + printable(file.substr(0, 120)) + std::string(k_not_in_repository);
    ++follow.scripts;
    follow.bytes += text->size();
    if (text->find('\0') != std::string::npos) {
        return "this command runs " + printable(file) + ", a binary file pgfence does not read: the migration commands it runs are not seen";
    }
    ++follow.depth;
    std::string caller = std::exchange(follow.base, std::string(base));
    auto found = command_unknowns(file, *text, read, follow, true);
    follow.base = std::move(caller);
    --follow.depth;
    if (found.empty()) return "";
    return "this command runs the script " + printable(file) + ", whose line " + std::to_string(found.front().line) + " says: " + found.front().why;
}

std::string target_unknown(const std::vector<std::string>& wrapped, std::string_view base, const ReadFile& read, Follow& follow) {
    const std::vector<std::string> words = unwrap(wrapped).words;
    std::size_t k = 0;
    while (k < words.size() && (words[k] == "-" || words[k].ends_with(":") || words[k] == "RUN" || words[k] == "sudo")) ++k;
    if (k >= words.size() || !read) return "";
    const bool make = words[k] == "make" || words[k] == "gmake";
    if (!make && words[k] != "just") return "";
    std::string folder(base);
    std::string file;
    std::vector<std::string> wanted;
    for (++k; k < words.size(); ++k) {
        const std::string& w = words[k];
        if ((w == "-C" || w == "--directory" || w == "-f" || w == "--file" || w == "--justfile") && k + 1 < words.size()) {
            const std::string v = words[++k];
            if (v.find_first_of("$`") != std::string::npos) return "this command gives " + printable(words[0]) + " a computed file or folder (" + printable(v.substr(0, 80)) + "): the recipe it runs is not read by pgfence";
            if (w == "-C" || w == "--directory") folder = repository_path(folder, v);
            else file = repository_path(folder, v);
            continue;
        }
        if (w.starts_with("-") || w.find('=') != std::string::npos) continue;
        if (w.find_first_of("$`") != std::string::npos) return "this command runs a " + printable(words[0]) + " target by a computed name (" + printable(w.substr(0, 80)) + "): the recipe it runs is not read by pgfence";
        // A test run's target (`make test`, `make e2e`) resets its own database, as an `npm test` does.
        const std::string n = lower(w);
        if (n.starts_with("test") || n.starts_with("spec") || n.starts_with("e2e")) continue;
        if (wanted.size() < 16) wanted.push_back(w);
    }
    if (wanted.empty()) return "";
    // just's modules' recipes by their path (`just db migrate`, `just db::migrate`: just manual, "Modules").
    for (std::size_t i = 0, n = wanted.size(); !make && i + 1 < n; ++i) wanted.push_back(wanted[i] + "::" + wanted[i + 1]);
    std::optional<std::string> text;
    if (file.empty()) {
        const std::vector<std::string_view> names = make ? std::vector<std::string_view>{"GNUmakefile", "makefile", "Makefile"}
                                                         : std::vector<std::string_view>{"justfile", "Justfile", ".justfile"};
        for (std::string_view n : names) {
            const std::string p = folder.empty() ? std::string(n) : folder + "/" + std::string(n);
            if (follow.seen.contains(p)) return "";
            if ((text = read(p))) {
                file = p;
                break;
            }
        }
    } else if (!follow.seen.contains(file)) {
        text = read(file);
    }
    if (!text || follow.seen.contains(file) || follow.depth >= k_most_script_depth || follow.scripts >= k_most_scripts) return "";
    follow.seen.insert(file);
    ++follow.scripts;
    follow.bytes += text->size();
    // Read as the file is (its targets), its helper-named targets kept.
    ++follow.depth;
    const bool keep = std::exchange(follow.keep_helpers, true);
    // Read as make's or just's file whatever its name (`make -f Makefile.deploy`, `-f db.conf`: red team R89 F1).
    std::string caller = std::exchange(follow.base, folder);  // where make runs: its includes are read from there
    auto found = command_unknowns(command_view(file, make ? CommandKind::make : CommandKind::just), *text, read, follow, false);
    follow.base = std::move(caller);
    follow.keep_helpers = keep;
    --follow.depth;
    for (const auto& u : found) {
        if (std::find(wanted.begin(), wanted.end(), u.target) == wanted.end()) continue;
        return "this command runs the " + std::string(make ? "make" : "just") + " target " + printable(u.target) + " of " + printable(file) +
               ", whose line " + std::to_string(u.line) + " says: " + u.why;
    }
    return "";
}

namespace {

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The ways a script names its own file: `$0` and bash's `${BASH_SOURCE[0]}` (bash manual, "Special
// Parameters" and "Bash Variables": BASH_SOURCE).
bool names_itself(std::string_view v) {
    return v.find("$0") != std::string_view::npos || v.find("${0}") != std::string_view::npos || v.find("BASH_SOURCE") != std::string_view::npos;
}

// A folder from the top, marked so (k_from_top) whatever folder the shell is in when it reads it.
std::string from_top(std::string_view folder) { return std::string(1, k_from_top) + std::string(folder); }

}  // namespace

std::optional<std::pair<std::string, std::string>> own_dir_assignment(std::string_view line, std::string_view script,
                                                                      const std::vector<std::pair<std::string, std::string>>& known) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    for (std::string_view w : {"export ", "local ", "readonly ", "declare "}) {
        if (line.starts_with(w)) line.remove_prefix(w.size());
    }
    std::size_t eq = 0;
    while (eq < line.size() && ident(line[eq])) ++eq;
    if (eq == 0 || eq >= line.size() || line[eq] != '=') return std::nullopt;
    std::string_view value = line.substr(eq + 1);
    if (const std::size_t hash = value.find(" #"); hash != std::string_view::npos) value = value.substr(0, hash);
    // `ROOT="$SCRIPT_DIR/../.."`: a folder already known, then a literal path.
    std::string_view plain = value;
    while (!plain.empty() && (plain.front() == '"' || plain.front() == '\'')) plain.remove_prefix(1);
    while (!plain.empty() && (plain.back() == '"' || plain.back() == '\'' || plain.back() == ' ')) plain.remove_suffix(1);
    for (const auto& [name, folder] : known) {
        for (const std::string& ref : {"${" + name + "}", "$" + name}) {
            if (!plain.starts_with(ref)) continue;
            const std::string_view rest = plain.substr(ref.size());
            if (!rest.empty() && rest.front() != '/') continue;
            if (rest.find_first_of("$`\"' ;&|") != std::string_view::npos) return std::nullopt;
            const auto joined = rest.empty() ? std::optional<std::string>(folder) : join_folder(folder, rest.substr(1));
            if (!joined) return std::nullopt;
            return std::pair{std::string(line.substr(0, eq)), *joined};
        }
    }
    const std::size_t dirname = value.rfind("dirname");
    // Only the forms that fold: a dirname of the script's own name, then `/..` parts; another `cd`,
    // a `;` or a second command (`&& cd ..`) and the folder is not known.
    if (dirname == std::string_view::npos || !names_itself(value) || value.find(" ..") != std::string_view::npos || value.find(';') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string folder(path_folder(script));
    for (std::size_t up = value.find("/..", dirname); up != std::string_view::npos; up = value.find("/..", up + 3)) {
        if (folder.empty()) return std::nullopt;
        folder = folder.find('/') == std::string::npos ? std::string() : folder.substr(0, folder.rfind('/'));
    }
    return std::pair{std::string(line.substr(0, eq)), std::move(folder)};
}

std::string with_own_dirs(std::string_view line, const std::vector<std::pair<std::string, std::string>>& dirs, std::string_view script) {
    std::string out(line);
    auto replace = [&](std::string_view from, const std::string& to, bool whole) {
        for (std::size_t at = out.find(from); at != std::string::npos && out.size() < (1u << 16);) {
            if (whole && at + from.size() < out.size() && ident(out[at + from.size()])) {
                at = out.find(from, at + 1);
                continue;
            }
            out.replace(at, from.size(), to);
            at = out.find(from, at + to.size());
        }
    };
    const std::string own = from_top(path_folder(script));
    for (std::string_view form : {"$(dirname \"$0\")", "$(dirname $0)", "$(dirname \"${BASH_SOURCE[0]}\")", "$(dirname \"$BASH_SOURCE\")", "$(dirname ${BASH_SOURCE[0]})"}) {
        if (out.find(form) != std::string::npos) replace(form, own, false);
    }
    for (const auto& [name, folder] : dirs) {
        if (out.find(name) == std::string::npos) continue;
        const std::string to = from_top(folder);
        replace("${" + name + "}", to, false);
        replace("$" + name, to, true);
    }
    return out;
}

bool bare_mention(std::string_view text, std::string_view name) {
    for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
        const char before = at > 0 ? text[at - 1] : ' ';
        const char after = at + name.size() < text.size() ? text[at + name.size()] : ' ';
        if (ident(before) || ident(after) || before == '$' || (before == '{' && at > 1 && text[at - 2] == '$')) continue;
        return true;
    }
    return false;
}

std::optional<std::string> from_top_path(std::string_view word) {
    if (!word.starts_with(k_from_top)) return std::nullopt;
    word.remove_prefix(1);
    while (word.starts_with("/")) word.remove_prefix(1);
    return join_folder("", word.empty() ? std::string_view(".") : word);
}

}  // namespace deploy_detail

using namespace deploy_detail;

std::vector<ScriptRunByName> scripts_run_by_name(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ScriptRunByName> out;
    const std::string_view name = path_name(path);
    if (!command_file(path) || name == "Tiltfile") return out;
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    const std::string base = runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string() : std::string(path_folder(path));
    for (const auto& l : logical_lines(text, yaml)) {
        // A JavaScript action's main, pre and post files: the runner runs them with node.
        if (const std::string f = node_action_file(path, text, l.text); !f.empty() && out.size() < k_most_scripts) {
            if (const std::string file = repository_path("", f); !file.empty()) out.push_back(ScriptRunByName{l.number, file, {}});
        }
        for (const auto& words : simple_commands(l.text)) {
            std::string w = script_word(words);
            if (w.empty()) w = bash_env_file(words);  // a change to it is a change to every script bash runs
            // `npx @acme/db-tools`: its bin, a file of the repository (deploy_npx_bins.cpp).
            if (w.empty() && read) {
                if (const auto top = from_top_path(npx_workspace_bin(words, read)); top && !top->empty() && out.size() < k_most_scripts) {
                    out.push_back(ScriptRunByName{l.number, *top, {}});
                }
                continue;
            }
            if (w.empty() || w.find_first_of("$`*") != std::string::npos || w.starts_with("/") || w.starts_with("~")) continue;
            std::string file = repository_path(base, w);
            if (!file.empty() && out.size() < k_most_scripts) out.push_back(ScriptRunByName{l.number, std::move(file), {}});
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
