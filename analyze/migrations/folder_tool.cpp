#include "analyze/migrations/folder_tool.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string join(std::string_view dir, std::string_view file) {
    return dir.empty() ? std::string(file) : std::string(dir) + "/" + std::string(file);
}

// "a/./b/../c" -> "a/c"; "" for the top. Folders from settings are relative and never above the top.
std::string normal(std::string_view path) {
    const bool absolute = path.starts_with('/');
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        std::size_t slash = path.find('/');
        std::string_view part = path.substr(0, slash);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    std::string out = absolute ? "/" : "";
    for (auto p : parts) out += (out.empty() || out == "/" ? "" : "/") + std::string(p);
    return out;
}

// A dependency key `"node-pg-migrate": ...` or a script running `node-pg-migrate ...`.
bool node_pg_migrate_named(std::string_view text) {
    constexpr std::string_view k_name = "node-pg-migrate";
    for (std::size_t at = text.find(k_name); at != std::string_view::npos; at = text.find(k_name, at + 1)) {
        std::size_t end = at + k_name.size();
        // Its other bin names, node-pg-migrate-cjs and -esm (package.json `bin`; red team R81a B3).
        if (text.substr(end).starts_with("-cjs") || text.substr(end).starts_with("-esm")) end += 4;
        if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '-' || text[at - 1] == '/' || text[at - 1] == '@')) continue;
        if (end < text.size() && text[end] == ' ') return true;  // a command line
        if (at > 0 && text[at - 1] == '"' && end < text.size() && text[end] == '"') {
            std::size_t next = text.find_first_not_of(" \t\r\n", end + 1);
            if (next != std::string_view::npos && text[next] == ':') return true;  // a dependency
        }
    }
    return false;
}

bool known_tool(std::string_view tool) { return tool == "node-pg-migrate" || tool == "dbmate" || tool == "goose"; }

}  // namespace

std::string folder_tool(std::string_view path, const ReadFile& read, std::string& why) {
    const std::string folder = normal(path_folder(path));
    std::vector<std::pair<std::string, std::string>> said;  // tool, where
    auto say = [&](std::string tool, std::string where) {
        for (const auto& s : said) {
            if (s.first == tool) return;
        }
        said.emplace_back(std::move(tool), std::move(where));
    };
    // The supabase CLI reads its migrations from supabase/migrations beside supabase/config.toml
    // and runs each file whole (supabase/cli pkg/migration/file.go NewMigrationFromFile: the
    // file's statements, split by its own parser, all sent; no up/down markers).
    if (path_name(folder) == "migrations" && path_name(path_folder(folder)) == "supabase") {
        const std::string config = join(path_folder(folder), "config.toml");
        if (read(config)) say("supabase", config);
    }
    // The settings files of the folder and of up to four folders above it that name it.
    std::string_view dir = folder;
    for (int up = 0; up < 5; ++up) {
        for (const char* name : {"package.json", ".env", "knexfile.js", "knexfile.ts", "Makefile", "justfile"}) {
            const std::string settings = join(dir, name);
            auto text = read(settings);
            if (!text) continue;
            bool npm_folder_named = false;
            for (const auto& d : read_tool_dirs(name, *text)) {
                if (!known_tool(d.tool)) continue;
                if (d.tool == "node-pg-migrate") npm_folder_named = true;
                if (d.unknown.empty() && normal(join(dir, d.folder)) == folder) say(d.tool, settings + ":" + std::to_string(d.line));
            }
            // A package.json that depends on node-pg-migrate or runs it without naming a folder:
            // its default, `migrations` where npm runs it (salsita/node-pg-migrate
            // bin/node-pg-migrate.ts: migrationsDir defaults to join(cwd(), 'migrations')).
            if (std::string_view(name) == "package.json" && !npm_folder_named && node_pg_migrate_named(*text) &&
                normal(join(dir, "migrations")) == folder) {
                say("node-pg-migrate", settings);
            }
        }
        if (dir.empty()) break;
        dir = path_folder(dir);
    }
    if (said.size() == 1) {
        why = said[0].first + " runs this folder (" + said[0].second + ")";
        return said[0].first;
    }
    if (!said.empty()) {
        why = std::string(k_several_tools);
        for (const auto& s : said) why += " " + s.first + " (" + s.second + ")";
    }
    return {};
}

bool down_pair(std::string_view path, const ReadFile& read) {
    // golang-migrate's names, `^([0-9]+)_(.*)\.(down|up)\.(.*)$` (source/parse.go): the up half is
    // the same name with `.up.` (the version alone pairs them there, the same name is the usual
    // and the narrower reading: another name reads the down file as an up one).
    const std::string_view name = path_name(path);
    const std::size_t at = name.rfind(".down.");
    if (at == std::string_view::npos) return false;
    const std::string up = join(path_folder(path), std::string(name.substr(0, at)) + ".up." + std::string(name.substr(at + 6)));
    return read && read(up).has_value();
}

std::string folder_tool_metadata(std::string_view path, const ReadFile& read) {
    std::string why;
    std::string tool = folder_tool(path, read, why);
    if (tool.empty() && why.empty()) return {};
    return std::string(k_folder_tool) + tool + "\n" + why;
}

std::string_view unpack_folder_tool(std::string_view metadata, std::string_view* why) {
    if (!metadata.starts_with(k_folder_tool)) return {};
    metadata.remove_prefix(k_folder_tool.size());
    std::size_t nl = metadata.find('\n');
    if (why) *why = nl == std::string_view::npos ? std::string_view() : metadata.substr(nl + 1);
    return metadata.substr(0, nl);
}

}  // namespace pgfence::analyze::tools
