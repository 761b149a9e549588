#include "analyze/migrations/named_command_files.hpp"

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {

std::string command_view(std::string_view path, CommandKind kind) {
    const std::string_view name = path_name(path);
    switch (kind) {
        case CommandKind::make:
            return make_file_name(name) ? std::string(path) : std::string(path) + ".mk";
        case CommandKind::just:
            return just_file_name(name) ? std::string(path) : std::string(path) + ".just";
        case CommandKind::fly: {
            if (fly_config_name(name)) return std::string(path);
            const std::string_view folder = path_folder(path);
            std::string view = folder.empty() ? std::string() : std::string(folder) + "/";
            view += "fly." + std::string(name);
            if (!fly_config_name(path_name(view))) view += ".toml";
            return view;
        }
        case CommandKind::shell:
            break;
    }
    return command_file(path) ? std::string(path) : std::string(path) + ".sh";
}

namespace {

std::string_view unquote(std::string_view s) {
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) return s.substr(1, s.size() - 2);
    return s;
}

// Dependency files a compiler writes (`gcc -MMD`), which hold prerequisites only: `$(OBJS:.o=.d)`, `$(DEPS)`.
bool dependency_files(std::string_view word) {
    return word.find(".d)") != std::string_view::npos || word.find(".d}") != std::string_view::npos || word.find("DEP") != std::string_view::npos ||
           word.ends_with(".d");
}

}  // namespace

std::vector<IncludedFile> included_files(std::string_view path, std::string_view text, bool make) {
    std::vector<IncludedFile> out;
    const std::string folder(path_folder(path));
    each_line(text, [&](int n, std::string_view l) {
        if (out.size() >= 64 || l.empty() || l.front() == '\t' || l.front() == '#') return;
        l = trim_blanks(l);
        if (make) {
            // GNU make manual, "Including Other Makefiles": `include FILENAMES...`, `-include` and
            // `sinclude` (no error when a file is missing); names relative to the folder make runs in:
            // here the Makefile's own (deploy_commands.cpp and shell_scripts.cpp try the top too).
            std::string_view rest;
            for (std::string_view k : {"include ", "-include ", "sinclude "}) {
                if (l.starts_with(k)) rest = l.substr(k.size());
            }
            if (rest.empty()) return;
            if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
            for (std::size_t w = 0; w < rest.size() && out.size() < 64;) {
                while (w < rest.size() && (rest[w] == ' ' || rest[w] == '\t')) ++w;
                std::size_t e = w;
                int depth = 0;
                while (e < rest.size() && (depth > 0 || (rest[e] != ' ' && rest[e] != '\t'))) {
                    if (rest[e] == '(' || rest[e] == '{') ++depth;
                    if ((rest[e] == ')' || rest[e] == '}') && depth > 0) --depth;
                    ++e;
                }
                const std::string_view word = rest.substr(w, e - w);
                w = e;
                if (word.empty()) continue;
                if (word.find_first_of("$`*?") != std::string_view::npos) {
                    if (!dependency_files(word)) out.push_back(IncludedFile{n, "", std::string(word), ""});
                    continue;
                }
                const std::string file = repository_path(folder, word);
                out.push_back(IncludedFile{n, file, std::string(word), ""});
            }
            return;
        }
        // just manual, "Imports": `import 'path'`, `import? 'path'` (optional), relative to the
        // justfile's folder; "Modules": `mod name`, `mod? name`, `mod name 'path'`; a module
        // without a path is name.just, name/mod.just, name/justfile or name/.justfile.
        if (l.starts_with("import ") || l.starts_with("import? ")) {
            const std::string_view word = unquote(trim_blanks(l.substr(l.find(' ') + 1)));
            if (word.empty()) return;
            if (word.find_first_of("{}$`") != std::string_view::npos || word.starts_with("~")) {
                out.push_back(IncludedFile{n, "", std::string(word), ""});
                return;
            }
            out.push_back(IncludedFile{n, repository_path(folder, word), std::string(word), ""});
        } else if (l.starts_with("mod ") || l.starts_with("mod? ")) {
            std::string_view rest = trim_blanks(l.substr(l.find(' ') + 1));
            const std::size_t space = rest.find_first_of(" \t");
            const std::string module(rest.substr(0, space));
            const std::string_view word = space == std::string_view::npos ? std::string_view() : unquote(trim_blanks(rest.substr(space)));
            if (module.empty() || module.find_first_of("{}$`'\"") != std::string::npos) return;
            if (!word.empty()) {
                if (word.find_first_of("{}$`") != std::string_view::npos || word.starts_with("~")) {
                    out.push_back(IncludedFile{n, "", std::string(word), module});
                } else {
                    out.push_back(IncludedFile{n, repository_path(folder, word), std::string(word), module});
                }
                return;
            }
            // The first that exists is read: listed in just's order, the reader takes the first it finds.
            for (const std::string& candidate : {module + ".just", module + "/mod.just", module + "/justfile", module + "/.justfile"}) {
                if (out.size() < 64) out.push_back(IncludedFile{n, repository_path(folder, candidate), candidate, module});
            }
        }
    });
    return out;
}

std::vector<CommandFileNamed> files_named(const std::vector<std::string>& wrapped, std::string_view base) {
    std::vector<CommandFileNamed> out;
    const std::vector<std::string> words = deploy_detail::unwrap(wrapped).words;
    std::size_t k = 0;
    while (k < words.size() && (words[k] == "-" || words[k].ends_with(":") || words[k] == "RUN" || words[k] == "sudo" ||
                                (words[k].find('=') != std::string::npos && !words[k].starts_with("-")))) {
        ++k;
    }
    if (k >= words.size()) return out;
    const std::string_view program = path_name(words[k]);
    CommandKind kind;
    if (program == "make" || program == "gmake") kind = CommandKind::make;
    else if (program == "just") kind = CommandKind::just;
    else if (program == "fly" || program == "flyctl") kind = CommandKind::fly;
    else return out;
    std::string folder(base);
    bool deploy = kind != CommandKind::fly;
    for (++k; k < words.size() && out.size() < 16; ++k) {
        const std::string& w = words[k];
        if (kind == CommandKind::fly && w == "deploy") deploy = true;
        std::string value;
        bool named = false;
        for (std::string_view flag : kind == CommandKind::make ? std::vector<std::string_view>{"-f", "--file", "--makefile"}
                                     : kind == CommandKind::just ? std::vector<std::string_view>{"-f", "--justfile"}
                                                                 : std::vector<std::string_view>{"-c", "--config"}) {
            if (w == flag && k + 1 < words.size()) {
                value = words[++k];
                named = true;
            } else if (flag.starts_with("--") && w.starts_with(std::string(flag) + "=")) {
                value = w.substr(flag.size() + 1);
                named = true;
            }
        }
        if ((w == "-C" || w == "--directory" || w == "--working-directory" || w == "-d") && kind != CommandKind::fly && k + 1 < words.size()) {
            const std::string& d = words[++k];
            folder = d.find_first_of("$`") != std::string::npos ? std::string() : repository_path(folder, d);
            continue;
        }
        if (!named || value.empty()) continue;
        if (value.find_first_of("$`{") != std::string::npos) {
            out.push_back(CommandFileNamed{"", value, kind});
        } else if (!value.starts_with("/") && !value.starts_with("~")) {
            out.push_back(CommandFileNamed{repository_path(folder, value), value, kind});
        }
    }
    if (!deploy) out.clear();
    return out;
}

}  // namespace pgfence::analyze::tools
