#include "analyze/migrations/shell_folder.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/deploy_packages.hpp"
#include "analyze/migrations/deploy_scripts.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools::deploy_detail {

bool shell_text(std::string_view path, std::string_view text) {
    const std::string_view first_line = text.substr(0, text.find('\n'));
    const std::string_view ext = path_name(path).rfind('.') == std::string_view::npos ? std::string_view() : path_name(path).substr(path_name(path).rfind('.'));
    return (ext.empty() || ext == ".sh" || ext == ".bash" || ext == ".zsh" || ext == ".ksh" || ext == ".bats" || ext == ".command" || ext == ".run") &&
           !(first_line.starts_with("#!") && (first_line.find("node") != std::string_view::npos || first_line.find("python") != std::string_view::npos ||
                                              first_line.find("ruby") != std::string_view::npos || first_line.find("perl") != std::string_view::npos ||
                                              first_line.find("deno") != std::string_view::npos || first_line.find("bun") != std::string_view::npos ||
                                              first_line.find("php") != std::string_view::npos));
}

namespace {

std::string_view trim_front(std::string_view line) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    return line;
}

}  // namespace

bool function_opener(std::string_view line) {
    const std::string_view trimmed = trim_front(line);
    const std::size_t paren = trimmed.find("()");
    return trimmed.starts_with("function ") ||
           (paren != std::string_view::npos && paren > 0 &&
            std::all_of(trimmed.begin(), trimmed.begin() + static_cast<std::ptrdiff_t>(paren), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '-' || ch == ':' || ch == '.' || ch == ' ';
            }));
}

void brace_block(std::string_view line, bool function, int& block, std::optional<std::string>& entry, std::optional<std::string>& here) {
    if (function) {
        if (block++ == 0) entry = here;
    } else if (block > 0 && trim_front(line).starts_with("}")) {
        if (--block == 0 && here != entry) here.reset();
    }
}

std::string with_tracked_dirs(std::string_view line, std::string_view path, std::vector<std::pair<std::string, std::string>>& dirs, bool in_block) {
    const auto dir = in_block ? std::nullopt : own_dir_assignment(line, path, dirs);
    std::erase_if(dirs, [&](const auto& d) { return bare_mention(line, d.first); });
    if (dir && dirs.size() < 16) dirs.emplace_back(*dir);
    return with_own_dirs(line, dirs, path);
}

void shell_block(std::string_view command, int& block, std::optional<std::string>& entry, std::optional<std::string>& here) {
    static const std::set<std::string_view> k_opens = {"if", "case", "for", "while", "until", "select"};
    static const std::set<std::string_view> k_closes = {"fi", "esac", "done"};
    if (k_opens.contains(command)) {
        if (block++ == 0) entry = here;
    } else if (k_closes.contains(command) && block > 0) {
        if (--block == 0 && here != entry) here.reset();
    }
}

std::optional<std::string> cd_folder(std::string_view to, const std::optional<std::string>& here, std::string_view base, bool workdir,
                                     const ReadFile& read) {
    if (to.starts_with(k_from_top)) return from_top_path(to);
    if (!to.starts_with("/")) return here ? join_folder(*here, to) : std::nullopt;
    // An image's absolute path (`cd /app/services/worker`): the repository's folder it ends with,
    // the first that holds a package.json; none is unknown (a Dockerfile's WORKDIR: the build's
    // context, which `COPY . .` puts there).
    std::optional<std::string> found;
    for (std::size_t slash = to.find('/', 1); slash != std::string_view::npos && !found && read; slash = to.find('/', slash + 1)) {
        const std::string_view tail = to.substr(slash + 1);
        if (tail.find_first_of("$`") != std::string_view::npos) continue;  // `/home/$user/packages/server`: its literal end
        if (const auto f = join_folder("", tail); f && !f->empty() && read(*f + "/package.json")) found = f;
    }
    return found ? found : workdir ? std::optional<std::string>(base) : std::nullopt;
}

bool folder_command(const std::vector<std::string>& words, std::size_t c, std::optional<std::string>& here, std::string_view base, bool dockerfile,
                    const ReadFile& read) {
    const std::string& command = words[c];
    if (command == "popd" || ((command == "cd" || command == "pushd") && (c + 1 >= words.size() || words[c + 1] == "-" || words[c + 1].starts_with("~")))) {
        here.reset();
        return true;
    }
    if (c + 1 >= words.size() || !(command == "cd" || command == "pushd" || (dockerfile && command == "WORKDIR"))) return false;
    std::size_t a = c + 1;
    while (a + 1 < words.size() && (words[a] == "-P" || words[a] == "-L" || words[a] == "-e" || words[a] == "--")) ++a;
    here = cd_folder(words[a], here, base, command == "WORKDIR", read);
    return true;
}

void sourced_script(std::string_view script, std::optional<std::string>& here, std::vector<std::pair<std::string, std::string>>& own_dirs,
                    std::size_t& reads, const ReadFile& read) {
    const auto top = from_top_path(script);
    const std::string file = top ? *top : repository_path(here.value_or(""), script);
    const auto text = file.empty() || reads++ >= 64 ? std::nullopt : read(file);
    if (!text) {  // past 64, or not read: nothing it may set is known
        own_dirs.clear();
        here.reset();
        return;
    }
    std::erase_if(own_dirs, [&](const auto& d) { return bare_mention(*text, d.first); });
    if (text->find("cd ") != std::string::npos || text->find("pushd") != std::string::npos) here.reset();
}

bool shell_word(std::string_view line, std::string_view word, bool shell) {
    const std::string_view t = trim_front(line);
    if (!shell || t.starts_with("#")) return false;
    const std::size_t at = line.find(word);
    if (at == std::string_view::npos) return true;
    const std::string_view before = line.substr(0, at);
    if (!before.empty() && (before.back() == '"' || before.back() == '\'')) return true;  // the whole quoted word: `"$KNEX" migrate:up`
    return std::count(before.begin(), before.end(), '\'') % 2 == 0 && std::count(before.begin(), before.end(), '"') % 2 == 0;
}

}  // namespace pgfence::analyze::tools::deploy_detail
