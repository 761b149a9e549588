#include "analyze/migrations/shell_scripts.hpp"

#include <algorithm>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/named_command_files.hpp"
#include "analyze/migrations/psql_files.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace {

bool shell_word(std::string_view w) {
    return w == "sh" || w == "bash" || w == "dash" || w == "zsh" || w == "ksh" || w == "source" || w == ".";
}

}  // namespace

bool shell_shebang(std::string_view text) {
    if (!text.starts_with("#!")) return false;
    std::string_view first = text.substr(2, text.find('\n') == std::string_view::npos ? std::string_view::npos : text.find('\n') - 2);
    if (first.ends_with('\r')) first.remove_suffix(1);
    // The program, or env's first word that is no option (`/usr/bin/env -S bash -e`).
    std::size_t at = 0;
    bool env = false;
    while (at < first.size()) {
        while (at < first.size() && (first[at] == ' ' || first[at] == '\t')) ++at;
        const std::size_t end = std::min(first.find_first_of(" \t", at), first.size());
        const std::string_view word = first.substr(at, end - at);
        at = end;
        if (word.empty()) break;
        const std::string_view name = path_name(word);
        if (!env && name == "env") {
            env = true;
            continue;
        }
        if (env && word.starts_with("-")) continue;
        return name == "sh" || name == "bash" || name == "dash" || name == "zsh" || name == "ksh";
    }
    return false;
}

std::string shell_view(std::string_view path) { return command_file(path) ? std::string(path) : std::string(path) + ".sh"; }

std::vector<ScriptRunByName> shell_scripts_run(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ScriptRunByName> out;
    const std::string_view name = path_name(path);
    if (!command_file(path) || name == "Tiltfile") return out;
    const bool yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    // Where the lines run, as scripts_run_by_name says: a workflow's from the top, a script's from its folder.
    const std::string base = runs_from_top(path) && !name.ends_with(".sh") && !name.ends_with(".bash") ? std::string() : std::string(path_folder(path));
    std::set<std::string> seen;
    // The files it names as make's, just's or flyctl's (named_command_files.hpp, red team R89 F1, F2):
    // read under command_view's name. A `mod`'s candidates: those that exist.
    auto named = [&](int line, const std::string& file, CommandKind kind) {
        if (file.empty() || seen.contains(file) || out.size() >= deploy_detail::k_most_scripts) return;
        const std::string view = command_view(file, kind);
        if (view == file && command_file(file)) return;  // read by its own name already
        if (read && !read(file)) return;
        seen.insert(file);
        out.push_back(ScriptRunByName{line, file, view});
    };
    if (make_file_name(name) || just_file_name(name)) {
        for (const auto& inc : included_files(path, text, make_file_name(name))) {
            const CommandKind kind = make_file_name(name) ? CommandKind::make : CommandKind::just;
            named(inc.line, inc.path, kind);
            // make reads an include from where it runs: the top, for a `make -f sub/x.mk` run there.
            if (kind == CommandKind::make && !inc.path.empty()) named(inc.line, repository_path("", inc.word), kind);
        }
    }
    for (const auto& l : logical_lines(text, yaml)) {
        if (out.size() >= deploy_detail::k_most_scripts) break;
        for (const auto& words : deploy_detail::simple_commands(l.text)) {
            for (const auto& f : files_named(words, base)) named(l.number, f.path, f.kind);
            const std::string w = deploy_detail::script_word(words);
            if (w.empty() || w.find_first_of("$`*") != std::string::npos || w.starts_with("/") || w.starts_with("~")) continue;
            std::string file = repository_path(base, w);
            if (file.empty() || command_file(file) || seen.contains(file)) continue;
            // How it is run: the word before it (a shell, `.`, `source`), or none (it is the command).
            const std::vector<std::string> u = deploy_detail::unwrap(words).words;
            const auto at = std::find(u.begin(), u.end(), w);
            if (at == u.end()) continue;
            std::string_view before;
            for (auto it = at; it != u.begin();) {
                --it;
                if (it->starts_with("-") || *it == "<") continue;
                before = *it;
                break;
            }
            bool shell = shell_word(before);
            if (!shell) {
                // Run by its path: a YAML key, a list item, RUN, an assignment or a wrapper before it, no interpreter.
                const bool command = before.empty() || before.ends_with(":") || before == "-" || before == "RUN" || before == "sudo" ||
                                     before == "exec" || before == "env" || before == "time" || before == "nohup" || before == "command" ||
                                     before.find('=') != std::string_view::npos;
                if (!command || !read) continue;
                const auto body = read(file);
                if (!body || body->find('\0') != std::string::npos) continue;
                shell = body->starts_with("#!") ? shell_shebang(*body) : true;
            }
            if (!shell) continue;
            seen.insert(file);
            out.push_back(ScriptRunByName{l.number, std::move(file), {}});
            if (out.size() >= deploy_detail::k_most_scripts) break;
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
