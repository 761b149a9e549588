#include "analyze/migrations/tool_order.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/tool_markers.hpp"
#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/folder_tool.hpp"
#include "analyze/migrations/tool_dirs.hpp"

namespace pgfence::analyze {
namespace {

// knex's own loadExtensions (knex/knex lib/migrations/migrate/sources/fs-migrations.js
// DEFAULT_LOAD_EXTENSIONS) and .ts/.mjs: files a JavaScript tool loads.
bool script_file(std::string_view path) {
    for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".coffee", ".co", ".eg", ".iced", ".litcoffee", ".ls"}) {
        if (path.ends_with(ext)) return true;
    }
    return false;
}

bool starts_with_digit(std::string_view name) { return !name.empty() && name[0] >= '0' && name[0] <= '9'; }

// The version a name starts with, its leading zeros dropped: 000001_a.up.sql and 1_a.down.sql
// are one version, whose up and down files sort by name in either order.
std::string_view leading_version(std::string_view name) {
    std::size_t end = 0;
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    std::size_t start = 0;
    while (start + 1 < end && name[start] == '0') ++start;
    return name.substr(start, end - start);
}

}  // namespace

bool name_before(std::string_view a, std::string_view b) { return path_name(a) < path_name(b); }

namespace {

std::optional<std::string> read_head(const std::string& path, std::size_t most);

std::string script_tool(const std::string& path, const tools::ReadFile& read);

}  // namespace

std::string tool_of_file(const std::string& path, const tools::ReadFile& read) {
    if (script_file(path)) return script_tool(path, read);
    auto text = read(path);
    if (!text) return {};
    if (goose_file(*text)) return "goose";
    if (dbmate_file(*text)) return "dbmate";
    return {};
}

namespace {

std::optional<std::string> read_head(const std::string& path, std::size_t most) {
    std::error_code ec;
    if (std::filesystem::is_symlink(path, ec) || !std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    // In pieces up to `most`: a buffer of `most` zeroed first cost a megabyte of memset per
    // file asked about, most of them a few KB.
    std::string text;
    char piece[64 * 1024];
    while (text.size() < most) {
        in.read(piece, static_cast<std::streamsize>(std::min(sizeof piece, most - text.size())));
        text.append(piece, static_cast<std::size_t>(in.gcount()));
        if (!in) break;
    }
    return text;
}

std::string join(std::string_view dir, std::string_view file) {
    return dir.empty() ? std::string(file) : std::string(dir) + "/" + std::string(file);
}

// The JavaScript tool whose settings beside the folder or above it name it: knex (a knexfile's
// migrations.directory, default ./migrations, as tools/tool_dirs.cpp reads it),
// sequelize (.sequelizerc), node-pg-migrate (tools/folder_tool.hpp).
std::string script_tool(const std::string& path, const tools::ReadFile& read) {
    const std::string folder = std::filesystem::path(std::string(path_folder(path))).lexically_normal().generic_string();
    std::string dir = folder;
    for (int up = 0; up < 5; ++up) {
        for (const char* name : {"knexfile.js", "knexfile.ts", "knexfile.cjs", "knexfile.mjs", ".sequelizerc"}) {
            auto text = read(join(dir, name));
            if (!text) continue;
            const std::string tool = std::string_view(name) == ".sequelizerc" ? "sequelize" : "knex";
            const auto dirs = tools::read_tool_dirs(name, *text);
            bool named = false;
            for (const auto& d : dirs) {
                if (d.tool != tool || !d.unknown.empty()) continue;
                named = true;
                if (std::filesystem::path(join(dir, d.folder)).lexically_normal().generic_string() == folder) return tool;
            }
            if (!named && std::filesystem::path(join(dir, "migrations")).lexically_normal().generic_string() == folder) return tool;
        }
        if (dir.empty() || dir == "/" || dir == ".") break;
        dir = std::string(path_folder(dir));
    }
    std::string why;
    return tools::folder_tool(path, read, why);
}

}  // namespace

std::string tool_of_file_on_disk(const std::string& path) {
    return tool_of_file(path, [](const std::string& file) { return read_head(file, tools::k_most_settings_bytes); });
}

ToolOrdered group_in_tool_order(const std::vector<std::string>& files, const FileTool& tool_of) {
    ToolOrdered out;
    out.sets = group_migration_sets(files);
    auto& f = out.sets.files;
    const auto& set_of = out.sets.set_of;
    for (std::size_t b = 0, e = 0; b < f.size(); b = e) {
        for (e = b + 1; e < f.size() && set_of[e] == set_of[b];) ++e;
        // Only names that start with their version: the two orders differ on them alone.
        bool disagree = false;
        for (std::size_t i = b + 1; i < e && !disagree; ++i) {
            const auto a = path_name(f[i - 1]), b2 = path_name(f[i]);
            disagree = starts_with_digit(a) && starts_with_digit(b2) && leading_version(a) != leading_version(b2) &&
                       name_before(f[i], f[i - 1]);
        }
        if (!disagree) continue;
        std::string tool;
        for (std::size_t i = b; i < e && tool.empty(); ++i) {
            if (tool_of && (f[i].ends_with(".sql") || script_file(f[i]))) tool = tool_of(f[i]);
        }
        // knex sorts the file names of its folder (fs-migrations.js getMigrations: sortBy(migrations,
        // 'file')); sequelize-cli's umzug too (sequelize/umzug src/index.js _findMigrations: sort by
        // a.file > b.file); dbmate by file name (amacneil/dbmate pkg/dbmate/db.go FindMigrations:
        // sort.Slice by FileName). goose, Flyway, golang-migrate, sqlx and node-pg-migrate
        // (src/migration.ts compareFileNamesByTimestamp: the numeric prefix) compare numbers.
        if (tool == "knex" || tool == "sequelize" || tool == "dbmate") {
            std::stable_sort(f.begin() + static_cast<std::ptrdiff_t>(b), f.begin() + static_cast<std::ptrdiff_t>(e),
                             [](const std::string& x, const std::string& y) { return name_before(x, y); });
        } else if (tool.empty()) {
            const auto folder = set_folder(f[b]);
            out.assumed.push_back("the files in " + (folder.empty() ? std::string("the top folder") : std::string(folder) + "/") +
                                  " are in another order by version number than by name, and no file says which tool runs them: "
                                  "read in version order (goose, Flyway, golang-migrate, sqlx, node-pg-migrate); knex, sequelize and dbmate run them by name");
        }
    }
    return out;
}

}  // namespace pgfence::analyze
