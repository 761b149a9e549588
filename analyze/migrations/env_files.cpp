#include "analyze/migrations/env_files.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/base/yaml_scalar.hpp"
#include "analyze/migrations/compose_files.hpp"
#include "analyze/migrations/container_settings.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace {

constexpr std::size_t k_most_uses = 64;

std::string_view unquoted(std::string_view s) {
    s = trim_blanks(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
    return s;
}


// Adds the file `value` names from `base`; whether it was added (not a variable, inside the
// repository, not named already, under the cap).
bool push(std::vector<EnvFileUse>& out, int line, std::string_view how, std::string_view base, std::string_view value) {
    value = unquoted(value);
    if (value.empty() || value.find_first_of("$`{}") != std::string_view::npos || out.size() >= k_most_uses) return false;
    std::string file = repository_path(base, value);
    if (file.empty()) return false;
    for (const auto& u : out) {
        if (u.file == file) return false;
    }
    out.push_back(EnvFileUse{line, std::string(how), std::move(file), false, {}});
    return true;
}

bool systemd_unit(std::string_view name) { return name.ends_with(".service"); }

bool kustomization(std::string_view name) {
    return name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization";
}

// `--env-file x`, `--env-file=x` on each line of a command file.
void read_env_file_flags(std::string_view text, std::string_view base, std::vector<EnvFileUse>& out) {
    constexpr std::string_view flag = "--env-file";
    each_line(text, [&](int n, std::string_view l) {
        for (std::size_t at = l.find(flag); at != std::string_view::npos; at = l.find(flag, at + 1)) {
            std::size_t v = at + flag.size();
            if (at > 0 && l[at - 1] != ' ' && l[at - 1] != '\t' && l[at - 1] != '"' && l[at - 1] != '\'' && l[at - 1] != '[') continue;
            if (v >= l.size() || (l[v] != ' ' && l[v] != '=' && l[v] != '"' && l[v] != '\'' && l[v] != ',')) continue;
            while (v < l.size() && (l[v] == ' ' || l[v] == '=' || l[v] == '"' || l[v] == '\'' || l[v] == ',')) ++v;
            const std::size_t end = l.find_first_of(" \t\"';&|,]", v);
            push(out, n, "--env-file", base, l.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v));
        }
    });
}

// systemd's EnvironmentFile=[-]path: a relative one from the unit's folder.
void read_unit(std::string_view text, std::string_view base, std::vector<EnvFileUse>& out) {
    each_line(text, [&](int n, std::string_view l) {
        l = trim_blanks(l);
        if (!l.starts_with("EnvironmentFile")) return;
        const std::size_t eq = l.find('=');
        if (eq == std::string_view::npos || trim_blanks(l.substr(0, eq)) != "EnvironmentFile") return;
        std::string_view v = trim_blanks(l.substr(eq + 1));
        if (v.starts_with("-")) v.remove_prefix(1);
        if (v.starts_with("/")) return;
        push(out, n, "EnvironmentFile", base, v);
    });
}

// A kustomization's `envs:` items (a block list or a flow list) and `env: x`.
void read_kustomization(std::string_view text, std::string_view base, std::vector<EnvFileUse>& out) {
    std::size_t list_indent = std::string_view::npos;
    each_yaml_line(text, [&](int n, std::size_t indent, std::string_view l) {
        if (list_indent != std::string_view::npos) {
            if (l.starts_with("- ") && indent >= list_indent) {
                push(out, n, "envs", base, l.substr(2));
                return;
            }
            list_indent = std::string_view::npos;
        }
        if (l.starts_with("- ")) l = trim_blanks(l.substr(2));
        for (std::string_view key : {"envs:", "env:"}) {
            if (!l.starts_with(key)) continue;
            std::string_view v = trim_blanks(l.substr(key.size()));
            if (v.empty()) {
                list_indent = indent;
            } else if (v.front() == '[') {
                v = trim_blanks(v.substr(1, v.find(']') == std::string_view::npos ? std::string_view::npos : v.find(']') - 1));
                while (!v.empty()) {
                    const std::size_t comma = v.find(',');
                    push(out, n, "envs", base, v.substr(0, comma));
                    if (comma == std::string_view::npos) break;
                    v.remove_prefix(comma + 1);
                }
            } else {
                push(out, n, "envs", base, v);
            }
        }
    });
}

// A value as YAML reads it: a quoted one decoded (its escapes: "com\x6don.yml"), any other as written.
std::string yaml_value(std::string_view v) {
    v = trim_blanks(v);
    std::size_t end = 0;
    if (auto s = yaml_quoted(v, end); s && trim_blanks(v.substr(end)).empty()) return *s;
    return std::string(v);
}

