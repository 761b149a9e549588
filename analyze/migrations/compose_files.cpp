#include "analyze/migrations/compose_files.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/base/yaml_scalar.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::size_t k_most = 64;

// A YAML scalar on one line, plain or quoted, its comment cut; nullopt for any other node (an
// alias, an anchor, a tag, a block scalar, a flow collection) or a quoted one that does not close.
std::optional<std::string> scalar(std::string_view v) {
    v = trim_blanks(v);
    if (v.empty() || std::string_view("&*!|>{}[]%@`").find(v.front()) != std::string_view::npos) return std::nullopt;
    if (v.front() == '"' || v.front() == '\'') {
        std::size_t end = 0;
        auto s = yaml_quoted(v, end);
        const std::string_view rest = trim_blanks(v.substr(s ? end : 0));
        if (!s || !(rest.empty() || rest.front() == '#')) return std::nullopt;
        return s;
    }
    if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = trim_blanks(v.substr(0, hash));
    return std::string(v);
}

// The items of a flow sequence closed on its line (`[a, "b"]`), nullopt when it is not one pgfence reads.
std::optional<std::vector<std::string>> flow_list(std::string_view v) {
    v = trim_blanks(v);
    const std::size_t close = v.find(']');
    if (!v.starts_with("[") || close == std::string_view::npos) return std::nullopt;
    if (const auto rest = trim_blanks(v.substr(close + 1)); !rest.empty() && rest.front() != '#') return std::nullopt;
    std::string_view items = v.substr(1, close - 1);
    if (items.find_first_of("[{") != std::string_view::npos) return std::nullopt;  // nested
    // A quoted item holding a comma is cut there, and its halves do not decode: not read.
    std::vector<std::string> out;
    while (!trim_blanks(items).empty()) {
        const std::size_t comma = items.find(',');
        auto s = scalar(items.substr(0, comma));
        if (!s) return std::nullopt;
        out.push_back(std::move(*s));
        if (comma == std::string_view::npos) break;
        items.remove_prefix(comma + 1);
    }
    return out;
}

// Why a path compose reads is not one pgfence follows in the repository, or "" when it is.
std::string unfollowed(std::string_view value, std::string_view base) {
    if (value.find('$') != std::string_view::npos) return "a variable compose interpolates";
    if (value.find("://") != std::string_view::npos || value.starts_with("git@") || value.starts_with("oci:")) return "a remote file";
    // A folder may be the repository's top, which repository_path gives as "": asked of a name in it.
    if (repository_path(base, std::string(value) + "/x").empty()) return "a path outside the repository";
    return {};
}

// One entry of an include list: its paths, project_directory and env_file, each at its line.
struct Entry {
    int line = 0;
    std::vector<std::pair<int, std::string>> paths;
    std::vector<std::pair<int, std::string>> env_files;
    std::optional<std::pair<int, std::string>> project;
};

void resolve(const Entry& e, std::string_view base, ComposeFiles& out) {
    if (e.line == 0) return;
    auto unread = [&](int line, const std::string& why) {
        if (out.unread.size() < k_most) out.unread.emplace_back(line, why);
    };
    if (e.paths.empty()) return unread(e.line, "this include names no path pgfence reads: the compose file it brings in may load an env_file "
                                               "that sets how its migrations run, unread");
    std::string project;
    bool project_set = e.project.has_value();
    if (e.project) {
        if (std::string why = unfollowed(e.project->second, base); !why.empty()) {
            return unread(e.project->first, "this include's project_directory is " + why + ": the env_file paths of the compose file it "
                                            "brings in resolve from there, unread");
        }
        project = repository_path(base, e.project->second);
    }
    for (const auto& [line, p] : e.paths) {
        if (std::string why = unfollowed(p, base); !why.empty()) {
            unread(line, "this include names " + why + ": the compose file it brings in may load an env_file that sets how its "
                         "migrations run, unread");
            continue;
        }
        std::string file = repository_path(base, p);
        // compose-go loader/include.go: the first path's folder is the project's, its overrides' too.
        if (!project_set) project = std::string(path_folder(file));
        project_set = true;
        if (out.files.size() < k_most) out.files.push_back(ComposeFileRef{line, std::move(file), project});
    }
    for (const auto& [line, p] : e.env_files) {
        if (std::string why = unfollowed(p, base); !why.empty()) {
            unread(line, "this include's env_file is " + why + ": it sets the variables the included compose file interpolates, unread");
        } else if (out.env_files.size() < k_most) {
            out.env_files.push_back(ComposeFileRef{line, repository_path(base, p), {}});
        }
    }
}

}  // namespace

