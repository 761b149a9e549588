#include "analyze/migrations/other_database.hpp"

#include <array>
#include <cctype>
#include <filesystem>
#include <map>

#include "analyze/base/regular_file.hpp"
#include "analyze/model/lock_mode.hpp"

namespace pgfence::analyze::tools {
namespace {

// At most this many folders above a migration are asked whether they are a driver's folder.
constexpr int k_most_levels = 8;

// The folder holding `path` ("" for a bare name).
std::string_view parent_of(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) return {};
    if (slash == 0) return path.substr(0, 1);  // "/"
    return path.substr(0, slash);
}

std::string_view name_of(std::string_view path) {
    std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string joined(std::string_view folder, std::string_view name) {
    if (folder.empty()) return std::string(name);
    if (folder.back() == '/') return std::string(folder) + std::string(name);
    return std::string(folder) + "/" + std::string(name);
}

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool postgres_name(std::string_view name) {
    const std::string n = lowered(name);
    return n == "postgres" || n == "postgresql" || n == "pg";
}

// At most this many bytes of a name from the repository are shown.
constexpr std::size_t k_shown = 40;

std::string shown(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, k_shown)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '`' ? '?' : c;
    return text.size() > k_shown ? out + "..." : out;
}

// The PostgreSQL sibling of a folder named `<prefix><driver>` (a driver other_database_name
// names, the prefix not empty): `<prefix><pg driver>` in `above`, with the driver; nothing when
// there is none. PostgreSQL's drivers by the names projects give their packages: pg, postgres,
// postgresql, Go's pq and pgx (river's riverpgxv5 for pgx/v5).
std::optional<std::pair<std::string, std::string>> prefixed_postgres_sibling(std::string_view name, std::string_view above,
                                                                             const IsFolder& is_folder) {
    const std::string n = lowered(name);
    for (std::size_t cut = 1; cut < n.size(); ++cut) {
        if (!other_database_name(std::string_view(n).substr(cut))) continue;
        for (std::string_view pg : {"pg", "postgres", "postgresql", "pq", "pgx", "pgxv4", "pgxv5"}) {
            const std::string sibling = joined(above, std::string(name.substr(0, cut)) + std::string(pg));
            if (is_folder(sibling)) return std::pair{sibling, n.substr(cut)};
        }
    }
    return std::nullopt;
}

}  // namespace

bool other_database_name(std::string_view name) {
    // Prisma's providers other than postgresql (prisma/prisma-engines psl/psl-core/src/datamodel_connector:
    // sqlite, mysql, sqlserver, mongodb, cockroachdb), and the drivers' names projects give their folders
    // (memos: sqlite, mysql; golang's database/sql drivers sqlite3, mssql).
    static constexpr std::array<std::string_view, 11> k_others = {"sqlite",  "sqlite3", "mysql",       "mariadb",
                                                                  "mssql",   "sqlserver", "cockroachdb", "mongodb",
                                                                  "oracle",  "clickhouse", "libsql"};
    const std::string n = lowered(name);
    for (std::string_view other : k_others) {
        if (n == other) return true;
    }
    return false;
}

