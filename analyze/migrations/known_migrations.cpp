#include "analyze/migrations/known_migrations.hpp"

#include <cctype>
#include <filesystem>

#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/migration_names.hpp"
#include "analyze/migrations/migration_order.hpp"

namespace pgfence::analyze {

namespace {

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

}  // namespace

bool golang_migrate_name(std::string_view name, GolangMigrateName& out) {
    out = GolangMigrateName{};
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || digits >= name.size() || name[digits] != '_') return false;
    // `.` matches no newline in Go's regexp: a name holding one does not match.
    if (name.find('\n') != std::string_view::npos) return false;
    // `(.*)` is greedy: the direction is the last ".up." or ".down." after the "_".
    const std::size_t up = name.rfind(".up.");
    const std::size_t down = name.rfind(".down.");
    const bool has_up = up != std::string_view::npos && up > digits;
    const bool has_down = down != std::string_view::npos && down > digits;
    if (!has_up && !has_down) return false;
    out.down = has_down && (!has_up || down > up);
    constexpr std::uint64_t k_max = UINT64_MAX;
    for (std::size_t i = 0; i < digits; ++i) {
        const auto d = static_cast<std::uint64_t>(name[i] - '0');
        if (out.version > (k_max - d) / 10) {
            out.overflow = true;
            out.version = 0;
            return true;
        }
        out.version = out.version * 10 + d;
    }
    return true;
}

bool unread_migration_kind(std::string_view path) {
    if (!golang_migrate_as_sql(path).empty()) return false;  // SQL to golang-migrate, read as such
    const std::string ext = lower(std::filesystem::path(path).extension().string());
    return ext != ".sql" && ext != ".js" && ext != ".ts" && ext != ".mjs" && ext != ".cjs" && ext != ".mts" && ext != ".cts" &&
           ext != ".fizz" && ext != ".toml";
}

KnownMigrations::KnownMigrations(std::vector<std::string> paths) : m_paths(std::move(paths)) {
    for (std::size_t i = 0; i < m_paths.size(); ++i) {
        std::string_view folder = set_folder(m_paths[i]);
        Set& set = m_sets[folder.empty() ? std::string("/") : std::string(folder)];
        set.all.push_back(i);
        if (unread_migration_kind(m_paths[i])) set.unread.push_back(i);
        // golang-migrate reads one folder, not its subfolders (iofs.go Init: fs.ReadDir, IsDir
        // skipped), which is the set's own folder for these names (set_folder).
        GolangMigrateName golang;
        if (set.golang_refusal.empty() && golang_migrate_name(path_name(m_paths[i]), golang) && !golang.overflow) {
            auto& seen = golang.down ? set.golang_down : set.golang_up;
            auto [it, fresh] = seen.try_emplace(golang.version, path_name(m_paths[i]));
            if (!fresh) {
                set.golang_refusal = "golang-migrate refuses this folder: " + it->second + " and " +
                                     std::string(path_name(m_paths[i])) + " are both version " + std::to_string(golang.version) +
                                     (golang.down ? " down" : " up") + " (source/migration.go Append, ErrDuplicateMigration)";
                set.golang_up.clear();
                set.golang_down.clear();
            }
        }
        // As the analyzer lowers a name (std::tolower).
        std::string name(path_name(m_paths[i]));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        PopName pop;
        if (!pop_name(name, pop)) continue;
        set.any_pop = true;
        if (pop.autocommit) set.pop.autocommit.push_back(i);
        if (!pop.dialect.empty() || name.ends_with(".fizz")) set.pop.pop.push_back(i);
        if (postgres_dialect(pop.dialect)) ++set.pop.postgres.try_emplace(std::string(pop.version) + (pop.down ? " down" : " up"), 0).first->second;
        if (!pop.down && (pop.dialect.empty() || postgres_dialect(pop.dialect))) {
            ++set.pop.runs_on_postgres.try_emplace(std::string(pop.version), 0).first->second;
        }
    }
}

const KnownMigrations::PopFiles* KnownMigrations::pop_files(std::string_view set) const {
    auto it = m_sets.find(std::string(set));
    return it == m_sets.end() || !it->second.any_pop ? nullptr : &it->second.pop;
}

std::string_view KnownMigrations::golang_migrate_refusal(std::string_view set) const {
    auto it = m_sets.find(std::string(set));
    return it == m_sets.end() ? std::string_view{} : std::string_view(it->second.golang_refusal);
}

const std::vector<std::size_t>* KnownMigrations::in_set(std::string_view set) const {
    auto it = m_sets.find(std::string(set));
    return it == m_sets.end() ? nullptr : &it->second.all;
}

const std::vector<std::size_t>* KnownMigrations::unread_in_set(std::string_view set) const {
    auto it = m_sets.find(std::string(set));
    return it == m_sets.end() || it->second.unread.empty() ? nullptr : &it->second.unread;
}

}  // namespace pgfence::analyze