ComposeFiles compose_includes(std::string_view text, std::string_view project) {
    ComposeFiles out;
    if (text.find("include") == std::string_view::npos) return out;
    bool block = false;                               // inside the top-level `include:` block
    std::size_t item_indent = std::string_view::npos;  // the column of its items' `-`
    std::size_t key_indent = std::string_view::npos;   // the column of an item's keys
    std::vector<std::pair<int, std::string>>* list = nullptr;  // `path:` or `env_file:` whose items follow
    std::size_t list_indent = 0;
    Entry entry;
    auto unread = [&](int n, std::string_view what) {
        if (out.unread.size() < k_most) {
            out.unread.emplace_back(n, "this line of an include is " + std::string(what) + ", which pgfence does not read: the compose "
                                       "file it brings in may load an env_file that sets how its migrations run, unread");
        }
    };
    // One `key: value` of an entry's mapping.
    auto key_line = [&](int n, std::string_view l) {
        list = nullptr;
        const std::size_t colon = l.find(':');
        const std::string_view key = colon == std::string_view::npos ? l : trim_blanks(l.substr(0, colon));
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : trim_blanks(l.substr(colon + 1));
        std::vector<std::pair<int, std::string>>* into = key == "path" ? &entry.paths : key == "env_file" ? &entry.env_files : nullptr;
        if (key == "project_directory") {
            if (auto s = scalar(value)) entry.project.emplace(n, std::move(*s));
            else unread(n, "a project_directory in another form");
            return;
        }
        if (into == nullptr) return;  // compose-go's schema takes no other key
        if (value.empty() || value.front() == '#') {
            list = into;
            list_indent = key_indent;
        } else if (value.front() == '[') {
            if (auto items = flow_list(value)) {
                for (auto& s : *items) into->emplace_back(n, std::move(s));
            } else {
                unread(n, "a flow sequence");
            }
        } else if (auto s = scalar(value)) {
            into->emplace_back(n, std::move(*s));
        } else {
            unread(n, "a value in another form (an alias, a tag, a block scalar, a quote over lines)");
        }
    };
    each_yaml_line(text, [&](int n, std::size_t indent, std::string_view l) {
        if (block && indent == 0 && !l.starts_with("-")) {
            resolve(entry, project, out);
            entry = Entry{};
            block = false;
        }
        if (!block) {
            // The top-level key only: an `include:` deeper down is another (develop.watch's).
            if (indent != 0 || !l.starts_with("include:")) return;
            const std::string_view v = trim_blanks(l.substr(8));
            if (v.empty() || v.front() == '#') {
                block = true;
                item_indent = key_indent = std::string_view::npos;
                list = nullptr;
            } else if (auto items = flow_list(v)) {
                for (auto& s : *items) resolve(Entry{n, {{n, std::move(s)}}, {}, {}}, project, out);
            } else {
                unread(n, "an include in another form (an alias, a flow collection over lines)");
            }
            return;
        }
        const bool item = l == "-" || l.starts_with("- ");
        if (item && (item_indent == std::string_view::npos || indent == item_indent)) {
            resolve(entry, project, out);
            entry = Entry{n, {}, {}, {}};
            item_indent = indent;
            list = nullptr;
            const std::string_view x = trim_blanks(l.substr(1));
            key_indent = x.empty() ? std::string_view::npos : indent + static_cast<std::size_t>(x.data() - l.data());
            if (x.empty() || x.front() == '#') return;  // its mapping follows, on the lines below
            const std::size_t colon = x.find(": ");
            if (x.front() != '"' && x.front() != '\'' && (colon != std::string_view::npos || x.ends_with(":"))) {
                key_line(n, x);
            } else if (auto s = scalar(x)) {
                entry.paths.emplace_back(n, std::move(*s));
            } else {
                unread(n, "an item in another form (a flow mapping, an alias, a quoted key)");
            }
            return;
        }
        if (item && list != nullptr && indent >= list_indent) {
            if (auto s = scalar(l.substr(1))) list->emplace_back(n, std::move(*s));
            else unread(n, "an item in another form");
            return;
        }
        if (!item && item_indent != std::string_view::npos && indent > item_indent) {
            if (key_indent == std::string_view::npos) key_indent = indent;
            if (indent == key_indent) return key_line(n, l);
        }
        unread(n, "a line in another form");
    });
    if (block) resolve(entry, project, out);
    return out;
}

