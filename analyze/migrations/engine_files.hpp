#pragma once
// SQL files that are not PostgreSQL migrations, as sqlc's config says (stranger review 89, river):
// its `queries:` files (the queries sqlc generates code from, never run by a deploy) and the
// `schema:` of an entry for another engine (`engine: "sqlite"`: that database's schema). Each is a
// skipped report naming the config's line; a file a tool's settings name, a psql run or Flyway
// location runs, or the command line gives stays. (A folder named for another engine beside its
// PostgreSQL sibling, river's riversqlite beside riverpgxv5, is other_database.hpp's.)
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/other_database.hpp"

namespace pgfence::analyze::tools {

// One entry of an sqlc config (v1 `packages:`, v2 `sql:`): its engine, and its paths with their lines.
struct SqlcEntry {
    std::string engine;  // as written; v1's default "postgresql" when the entry names none
    int engine_line = 0;
    std::vector<std::pair<std::string, int>> queries;
    std::vector<std::pair<std::string, int>> schema;
};

// The entries of an sqlc.yaml / sqlc.yml (`json` false) or sqlc.json text; none when it is no sqlc
// config pgfence reads (then nothing is set aside for it).
[[nodiscard]] std::vector<SqlcEntry> read_sqlc_config(std::string_view text, bool json);


// The decisions for the migrations below one folder (the one walked, or the repository's top),
// the sqlc configs read through `read` once per folder.
class EngineFiles {
public:
    // `read` reads a path relative to the top; `shown_top` is put before a config's path when shown.
    EngineFiles(ReadFile read, std::string shown_top) : m_read(std::move(read)), m_shown_top(std::move(shown_top)) {}
    // Why the file at `path` ('/'-separated, normal, relative to the top) is no PostgreSQL
    // migration, as the sqlc configs in its folder and each one above it say; nothing when none does.
    [[nodiscard]] std::optional<std::string> decide(std::string_view path);

private:
    // The paths (relative to the top) the sqlc configs in a folder set aside, each with why; a
    // folder's paths are read once, so a file costs a lookup per folder above it.
    // A path a PostgreSQL entry's `schema:` also names is PostgreSQL's (red team R90 F8): it is in
    // `postgres` and never set aside, whatever another entry or config says of it.
    struct Skips {
        std::map<std::string, std::string, std::less<>> why;
        std::set<std::string, std::less<>> postgres;
    };
    const Skips& skips_in(const std::string& folder);
    ReadFile m_read;
    std::string m_shown_top;
    std::map<std::string, Skips, std::less<>> m_skips;
};

struct EngineScope {
    std::vector<std::string> named;  // files of the folders the tools' settings name (absolute, normal)
    std::vector<std::string> given;  // the paths given on the command line or in pgfence's settings
    RunByTool run_by_tool;
};

// Takes out of `files` the sqlc query files and other engines' sqlc schema files below a folder
// given, with a skipped report for each, reading the working tree.
[[nodiscard]] std::vector<FileReport> set_aside_engine_files(std::vector<std::string>& files, const EngineScope& scope);

}  // namespace pgfence::analyze::tools
