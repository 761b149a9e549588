#pragma once
// The migrations a repository has besides the analysed file (AnalyzeOptions::known_migrations),
// grouped by migration set once: each file asks for its own set's files, and a scan of every
// known path per file made a run quadratic in the number of files (issue "The house in layers,
// and speed back": 4,000 files of one folder asked 16 million set_folder questions).
#include <cstddef>
#include <cstdint>
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

    // The names of a set as pop and popx read them (pop_name, of the lower-case file name),
    // gathered once: each golang-migrate or pop file asked every other file of its set for its
    // name, a run quadratic in the set's size (red team R71 F14: 400 pairs added beside 800, 27 s).
    struct PopFiles {
        std::vector<std::size_t> autocommit;  // popx's `.autocommit.` files
        std::vector<std::size_t> pop;         // pop's: a dialect in the name (`.mysql.up.sql`), or `.fizz`
        // "<version> up" / "<version> down": how many files of the version and direction are
        // PostgreSQL's dialect's (`.postgres.`, `.pg.`, `.postgresql.`).
        std::unordered_map<std::string, std::size_t> postgres;
        // "<version>": how many up files of the version have no dialect or PostgreSQL's.
        std::unordered_map<std::string, std::size_t> runs_on_postgres;
    };
    // Those of the set `set` (as in_set takes it); null when none of its files has such a name.
    [[nodiscard]] const PopFiles* pop_files(std::string_view set) const;

    // Why golang-migrate refuses to load the folder of the set `set`: two files of one version and
    // direction (source/migration.go Append, which every source driver's Init turns into an error:
    // iofs.go ErrDuplicateMigration), so it runs none of its files. Empty when no such pair is known.
    [[nodiscard]] std::string_view golang_migrate_refusal(std::string_view set) const;

private:
    struct Set {
        std::vector<std::size_t> all;
        std::vector<std::size_t> unread;
        PopFiles pop;
        bool any_pop = false;
        // golang-migrate's versions (GolangMigrateName) of the folder's files, with the first
        // of each version and direction's names; the first pair found, said.
        std::unordered_map<std::uint64_t, std::string> golang_up;
        std::unordered_map<std::uint64_t, std::string> golang_down;
        std::string golang_refusal;
    };
    std::vector<std::string> m_paths;
    std::unordered_map<std::string, Set> m_sets;
};

// A file name as golang-migrate's source/parse.go Parse reads it (Regex
// `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, case as written, then strconv.ParseUint(version, 10, 64)).
// `overflow`: the name matches but its version does not fit 64 bits, so Parse fails and every
// source driver skips the file (iofs.go Init: `continue`). False when the name does not match.
struct GolangMigrateName {
    std::uint64_t version = 0;
    bool down = false;
    bool overflow = false;
};
[[nodiscard]] bool golang_migrate_name(std::string_view name, GolangMigrateName& out);

// Whether a known migration is of a kind pgfence does not read (by its extension, any case).
[[nodiscard]] bool unread_migration_kind(std::string_view path);

}  // namespace pgfence::analyze