// The compose files a compose file's services extend (`extends: {file: x, service: y}`, or `file:`
// in an `extends:` block): compose merges the extended service's env_file into the service
// (compose specification, services.extends), relative to the extending file's folder.
void read_extends(std::string_view text, std::string_view base, std::vector<EnvFileUse>& out) {
    std::size_t block = std::string_view::npos;  // the indent of an `extends:` block being read
    each_yaml_line(text, [&](int n, std::size_t indent, std::string_view l) {
        if (block != std::string_view::npos) {
            if (indent > block) {
                if (l.starts_with("file:")) push(out, n, "extends", base, yaml_value(l.substr(5)));
                return;
            }
            block = std::string_view::npos;
        }
        if (!l.starts_with("extends:")) return;
        std::string_view v = trim_blanks(l.substr(8));
        if (v.empty()) {
            block = indent;
        } else if (v.front() == '{') {
            const std::size_t f = v.find("file:");
            if (f == std::string_view::npos) return;
            v = v.substr(f + 5);
            push(out, n, "extends", base, yaml_value(v.substr(0, v.find_first_of(",}"))));
        }
    });
}

// Does `l` hold `word` as a whole word (not part of a longer name)?
bool has_word(std::string_view l, std::string_view word) {
    auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
    for (std::size_t at = l.find(word); at != std::string_view::npos; at = l.find(word, at + 1)) {
        const bool before = at == 0 || !name_char(l[at - 1]);
        const bool after = at + word.size() >= l.size() || !name_char(l[at + word.size()]);
        if (before && after) return true;
    }
    return false;
}

// The keys env_file_uses reads by name and the names below them (extends' file, include's path,
// project_directory, env_file): a quoted spelling of one is not read (red team R74 F2, R75 F4).
bool watched_key(std::string_view key) {
    for (std::string_view k : {"env_file", "extends", "include", "file", "path", "project_directory"}) {
        if (key == k) return true;
    }
    return false;
}

// Whether `x` starts with a quoted key that YAML reads as a watched one ("env\u005ffile",
// 'env_file', "env_\x66ile", decoded as YAML does: base/yaml_scalar.hpp), after `- `, `? `,
// anchors and tags; or with a quoted key that goes on over lines, which an escaped line break can
// join into one.
bool hidden_key_at(std::string_view x) {
    bool explicit_key = false;
    for (bool more = true; more;) {
        x = trim_blanks(x);
        more = false;
        if (x.starts_with("- ") || x == "-" || x.starts_with("? ") || x == "?") {
            explicit_key = explicit_key || x.front() == '?';
            x.remove_prefix(1);
            more = true;
        } else if (x.starts_with("&") || x.starts_with("!")) {
            const std::size_t blank = x.find_first_of(" \t");
            x = blank == std::string_view::npos ? std::string_view() : x.substr(blank);
            more = !x.empty();
        }
    }
    if (x.empty() || (x.front() != '"' && x.front() != '\'')) return false;
    std::size_t end = 0;
    const auto key = yaml_quoted(x, end);
    // Over lines: an explicit key, or one whose escaped line break joins its halves with nothing
    // between (§7.3.1), which a flow mapping takes as its key (libyaml's flow-mapping key).
    if (!key) return explicit_key || (x.front() == '"' && x.ends_with("\\"));
    return (explicit_key || trim_blanks(x.substr(end)).starts_with(":")) && watched_key(*key);
}

// Whether line `l` holds such a key at its start or after a `{`, `[` or `,` of a flow
// collection: at most 64 places a line, so the cost stays linear.
bool hidden_key(std::string_view l) {
    std::size_t at = 0;
    for (int places = 0; places < 64; ++places) {
        if (hidden_key_at(l.substr(at))) return true;
        const std::size_t next = l.find_first_of("{[,", at);
        if (next == std::string_view::npos) return false;
        at = next + 1;
    }
    return false;
}