ComposeFiles compose_file_variable(std::string_view text, std::string_view folder) {
    ComposeFiles out;
    if (text.find("COMPOSE_") == std::string_view::npos) return out;
    // COMPOSE_PATH_SEPARATOR splits COMPOSE_FILE (docs envvars.md), ':' on Linux.
    std::string separator = ":";
    for (const auto& v : env_values(text, "COMPOSE_PATH_SEPARATOR")) {
        if (v.value && !v.value->empty()) separator = *v.value;
        else out.unread.emplace_back(v.line, "COMPOSE_PATH_SEPARATOR is set from a variable or an escape pgfence does not read: it splits "
                                             "COMPOSE_FILE, the compose files whose env_file may set how migrations run, unread");
    }
    std::vector<int> read;
    for (const auto& v : env_values(text, "COMPOSE_FILE")) {
        read.push_back(v.line);
        if (!v.value) {
            out.unread.emplace_back(v.line, "COMPOSE_FILE is set from a variable or an escape pgfence does not read: the compose files it "
                                            "names may load an env_file that sets how migrations run, unread");
            continue;
        }
        out.files.clear();  // the last line setting it wins
        std::optional<std::string> project;
        std::string_view rest = *v.value;
        while (!rest.empty() && out.files.size() < k_most) {
            const std::size_t at = rest.find(separator);
            const std::string_view p = trim_blanks(rest.substr(0, at));
            rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + separator.size());
            if (p.empty()) continue;
            if (std::string why = unfollowed(p, folder); !why.empty()) {
                out.unread.emplace_back(v.line, "COMPOSE_FILE names " + why + ": that compose file may load an env_file that sets how "
                                                "migrations run, unread");
                continue;
            }
            std::string file = repository_path(folder, p);
            if (!project) project = std::string(path_folder(file));
            out.files.push_back(ComposeFileRef{v.line, std::move(file), *project});
        }
    }
    // compose's dotenv also takes `KEY: value` and quotes over lines (compose-go dotenv/parser.go
    // locateKeyName, extractVarValue): a line naming COMPOSE_FILE that env_values did not read.
    each_line(text, [&](int n, std::string_view l) {
        l = trim_blanks(l);
        if (l.starts_with("export")) l = trim_blanks(l.substr(6));
        if (!l.starts_with("COMPOSE_FILE") || (l.size() > 12 && (std::isalnum(static_cast<unsigned char>(l[12])) || l[12] == '_' || l[12] == '.'))) return;
        for (int r : read) {
            if (r == n) return;
        }
        if (out.unread.size() < k_most) {
            out.unread.emplace_back(n, "this line names COMPOSE_FILE in a form pgfence does not read: the compose files it names may "
                                       "load an env_file that sets how migrations run, unread");
        }
    });
    return out;
}

