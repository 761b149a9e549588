#include "analyze/tool_order.hpp"

#include <algorithm>
#include <fstream>

#include "analyze/path_parts.hpp"
#include "analyze/tool_markers.hpp"

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

}  // namespace

bool name_before(std::string_view a, std::string_view b) { return path_name(a) < path_name(b); }

std::string tool_of_file_on_disk(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::string text(64 * 1024, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (goose_file(text)) return "goose";
    if (dbmate_file(text)) return "dbmate";
    return {};
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
            disagree = starts_with_digit(path_name(f[i - 1])) && starts_with_digit(path_name(f[i])) && name_before(f[i], f[i - 1]);
        }
        if (!disagree) continue;
        std::string tool;
        for (std::size_t i = b; i < e && tool.empty(); ++i) {
            if (script_file(f[i])) tool = "knex";
            else if (tool_of && f[i].ends_with(".sql")) tool = tool_of(f[i]);
        }
        // knex sorts the file names of its folder (fs-migrations.js getMigrations: sortBy(migrations,
        // 'file')); dbmate sorts by file name too (amacneil/dbmate pkg/dbmate/db.go FindMigrations:
        // sort.Slice by FileName). goose, Flyway, golang-migrate and sqlx compare numbers.
        if (tool == "knex" || tool == "dbmate") {
            std::stable_sort(f.begin() + static_cast<std::ptrdiff_t>(b), f.begin() + static_cast<std::ptrdiff_t>(e),
                             [](const std::string& x, const std::string& y) { return name_before(x, y); });
        } else if (tool.empty()) {
            out.assumed.push_back("the files of " + std::string(set_folder(f[b])) +
                                  " are in another order by version number than by name, and no file says which tool runs them: "
                                  "read in version order (goose, Flyway, golang-migrate, sqlx); knex and dbmate run them by name");
        }
    }
    return out;
}

}  // namespace pgfence::analyze