// Whether `l` holds a tag naming YAML's binary type (`!!binary`, `!<tag:yaml.org,2002:binary>`),
// whose base64 text decodes to any key.
bool binary_tag(std::string_view l) {
    for (std::size_t at = l.find('!'); at != std::string_view::npos; at = l.find('!', at + 1)) {
        if (l.substr(at, l.find_first_of(" \t,]}", at) - at).find("binary") != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

std::vector<std::pair<int, std::string>> compose_env_unread(std::string_view text, std::string_view project) {
    std::vector<std::pair<int, std::string>> out;
    // YAML reads a file that starts with a UTF-16 byte order mark as UTF-16 (YAML 1.2.2 §5.2;
    // go-yaml's reader too), in which no name is spelt in bytes pgfence looks for.
    if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
        out.emplace_back(1, "this compose file is in UTF-16, which pgfence does not read: an env_file it loads may set how its migrations run");
        return out;
    }
    const bool names_include = text.find("include") != std::string_view::npos;
    bool first = true;
    each_yaml_line(text, [&](int n, std::size_t indent, std::string_view l) {
        if (out.size() >= k_most_uses) return;
        const std::size_t before = out.size();
        // R75 F4: a key spelt with YAML's quotes or escapes; a binary key or a %TAG directive, which
        // can spell any name.
        if (hidden_key(l) || l.starts_with("%TAG") || binary_tag(l)) {
            out.emplace_back(n, "this line spells a key with YAML's quotes, escapes or tags (\"env\\u005ffile\" is env_file), which pgfence "
                                "does not read: the file it names may load into the migration tool's environment and set how its "
                                "migrations run, unread");
        }
        // R75 F5: the top-level include spelt otherwise (`include :`, `? include`), merged in (`<<:`), or
        // in a document written as one flow mapping (JSON).
        if (names_include && ((indent == 0 && has_word(l, "include") && !l.starts_with("include:")) ||
                              (indent == 0 && l.starts_with("<<")) || (first && l.starts_with("{")))) {
            out.emplace_back(n, "this line may bring in other compose files (include) in a form pgfence does not read: an env_file "
                                "there may set how migrations run, unread");
        }
        first = false;
        if (out.size() > before + 1) out.resize(before + 1);
        if (out.size() > before) return;
        if (l.starts_with("- ")) l = trim_blanks(l.substr(2));
        if (has_word(l, "env_file")) {
            // A value that ends a flow mapping or goes on in one (`env_file: x}`, `env_file: x,`) is part
            // of a flow collection over lines.
            std::string_view v = trim_blanks(l.substr(std::min<std::size_t>(9, l.size())));
            v = v.substr(0, v.find(" #"));
            const std::string_view rest = v.starts_with("[") && v.find(']') != std::string_view::npos ? v.substr(v.find(']') + 1) : v;
            const bool read = l.starts_with("env_file:") && !v.starts_with("*") && rest.find_first_of("{},") == std::string_view::npos;
            if (!read) {
                out.emplace_back(n, "this line names env_file in a form pgfence does not read (a quoted or complex key, a flow "
                                    "mapping, an alias): the file it loads into the service's environment may set how its "
                                    "migrations run, unread");
            }
        }
        if (has_word(l, "extends")) {
            bool read = false;
            if (l.starts_with("extends:")) {
                const std::string_view v = trim_blanks(l.substr(8));
                const bool flow = !v.empty() && v.front() == '{';
                // A block (`file:` below), a service of the same file, or a flow mapping closed on this line.
                read = v.empty() || (!flow && v.front() != '*' && v.front() != '&' && v.front() != '"' && v.front() != '\'') ||
                       (flow && v.find('}') != std::string_view::npos &&
                        (v.find("file:") != std::string_view::npos || !has_word(v, "file")));
            }
            if (!read) {
                out.emplace_back(n, "this line names extends in a form pgfence does not read (a quoted key, an alias, a flow "
                                    "mapping over lines): the service it extends may load an env_file that sets how its "
                                    "migrations run, unread");
            }
        }
    });
    // An env_file's name spelt with YAML's escapes ("deploy/goose\x2evars").
    if (text.find('\\') != std::string_view::npos) {
        std::set<int> named;
        for (const auto& e : compose_env_files(text, true)) named.insert(e.line);
        for (const auto& o : out) named.erase(o.first);
        each_line(text, [&](int n, std::string_view raw) {
            if (out.size() < 2 * k_most_uses && named.contains(n) && raw.find('\\') != std::string_view::npos) {
                out.emplace_back(n, "this env_file's name is spelt with YAML's escapes, which pgfence does not read: the file it loads "
                                    "may set how the migrations run, unread");
            }
        });
    }
    for (auto& u : compose_includes(text, project).unread) out.push_back(std::move(u));
    return out;
}

std::vector<std::pair<int, std::string>> compose_file_unread(std::string_view path, std::string_view text) {
    if (dotenv_name(path)) return compose_file_variable(text, path_folder(path)).unread;
    if (!compose_command_source(path)) return {};
    const bool from_folder = !runs_from_top(path) || path_folder(path).empty() || path.ends_with(".sh") || path.ends_with(".bash");
    return compose_command_files(text, from_folder ? path_folder(path) : std::string_view()).unread;
}

bool dotenv_name(std::string_view path) {
    const std::string_view name = path_name(path);
    if (!(name == ".env" || name.starts_with(".env.") || (name.size() > 4 && name.ends_with(".env")))) return false;
    for (std::string_view example : {"example", "sample", "template", "dist", "defaults"}) {
        if (name.find(example) != std::string_view::npos) return false;
    }
    return true;
}

bool compose_command_source(std::string_view path) {
    // package.json's scripts, direnv's .envrc and PowerShell scripts run docker compose or set
    // COMPOSE_FILE too (red team R76 E3).
    const std::string_view name = path_name(path);
    return command_file(path) || name == "package.json" || name == ".envrc" || name.ends_with(".ps1");
}

bool env_file_source(std::string_view path) {
    const std::string_view name = path_name(path);
    return compose_name(path) || compose_command_source(path) || systemd_unit(name) || kustomization(name);
}

std::vector<EnvFileUse> env_file_uses(std::string_view path, std::string_view text, bool compose, const std::string* project) {
    std::vector<EnvFileUse> out;
    const std::string_view name = path_name(path);
    const std::string_view folder = path_folder(path);
    if (text.find("env") == std::string_view::npos && text.find("Env") == std::string_view::npos &&
        text.find("extends") == std::string_view::npos && text.find("include") == std::string_view::npos &&
        text.find("COMPOSE_FILE") == std::string_view::npos && text.find("compose") == std::string_view::npos) {
        return out;
    }
    if (compose || compose_name(path)) {
        // Relative to the project folder: the file's own, or the one an include gives it.
        const std::string_view base = project != nullptr ? std::string_view(*project) : folder;
        for (const auto& e : compose_env_files(text, true)) push(out, e.line, "env_file", base, e.value);
        if (text.find("extends") != std::string_view::npos) {
            const std::size_t from = out.size();
            read_extends(text, base, out);
            for (std::size_t i = from; i < out.size(); ++i) {
                out[i].compose = true;
                out[i].project = std::string(path_folder(out[i].file));
            }
        }
        const ComposeFiles included = compose_includes(text, base);
        for (const auto& f : included.files) {
            if (push(out, f.line, "include", "", f.file)) {
                out.back().compose = true;
                out.back().project = f.project;
            }
        }
        for (const auto& f : included.env_files) push(out, f.line, "include env_file", "", f.file);
    }
    if (dotenv_name(path) && text.find("COMPOSE_FILE") != std::string_view::npos) {
        for (const auto& f : compose_file_variable(text, folder).files) {
            if (push(out, f.line, "COMPOSE_FILE", "", f.file)) {
                out.back().compose = true;
                out.back().project = f.project;
            }
        }
    }
    // Where a command runs: a script's folder or the top, a workflow's top (as named_settings_files).
    const bool from_folder = !runs_from_top(path) || folder.empty() || name.ends_with(".sh") || name.ends_with(".bash");
    const bool from_top = runs_from_top(path) && !folder.empty();
    if (command_file(path) && text.find("--env-file") != std::string_view::npos) {
        if (from_folder) read_env_file_flags(text, folder, out);
        if (from_top) read_env_file_flags(text, "", out);
    }
    // `docker compose -f x`, COMPOSE_FILE set in a command file: compose files of the project it runs.
    if (compose_command_source(path) && (text.find("compose") != std::string_view::npos || text.find("COMPOSE_FILE") != std::string_view::npos)) {
        for (const bool top : {false, true}) {
            if (!(top ? from_top : from_folder)) continue;
            const ComposeFiles run = compose_command_files(text, top ? std::string_view() : folder);
            for (const auto& f : run.files) {
                if (push(out, f.line, "docker compose -f", "", f.file)) {
                    out.back().compose = true;
                    out.back().project = f.project;
                }
            }
            // Its own entry, beside the one --env-file above made: read again for COMPOSE_FILE only.
            for (const auto& f : run.env_files) {
                if (out.size() < k_most_uses) out.push_back(EnvFileUse{f.line, "docker compose --env-file", f.file, false, f.project, true});
            }
        }
    }
    if (systemd_unit(name)) read_unit(text, folder, out);
    if (kustomization(name)) read_kustomization(text, folder, out);
    return out;
}

}  // namespace pgfence::analyze::tools
