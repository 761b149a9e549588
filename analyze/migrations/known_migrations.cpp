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

const std::vector<std::size_t>* KnownMigrations::in_set(std::string_view set) const {
    auto it = m_sets.find(std::string(set));
    return it == m_sets.end() ? nullptr : &it->second.all;
}

const std::vector<std::size_t>* KnownMigrations::unread_in_set(std::string_view set) const {
    auto it = m_sets.find(std::string(set));
    return it == m_sets.end() || it->second.unread.empty() ? nullptr : &it->second.unread;
}

}  // namespace pgfence::analyze