ComposeFiles compose_command_files(std::string_view text, std::string_view folder) {
    ComposeFiles out;
    if (text.find("compose") == std::string_view::npos && text.find("COMPOSE_FILE") == std::string_view::npos) return out;
    auto unread = [&](int n, const std::string& why) {
        if (out.unread.size() < k_most) out.unread.emplace_back(n, why);
    };
    // One run's files: each relative to the folder the command runs in, all of them resolving their
    // own paths from `project` or the first one's folder.
    auto add = [&](int n, const std::vector<std::string>& files, const std::optional<std::string>& project) {
        std::optional<std::string> base;
        if (project) {
            if (std::string why = unfollowed(*project, folder); !why.empty()) {
                return unread(n, "this command's --project-directory is " + why + ": the env_file paths of its compose files resolve "
                                 "from there, unread");
            }
            base = repository_path(folder, *project);
        }
        for (const auto& f : files) {
            if (f == "-") {
                unread(n, "this command reads its compose file from standard input, which pgfence does not see: an env_file there may set "
                          "how migrations run, unread");
                continue;
            }
            if (std::string why = unfollowed(f, folder); !why.empty()) {
                unread(n, "this command names " + why + " as a compose file: an env_file there may set how migrations run, unread");
                continue;
            }
            std::string file = repository_path(folder, f);
            if (!base) base = std::string(path_folder(file));
            if (out.files.size() < k_most) out.files.push_back(ComposeFileRef{n, std::move(file), *base});
        }
    };
    auto bare = [](std::string_view w) {
        if (w.size() >= 2 && (w.front() == '"' || w.front() == '\'') && w.back() == w.front()) w = w.substr(1, w.size() - 2);
        return std::string(w);
    };
    // A shell joins a line ending in `\` with the next (a script, a Makefile recipe, a workflow's
    // `run: |`): the command is read whole, at its first line (red team R76 E1).
    std::vector<std::pair<int, std::string>> logical;
    std::vector<int> first_of;  // by physical line - 1: the line its command starts at
    bool continued = false;
    each_line(text, [&](int n, std::string_view l) {
        while (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        const bool more = l.ends_with("\\");
        if (more) l.remove_suffix(1);
        if (continued && !logical.empty()) logical.back().second.append(" ").append(l);
        else logical.emplace_back(n, std::string(l));
        first_of.push_back(logical.back().first);
        continued = more;
    });
    std::set<int> command_lines;  // first lines of commands read as compose's, or setting COMPOSE_FILE
    // The one literal value the lines read so far set COMPOSE_FILE to; `mixed` when they set two, or
    // one pgfence does not read (which is an unknown at its own line).
    std::optional<std::string> compose_file_literal;
    bool compose_file_mixed = false;
    for (const auto& [n, joined] : logical) {
        const std::string_view l = joined;
        // The words of the line, at blanks.
        std::vector<std::string_view> w;
        for (std::size_t at = l.find_first_not_of(" \t\r"); at != std::string_view::npos && w.size() < 256; at = l.find_first_not_of(" \t\r", at)) {
            const std::size_t end = l.find_first_of(" \t\r", at);
            w.push_back(l.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
            if (end == std::string_view::npos) break;
            at = end;
        }
        for (std::size_t i = 0; i < w.size(); ++i) {
            // COMPOSE_FILE=a:b (export, an env prefix) or COMPOSE_FILE: a:b (a workflow's env:).
            std::string_view word = w[i];
            // "COMPOSE_FILE=a.yml" quoted whole (a YAML or Make value): its closing quote goes with
            // the opening one; COMPOSE_FILE="a.yml" keeps its quotes for bare().
            const char whole = word.starts_with("\"") || word.starts_with("'") ? word.front() : '\0';
            if (whole != '\0') word.remove_prefix(1);
            if (word.starts_with("COMPOSE_FILE=") || (word == "COMPOSE_FILE:" && i + 1 < w.size())) {
                std::string_view raw = word == "COMPOSE_FILE:" ? w[i + 1] : word.substr(13);
                if (whole != '\0' && word != "COMPOSE_FILE:" && raw.ends_with(whole)) raw.remove_suffix(1);
                const std::string value = bare(raw);
                command_lines.insert(n);
                if (value.find_first_of("$`\\\"'") != std::string::npos || value.empty()) compose_file_mixed = true;
                else if (!compose_file_literal) compose_file_literal = value;
                else if (*compose_file_literal != value) compose_file_mixed = true;
                if (value.find_first_of("$`\\\"'") != std::string::npos || value.empty()) {
                    unread(n, "COMPOSE_FILE is set here from a variable or in a form pgfence does not read: the compose files it names may "
                              "load an env_file that sets how migrations run, unread");
                    continue;
                }
                std::vector<std::string> files;
                for (std::string_view rest = value; !rest.empty();) {
                    const std::size_t colon = rest.find(':');
                    if (colon != 0) files.emplace_back(rest.substr(0, colon));
                    if (colon == std::string_view::npos) break;
                    rest.remove_prefix(colon + 1);
                }
                add(n, files, std::nullopt);
                continue;
            }
            // docker compose / docker-compose / podman-compose: its options before the subcommand.
            // A word opening a quoted command (package.json's `"docker compose -f x"`) counts without
            // its quote, a quoted one (`"docker"`) without both, a path (`/usr/bin/docker`) by its name.
            auto program = [&](std::size_t k) {
                std::string_view p = w[k];
                if (p.starts_with("\"") || p.starts_with("'")) p.remove_prefix(1);
                if (p.ends_with("\"") || p.ends_with("'")) p.remove_suffix(1);
                return path_name(p);
            };
            bool compose = program(i) == "docker-compose" || program(i) == "podman-compose";
            if (!compose && (program(i) == "docker" || program(i) == "podman")) {
                // docker's global options before `compose` (`docker --context prod compose`; docker/cli
                // cli/flags/options.go InstallFlags: --config, -c/--context, -H/--host, -l/--log-level
                // and --tlscacert, --tlscert, --tlskey take a value; -D/--debug, --tls, --tlsverify do not).
                std::size_t k = i + 1;
                while (k < w.size() && w[k].starts_with("-") && w[k] != "-") {
                    bool takes = false;
                    for (std::string_view o : {"--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"}) {
                        takes = takes || w[k] == o;
                    }
                    k += takes ? 2 : 1;
                }
                if (k < w.size() && w[k] == "compose") {
                    i = k;
                    compose = true;
                }
            }
            if (!compose) continue;
            command_lines.insert(n);
            std::vector<std::string> files;
            std::optional<std::string> project;
            bool unknown_value = false;
            std::size_t j = i + 1;
            for (; j < w.size() && w[j].starts_with("-"); ++j) {
                const std::string_view o = w[j];
                std::optional<std::string> value;
                bool is_file = false, is_project = false;
                for (std::string_view name : {"--file", "-f", "--project-directory"}) {
                    const bool file_flag = name != "--project-directory";
                    if (o == name && j + 1 < w.size()) {
                        value = bare(w[++j]);
                    } else if (o.starts_with(std::string(name) + "=")) {
                        value = bare(o.substr(name.size() + 1));
                    } else if (name == "-f" && o.size() > 2 && o[1] == 'f' && o[2] != '-') {
                        value = bare(o.substr(2));
                    } else {
                        continue;
                    }
                    is_file = file_flag;
                    is_project = !file_flag;
                    break;
                }
                // --env-file: a dotenv file compose reads COMPOSE_FILE from, as .env (red team R76 E2).
                if (!value && (o == "--env-file" || o.starts_with("--env-file="))) {
                    if (o == "--env-file" && j + 1 < w.size()) value = bare(w[++j]);
                    else if (o != "--env-file") value = bare(o.substr(11));
                    if (value && value->find_first_of("$`") == std::string::npos) {
                        if (std::string why = unfollowed(*value, folder); !why.empty()) {
                            unread(n, "this command's --env-file is " + why + ": it may set COMPOSE_FILE, the compose files whose env_file "
                                      "sets how migrations run, unread");
                        } else if (out.env_files.size() < k_most) {
                            out.env_files.push_back(ComposeFileRef{n, repository_path(folder, *value), std::string(folder)});
                        }
                        continue;
                    }
                }
                // `-f "$COMPOSE_FILE"` after the file set it to one literal (nestjs-boilerplate's
                // test/generators scripts): that file. Where the assignment did not run (a branch not
                // taken) the value is the environment's COMPOSE_FILE, which a bare `docker compose`
                // reads as much; a list (`a.yml:b.yml`) is no one -f path.
                if (value && is_file && (*value == "$COMPOSE_FILE" || *value == "${COMPOSE_FILE}") && compose_file_literal &&
                    !compose_file_mixed && compose_file_literal->find(':') == std::string::npos) {
                    value = *compose_file_literal;
                }
                if (value && value->find_first_of("$`") != std::string::npos) unknown_value = true;
                else if (is_file) files.push_back(*value);
                else if (is_project) project = *value;
                else if (o.find('=') == std::string_view::npos && j + 1 < w.size()) {
                    // compose's global options that take a value (docker/compose cmd/compose/compose.go).
                    for (std::string_view v : {"-p", "--project-name", "--profile", "--ansi", "--parallel", "--progress"}) {
                        if (o == v) ++j;
                    }
                }
            }
            // `docker compose $(FILES) run`: a word before the subcommand that a shell or make expands
            // may be any options, -f among them (red team R76 E3).
            if (j < w.size()) {
                std::string_view next = w[j];
                if (next.starts_with("\"") || next.starts_with("'")) next.remove_prefix(1);
                if (next.starts_with("$") || next.starts_with("`")) unknown_value = true;
            }
            if (unknown_value) {
                unread(n, "this command names its compose file or project folder with a variable: an env_file there may set how "
                          "migrations run, unread");
            }
            if (!files.empty() || project) add(n, files, project);
            i = j;
        }
    }
    // A line naming COMPOSE_FILE or compose-file (compose-action's input, `export COMPOSE_FILE :=`
    // in make, PowerShell's $env:COMPOSE_FILE), or starting with a compose option (a folded `run: >`
    // block), that was not read above: unknown, not passed over (red team R76 E1, E3).
    each_line(text, [&](int n, std::string_view l) {
        const std::string_view t = trim_blanks(l);
        if (static_cast<std::size_t>(n - 1) >= first_of.size()) return;
        if (t.starts_with("#") || t.starts_with("//") || command_lines.contains(first_of[static_cast<std::size_t>(n - 1)])) return;
        bool names = t.find("compose-file") != std::string_view::npos;
        for (std::size_t at = t.find("COMPOSE_FILE"); !names && at != std::string_view::npos; at = t.find("COMPOSE_FILE", at + 1)) {
            // Not a read of it ($COMPOSE_FILE, ${COMPOSE_FILE}), nor another name (DEV_COMPOSE_FILES).
            auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
            names = (at == 0 || (t[at - 1] != '$' && t[at - 1] != '{' && !word(t[at - 1]))) && (at + 12 == t.size() || !word(t[at + 12]));
        }
        const bool option = first_of[static_cast<std::size_t>(n - 1)] == n &&
                            (t.starts_with("-f ") || t.starts_with("-f=") || t.starts_with("--file") || t.starts_with("--env-file") ||
                             t.starts_with("--project-directory"));
        if (names || option) {
            unread(n, "this line names compose files in a form pgfence does not read (a variable, another syntax, a command over "
                      "lines it does not join): an env_file there may set how migrations run, unread");
        }
    });
    return out;
}

namespace {

// A flow mapping (`{services: {...}}`, JSON) whose own keys, at its first depth, hold `services`.
bool flow_services(std::string_view text) {
    int depth = 0;
    bool key_next = false;  // after `{` or `,` at depth 1
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '[') {
            ++depth;
            key_next = depth == 1;
            continue;
        }
        if (c == '}' || c == ']') {
            if (--depth <= 0) return false;
            continue;
        }
        if (c == ',' && depth == 1) {
            key_next = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (c == '"' || c == '\'') {
            std::size_t close = i + 1;
            while (close < text.size() && text[close] != c) close += text[close] == '\\' && c == '"' ? 2 : 1;
            if (close >= text.size()) return false;
            const std::string_view body = text.substr(i + 1, close - i - 1);
            if (key_next && depth == 1 && body == "services") {
                std::size_t after = text.find_first_not_of(" \t\r\n", close + 1);
                if (after != std::string_view::npos && text[after] == ':') return true;
            }
            key_next = false;
            i = close;
            continue;
        }
        if (key_next && depth == 1 && text.substr(i).starts_with("services")) {
            std::size_t after = text.find_first_not_of(" \t\r\n", i + 8);
            if (after != std::string_view::npos && text[after] == ':') return true;
        }
        key_next = false;
    }
    return false;
}

}  // namespace

bool compose_text_plain(std::string_view text) {
    if (text.find("services") == std::string_view::npos) return false;
    bool found = false;
    each_yaml_line(text, [&](int, std::size_t indent, std::string_view l) {
        if (!found && indent == 0 && l.starts_with("services:")) {
            const std::string_view v = trim_blanks(l.substr(9));
            found = v.empty() || v.front() == '#' || v.front() == '{' || v.front() == '&';
        }
    });
    return found;
}

bool compose_text(std::string_view text) {
    if (text.find("services") == std::string_view::npos) return false;
    if (compose_text_plain(text)) return true;
    // The top-level key as YAML reads it (YAML 1.2: a BOM before the stream, a key quoted or
    // followed by blanks before its `:`, a flow mapping `{services: ...}`, JSON among them; compose-go
    // parses any -f file as YAML, red team R78b B7).
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t line_at = at;
        std::string_view l = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() : nl + 1;
        const bool top = !l.empty() && l.front() != ' ' && l.front() != '\t';
        l = trim_blanks(l);
        if (l.empty() || l.front() == '#' || l == "---" || l.starts_with("%")) continue;
        if (l.front() == '{') return flow_services(text.substr(line_at));
        if (!top) continue;
        std::string_view key = l;
        if (key.front() == '"' || key.front() == '\'') {
            const std::size_t close = key.find(key.front(), 1);
            if (close == std::string_view::npos || key.substr(1, close - 1) != "services") continue;
            key.remove_prefix(close + 1);
        } else if (key.starts_with("services")) {
            key.remove_prefix(8);
        } else {
            continue;
        }
        if (trim_blanks(key).starts_with(':')) return true;
    }
    return false;
}

std::string compose_service_at(std::string_view text, int line) {
    std::string service;
    bool block = false;
    std::size_t service_indent = std::string_view::npos;
    each_yaml_line(text, [&](int n, std::size_t indent, std::string_view l) {
        if (n > line) return;
        if (indent == 0) {
            block = l.starts_with("services:");
            service_indent = std::string_view::npos;
            service.clear();
            return;
        }
        if (!block) return;
        if (service_indent == std::string_view::npos) service_indent = indent;
        if (indent != service_indent) return;
        const std::string_view key = l.substr(0, l.find(':'));
        const bool plain = !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        });
        service = plain && l.find(':') != std::string_view::npos ? std::string(key) : std::string();
    });
    return service;
}

}  // namespace pgfence::analyze::tools
