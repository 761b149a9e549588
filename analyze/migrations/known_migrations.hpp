#pragma once
// The migrations a repository has besides the analysed file (AnalyzeOptions::known_migrations),
// grouped by migration set once: each file asks for its own set's files, and a scan of every
// known path per file made a run quadratic in the number of files (issue "The house in layers,
// and speed back": 4,000 files of one folder asked 16 million set_folder questions).
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgfence::analyze {

class KnownMigrations {
public:
    KnownMigrations() = default;
    // `paths`: absolute, lexically normal, in the order set_siblings hands them on.
    explicit KnownMigrations(std::vector<std::string> paths);

    [[nodiscard]] const std::vector<std::string>& paths() const { return m_paths; }
    [[nodiscard]] bool empty() const { return m_paths.empty(); }

    // The known paths whose set folder (set_folder) is `set` as migration_set writes it, in
    // order; null when none. "/" also holds the paths whose set folder is empty.
    [[nodiscard]] const std::vector<std::size_t>* in_set(std::string_view set) const;
    // Of those, the ones pgfence does not read (a goose .go, a Flyway .java: not SQL, an ORM
    // script, pop's .fizz or diesel's .toml); null when none.
    [[nodiscard]] const std::vector<std::size_t>* unread_in_set(std::string_view set) const;

private:
    struct Set {
        std::vector<std::size_t> all;
        std::vector<std::size_t> unread;
    };
    std::vector<std::string> m_paths;
    std::unordered_map<std::string, Set> m_sets;
};

// Whether a known migration is of a kind pgfence does not read (by its extension, any case).
[[nodiscard]] bool unread_migration_kind(std::string_view path);

}  // namespace pgfence::analyze
