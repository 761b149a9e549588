#include "analyze/migrations/manual_scripts.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string_view>

#include "analyze/base/regular_file.hpp"

namespace pgfence::analyze::tools {
namespace {

namespace fs = std::filesystem;

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The line of the first comment that is only a PostgreSQL name and of the first that is only
// another database's (`-- MySQL`, `-- SQLite`), 0 where none.
std::pair<int, int> dialect_sections(std::string_view text) {
    static const std::set<std::string, std::less<>> k_other = {"mysql", "mariadb", "sqlite", "clickhouse", "sql server", "mssql",
                                                               "oracle", "cockroachdb"};
    int postgres = 0, other = 0, line = 0;
    std::size_t at = 0;
    while (at < text.size() && (postgres == 0 || other == 0)) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view l = text.substr(at, end - at);
        at = end + 1;
        ++line;
        if (!l.starts_with("--")) continue;
        while (!l.empty() && (l.front() == '-' || l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        while (!l.empty() && (l.back() == '-' || l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
        const std::string name = lowered(l);
        if (postgres == 0 && (name == "postgresql" || name == "postgres")) postgres = line;
        if (other == 0 && k_other.contains(name)) other = line;
    }
    return {postgres, other};
}

// Another tool's name for a migration: a version first (goose, dbmate, golang-migrate,
// node-pg-migrate: digits; Flyway: V, U or R then a digit) or its markers in the text.
bool another_tools(std::string_view name, std::string_view text) {
    if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) return true;
    if (name.size() > 1 && std::string_view("VvUuRr").find(name[0]) != std::string_view::npos &&
        std::isdigit(static_cast<unsigned char>(name[1]))) {
        return true;
    }
    for (std::string_view marker : {"-- migrate:", "-- +goose", "-- +migrate", "--! Previous", "-- Deploy ", "-- Revert "}) {
        if (text.find(marker) != std::string_view::npos) return true;
    }
    return false;
}

}  // namespace

std::vector<FileReport> set_aside_manual_scripts(std::vector<std::string>& files, const ReadFile& read, const RunByTool& run_by_tool) {
    // Prisma's migrations folders: the folder above each <name>/migration.sql whose
    // migration_lock.toml says postgresql.
    std::set<std::string, std::less<>> prisma;
    std::set<std::string, std::less<>> asked;
    for (const auto& f : files) {
        const fs::path p(f);
        if (p.filename() != "migration.sql") continue;
        const std::string folder = p.parent_path().parent_path().generic_string();
        if (!asked.insert(folder).second) continue;
        auto lock = read((fs::path(folder) / "migration_lock.toml").generic_string());
        if (lock && prisma_lock_provider(*lock).first == "postgresql") prisma.insert(folder);
    }
    if (prisma.empty()) return {};
    std::vector<FileReport> out;
    std::vector<std::string> kept;
    for (auto& f : files) {
        const fs::path p(f);
        const std::string name = p.filename().string();
        const bool in_prisma = std::any_of(prisma.begin(), prisma.end(), [&](const std::string& folder) {
            const fs::path rel = p.lexically_normal().lexically_relative(fs::path(folder).lexically_normal());
            return !rel.empty() && *rel.begin() != "..";
        });
        if (in_prisma || lowered(p.extension().string()) != ".sql" || (run_by_tool && run_by_tool(f))) {
            kept.push_back(std::move(f));
            continue;
        }
        auto text = read(f);
        const auto [postgres, other] = text ? dialect_sections(*text) : std::pair<int, int>{0, 0};
        if (!text || postgres == 0 || other == 0 || another_tools(name, *text)) {
            kept.push_back(std::move(f));
            continue;
        }
        FileReport report;
        report.path = f;
        report.skipped = true;
        report.skip_reason = "SQL run by hand, not a migration: its sections are for several databases (a PostgreSQL one at line " +
                             std::to_string(postgres) + ", another database's at line " + std::to_string(other) +
                             "), and this project's migrations are Prisma's (" + *prisma.begin() +
                             "/migration_lock.toml), which runs only a folder's migration.sql there; no setting pgfence reads runs it";
        out.push_back(std::move(report));
    }
    files = std::move(kept);
    return out;
}

std::vector<FileReport> set_aside_manual_scripts(std::vector<std::string>& files, const RunByTool& run_by_tool) {
    return set_aside_manual_scripts(
        files,
        [](const std::string& path) -> std::optional<std::string> {
            std::error_code ec;
            if (!fs::is_regular_file(path, ec) || fs::is_symlink(path, ec)) return std::nullopt;
            auto text = read_regular_file(path, k_config_max_bytes, "a SQL file");
            if (!text) return std::nullopt;
            return std::move(*text);
        },
        run_by_tool);
}

}  // namespace pgfence::analyze::tools