std::pair<std::string, int> prisma_lock_provider(std::string_view text) {
    // prisma/prisma-engines schema-engine/connectors/schema-connector/src/migrations_directory.rs
    // read_provider_from_lock_file: the first line (str::lines, so without its "\r") that starts
    // with "provider", with every leading "provider = " and the quotes at both ends trimmed.
    int n = 1;
    for (std::size_t at = 0; at <= text.size(); ++n) {
        std::size_t nl = text.find('\n', at);
        std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.starts_with("provider")) {
            while (line.starts_with("provider = ")) line.remove_prefix(11);
            while (line.starts_with('"')) line.remove_prefix(1);
            while (line.ends_with('"')) line.remove_suffix(1);
            return {std::string(line), n};
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return {std::string(), 0};
}

std::optional<OtherDatabase> other_database(std::string_view migration, const ReadFile& read, const IsFolder& is_folder) {
    const std::string_view own = parent_of(migration);
    // Prisma: <migrations>/<id>/migration.sql, and <migrations>/migration_lock.toml names the provider
    // the whole folder was written for; `prisma migrate` refuses to run it against another one (P3019,
    // migrations_directory.rs error_on_changed_provider). The file decides for its set either way.
    if (name_of(migration) == "migration.sql" && !own.empty()) {
        const std::string_view set = parent_of(own);
        const std::string lock = joined(set, "migration_lock.toml");
        if (auto text = read(lock)) {
            auto [provider, line] = prisma_lock_provider(*text);
            if (line == 0 || !other_database_name(provider)) return std::nullopt;
            return OtherDatabase{std::string(set), lowered(provider), lock, line, {}};
        }
    }
    // A folder named after another database's driver beside one named postgres / postgresql / pg:
    // the project picks the folder by its driver (usememos/memos store/migrator.go
    // getMigrationBasePath: fmt.Sprintf("migration/%s/", s.profile.Driver)). Without the
    // PostgreSQL sibling a folder's name says nothing.
    std::string_view folder = own;
    for (int level = 0; level < k_most_levels && !folder.empty() && folder != "/" && folder != "."; ++level) {
        const std::string_view name = name_of(folder);
        const std::string_view above = parent_of(folder);
        if (other_database_name(name)) {
            for (std::string_view pg : {"postgres", "postgresql", "pg"}) {
                const std::string sibling = joined(above, pg);
                if (is_folder(sibling)) return OtherDatabase{std::string(folder), lowered(name), std::string(folder), 0, sibling};
            }
        }
        // `migrations-sqlite` beside `migrations` (requarks/wiki server/db/migrator-source.js:
        // `db.type !== 'sqlite' ? 'db/migrations' : 'db/migrations-sqlite'`): the suffix names the
        // other database, the folder without it is the set every other database runs.
        for (char sep : {'-', '_'}) {
            const std::size_t cut = name.rfind(sep);
            if (cut == std::string_view::npos || cut == 0 || !other_database_name(name.substr(cut + 1))) continue;
            const std::string sibling = joined(above, name.substr(0, cut));
            if (is_folder(sibling)) return OtherDatabase{std::string(folder), lowered(name.substr(cut + 1)), std::string(folder), 0, sibling};
        }
        // `<prefix><driver>` beside `<prefix><PostgreSQL driver>`: one package per driver, the
        // prefix shared (riverqueue/river riverdriver/riversqlite beside riverdriver/riverpgxv5 and
        // riverdatabasesql: riversqlite/migration/main is SQLite's, its sqlc.yaml says `engine:
        // "sqlite"`). As for the bare names above, the PostgreSQL sibling decides: a folder's name
        // alone (`sqlite_stuff`, `other/mysql`) says nothing, nor one that only starts with a
        // driver's name (`sqlite_to_postgres`).
        if (auto sibling = prefixed_postgres_sibling(name, above, is_folder)) {
            return OtherDatabase{std::string(folder), sibling->second, std::string(folder), 0, sibling->first};
        }
        if (postgres_name(name)) return std::nullopt;  // inside the PostgreSQL set itself
        folder = above;
    }
    return std::nullopt;
}

std::string describe_other_database(const OtherDatabase& set) {
    std::string out = with_article(shown(set.database)) + " migration set, not analysed as PostgreSQL: ";
    if (set.line > 0) {
        out += set.said_by + ":" + std::to_string(set.line) + " says provider = \"" + shown(set.database) + "\"";
    } else {
        out += "the folder is named after the " + shown(set.database) + " driver, beside " + set.sibling +
               " (the project picks its migrations folder by the database's driver)";
    }
    return out;
}

std::vector<FileReport> set_aside_other_databases(std::vector<std::string>& files, const ReadFile& read,
                                                const IsFolder& is_folder, const RunByTool& run_by_tool) {
    std::vector<FileReport> out;
    std::map<std::string, std::size_t, std::less<>> at;   // a set's folder: its report in `out`
    std::map<std::string, bool, std::less<>> decided;     // a migration's folder: whether it is set aside
    std::vector<std::string> kept;
    for (auto& file : files) {
        if (run_by_tool && run_by_tool(file)) {
            kept.push_back(std::move(file));
            continue;
        }
        const std::string folder(parent_of(file));
        auto known = decided.find(folder);
        // Prisma's decision is per folder of migration.sql; any other name is read on its own.
        const bool by_folder = name_of(file) != "migration.sql";
        if (by_folder && known != decided.end() && !known->second) {
            kept.push_back(std::move(file));
            continue;
        }
        auto set = other_database(file, read, is_folder);
        if (by_folder) decided[folder] = set.has_value();
        if (!set) {
            kept.push_back(std::move(file));
            continue;
        }
        auto [it, first] = at.try_emplace(set->folder, out.size());
        if (first) {
            FileReport report;
            report.path = set->folder;
            report.skipped = true;
            report.skip_reason = describe_other_database(*set);
            out.push_back(std::move(report));
        }
    }
    files = std::move(kept);
    return out;
}

std::vector<FileReport> set_aside_other_databases(std::vector<std::string>& files, const RunByTool& run_by_tool) {
    return set_aside_other_databases(
        files,
        [](const std::string& path) -> std::optional<std::string> {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
            auto text = read_regular_file(path, k_config_max_bytes, "migration_lock.toml");
            if (!text) return std::nullopt;
            return std::move(*text);
        },
        [](const std::string& path) {
            std::error_code ec;
            return std::filesystem::is_directory(path, ec);
        },
        run_by_tool);
}

}  // namespace pgfence::analyze::tools
