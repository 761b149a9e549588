#include "analyze/migrations/env_files.hpp"

#include <cctype>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
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


void push(std::vector<EnvFileUse>& out, int line, std::string_view how, std::string_view base, std::string_view value) {
    value = unquoted(value);
    if (value.empty() || value.find_first_of("$`{}") != std::string_view::npos || out.size() >= k_most_uses) return;
    std::string file = repository_path(base, value);
    if (file.empty()) return;
    for (const auto& u : out) {
        if (u.file == file) return;
    }
    out.push_back(EnvFileUse{line, std::string(how), std::move(file)});
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
    each_line(text, [&](int n, std::string_view raw) {
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        std::string_view l = trim_blanks(raw.substr(indent));
        if (l.starts_with("#")) return;
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

// The compose files a compose file's services extend (`extends: {file: x, service: y}`, or `file:`
// in an `extends:` block): compose merges the extended service's env_file into the service
// (compose specification, services.extends), relative to the extending file's folder.
void read_extends(std::string_view text, std::string_view base, std::vector<EnvFileUse>& out) {
    std::size_t block = std::string_view::npos;  // the indent of an `extends:` block being read
    each_line(text, [&](int n, std::string_view raw) {
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        std::string_view l = trim_blanks(raw.substr(indent));
        if (l.starts_with("#")) return;
        if (block != std::string_view::npos) {
            if (indent > block) {
                if (l.starts_with("file:")) push(out, n, "extends", base, l.substr(5));
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
            push(out, n, "extends", base, v.substr(0, v.find_first_of(",}")));
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

}  // namespace

std::vector<std::pair<int, std::string>> compose_env_unread(std::string_view text) {
    std::vector<std::pair<int, std::string>> out;
    if (text.find("env_file") == std::string_view::npos && text.find("extends") == std::string_view::npos) return out;
    each_line(text, [&](int n, std::string_view raw) {
        std::string_view l = trim_blanks(raw);
        if (l.empty() || l.front() == '#' || out.size() >= k_most_uses) return;
        if (l.starts_with("- ")) l = trim_blanks(l.substr(2));
        if (has_word(l, "env_file")) {
            const bool read = l.starts_with("env_file:") && !trim_blanks(l.substr(9)).starts_with("*");
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
    return out;
}

bool dotenv_name(std::string_view path) {
    const std::string_view name = path_name(path);
    if (!(name == ".env" || name.starts_with(".env.") || (name.size() > 4 && name.ends_with(".env")))) return false;
    for (std::string_view example : {"example", "sample", "template", "dist", "defaults"}) {
        if (name.find(example) != std::string_view::npos) return false;
    }
    return true;
}

bool env_file_source(std::string_view path) {
    const std::string_view name = path_name(path);
    return compose_name(path) || command_file(path) || systemd_unit(name) || kustomization(name);
}

std::vector<EnvFileUse> env_file_uses(std::string_view path, std::string_view text, bool compose) {
    std::vector<EnvFileUse> out;
    const std::string_view name = path_name(path);
    const std::string_view folder = path_folder(path);
    if (text.find("env") == std::string_view::npos && text.find("Env") == std::string_view::npos &&
        text.find("extends") == std::string_view::npos) {
        return out;
    }
    if (compose || compose_name(path)) {
        for (const auto& e : compose_env_files(text, true)) push(out, e.line, "env_file", folder, e.value);
        if (text.find("extends") != std::string_view::npos) read_extends(text, folder, out);
    }
    if (command_file(path) && text.find("--env-file") != std::string_view::npos) {
        // Where the command runs: a script's folder or the top, a workflow's top (as named_settings_files).
        if (!runs_from_top(path) || folder.empty() || name.ends_with(".sh") || name.ends_with(".bash")) read_env_file_flags(text, folder, out);
        if (runs_from_top(path) && !folder.empty()) read_env_file_flags(text, "", out);
    }
    if (systemd_unit(name)) read_unit(text, folder, out);
    if (kustomization(name)) read_kustomization(text, folder, out);
    return out;
}

}  // namespace pgfence::analyze::tools
