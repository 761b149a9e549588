#include "analyze/migrations/migration_order.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "analyze/migrations/migration_names.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/migrations/temporal_manifest.hpp"

namespace fs = std::filesystem;

namespace pgfence::analyze {
namespace {

// The files that are named after their tool, not their migration: the folder holding them is.
bool folder_per_migration(std::string_view filename) {
    return filename == "migration.sql" || filename == "up.sql" || filename == "down.sql";
}

enum class Group { Versioned, Repeatable, Unversioned, Folder };

struct MigrationKey {
    Group group = Group::Unversioned;
    std::vector<std::string_view> version;  // digit runs, leading zeros dropped
    std::string_view name;                  // what follows the version
    std::string diesel_version;             // a diesel folder's: its name to the first '_', without '-'
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The name a migration is ordered by: its file name, or its folder's name (`folder` set).
std::string_view migration_name(std::string_view path, bool& folder) {
    std::string_view file = path_name(path);
    folder = folder_per_migration(file) && file.size() != path.size();
    return folder ? path_name(path_folder(path)) : file;
}

MigrationKey key_of(std::string_view path) {
    // A Temporal version folder's file (tools/temporal_manifest.hpp): versioned by its folder,
    // v1.9 before v1.10; its place in the folder is the manifest's (group_migration_sets).
    if (tools::temporal_version_file(path)) {
        MigrationKey key;
        key.group = Group::Versioned;
        std::string_view version = path_name(path_folder(path)).substr(1);
        while (true) {
            std::size_t dot = version.find('.');
            std::string_view run = version.substr(0, dot);
            while (run.size() > 1 && run.front() == '0') run.remove_prefix(1);
            key.version.push_back(run);
            if (dot == std::string_view::npos) break;
            version.remove_prefix(dot + 1);
        }
        key.name = path_name(path);
        return key;
    }
    bool folder = false;
    std::string_view name = migration_name(path, folder);
    MigrationKey key;
    // Prisma and diesel compare their folders' names as text (a hand-named 20250625_x folder
    // sorts after 20230522094431_y, as Prisma applies it).
    // diesel orders by the version alone, the name up to its first '_' without its '-'
    // (migrations_internals version_from_string): crates.io's 2017-08-31-230457_invitations
    // comes after 20170308140537_create_to_semver_no_prerelease, not before.
    if (folder) {
        key.group = Group::Folder;
        key.name = name;
        if (std::string_view file = path_name(path); file == "up.sql" || file == "down.sql") {
            for (char c : name.substr(0, name.find('_'))) {
                if (c != '-') key.diesel_version += c;
            }
        }
        return key;
    }
    if (name.size() > 3 && (name[0] == 'R' || name[0] == 'r') && name.substr(1, 2) == "__") {
        key.group = Group::Repeatable;
        key.name = name.substr(3);
        return key;
    }
    std::size_t at = (name.size() > 1 && (name[0] == 'V' || name[0] == 'v') && is_digit(name[1])) ? 1 : 0;
    if (at >= name.size() || !is_digit(name[at])) {
        key.name = name;
        return key;
    }
    key.group = Group::Versioned;
    for (;;) {
        std::size_t start = at;
        while (at < name.size() && is_digit(name[at])) ++at;
        std::string_view run = name.substr(start, at - start);
        while (run.size() > 1 && run.front() == '0') run.remove_prefix(1);
        key.version.push_back(run);
        // One separator between two digit runs continues the version (1.2, 1_10, 2024-01-01).
        bool more = at + 1 < name.size() && (name[at] == '.' || name[at] == '_' || name[at] == '-') && is_digit(name[at + 1]);
        if (!more) break;
        ++at;
    }
    key.name = name.substr(at);
    return key;
}


// A name or path without its direction suffix (.up.sql, .down.sql, up.sql, down.sql).
std::string_view without_direction(std::string_view name) {
    for (std::string_view suffix : {"up.sql", "down.sql"}) {
        if (name.ends_with(suffix)) return name.substr(0, name.size() - suffix.size());
    }
    return name;
}

// Digit runs without leading zeros: the longer is the larger number.
int compare_number(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

// Absolute and lexically normal: two spellings of one file compare equal.
std::string normal_path(const fs::path& path) {
    return absolute_path(path.empty() ? fs::path(".") : path).lexically_normal().generic_string();
}

}  // namespace

// golang-migrate, sqlx and pop's x.down.sql, diesel's <folder>/down.sql.
bool is_down_half(std::string_view path) {
    return path.ends_with(".down.sql") || path.ends_with("/down.sql") || golang_migrate_as_sql(path).ends_with(".down.sql");
}

namespace {

// Flyway's versioned, undo and repeatable names: V1_2__x.sql, U1__x.sql, R__x.sql.
bool flyway_file_name(std::string_view name) {
    if (name.size() < 4 || !name.ends_with(".sql")) return false;
    char c = name[0];
    if (c == 'R' || c == 'r') return name.substr(1, 2) == "__";
    if (c != 'V' && c != 'v' && c != 'U' && c != 'u') return false;
    std::size_t sep = name.find("__");
    if (sep == std::string_view::npos || sep < 2 || !is_digit(name[1])) return false;
    return std::all_of(name.begin() + 1, name.begin() + static_cast<std::ptrdiff_t>(sep),
                       [](char d) { return is_digit(d) || d == '.' || d == '_'; });
}

// The folders a Flyway project splits one history into, one location each, configured together
// (`flyway.locations=.../common,.../prod`): the migrations every environment runs and each
// environment's own.
bool flyway_location_folder(std::string_view name) {
    for (std::string_view location : {"common", "shared", "base", "prod", "production", "dev", "development", "local",
                                      "test", "staging", "stage", "qa", "uat", "preprod", "sandbox", "demo"}) {
        if (name.size() == location.size() && std::equal(name.begin(), name.end(), location.begin(), [](char a, char b) {
                return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
            })) {
            return true;
        }
    }
    return false;
}

}  // namespace

namespace {
std::atomic<std::uint64_t> g_set_folder_questions{0};
}  // namespace

std::uint64_t set_folder_questions() { return g_set_folder_questions.load(std::memory_order_relaxed); }

std::string_view set_folder(std::string_view path) {
    g_set_folder_questions.fetch_add(1, std::memory_order_relaxed);
    std::string_view folder = path_folder(path);
    if (folder_per_migration(path_name(path))) return path_folder(folder);
    // Temporal's versioned/v1.0, v1.1, ...: one history (tools/temporal_manifest.hpp).
    if (tools::temporal_version_file(path)) return path_folder(folder);
    // Flyway applies its locations as one set ordered by version: migrations/common/V1__x.sql,
    // migrations/prod/V2__y.sql and migrations/dev/V1_1__z.sql are migrations/'s.
    if (flyway_file_name(path_name(path)) && flyway_location_folder(path_name(folder))) {
        return path_folder(folder);
    }
    return folder;
}


std::string migration_set(std::string_view path) {
    std::string_view folder = set_folder(path);
    if (folder.empty() && path.starts_with('/')) return normal_path(fs::path("/"));
    // The folder made absolute and normal, per folder: a run asks it of each file several times
    // (the set's list, the plan's hint, each file's own analysis), and files of a set share their
    // folder. It depends on the folder's text and the working directory only (read once,
    // path_parts.hpp), so the answers are kept, per thread, a bounded number of them.
    thread_local std::unordered_map<std::string, std::string> normal_folders;
    if (auto it = normal_folders.find(std::string(folder)); it != normal_folders.end()) return it->second;
    std::string out = normal_path(fs::path(folder));
    if (normal_folders.size() >= 4096) normal_folders.clear();
    normal_folders.emplace(std::string(folder), out);
    return out;
}

namespace {

// migration_before, on keys made once (a sort compares each file's key many times).
bool key_before(const MigrationKey& ka, std::string_view a, const MigrationKey& kb, std::string_view b) {
    if (ka.group != kb.group) return ka.group < kb.group;
    std::size_t parts = std::min(ka.version.size(), kb.version.size());
    for (std::size_t i = 0; i < parts; ++i) {
        if (int c = compare_number(ka.version[i], kb.version[i]); c != 0) return c < 0;
    }
    if (ka.version.size() != kb.version.size()) return ka.version.size() < kb.version.size();  // 1 before 1.1
    if (ka.diesel_version != kb.diesel_version) return ka.diesel_version < kb.diesel_version;
    // A migration's up half before its down half (x.down.sql sorts first as text): the down
    // half is analysed on the schema its up half built. One key, compared part by part.
    std::string_view base_a = without_direction(ka.name), base_b = without_direction(kb.name);
    if (base_a != base_b) return base_a < base_b;
    bool down_a = is_down_half(a), down_b = is_down_half(b);
    if (down_a != down_b) return down_b;
    if (ka.name != kb.name) return ka.name < kb.name;
    return a < b;
}

}  // namespace

bool migration_before(std::string_view a, std::string_view b) { return key_before(key_of(a), a, key_of(b), b); }

std::string migration_identity(std::string_view path) {
    MigrationKey key = key_of(path);
    std::string out = migration_set(path) + "\n" + std::to_string(static_cast<int>(key.group)) + "\n";
    if (key.group == Group::Versioned) {
        for (std::string_view part : key.version) out += std::string(part) + ".";
        if (tools::temporal_version_file(path)) out += "/" + std::string(key.name);  // a version holds several files
    } else {
        out += std::string(without_direction(key.name));
    }
    return out + "\n" + (is_down_half(path) ? "down" : "up");
}

MigrationSets group_migration_sets(const std::vector<std::string>& files) {
    std::unordered_map<std::string, std::size_t> number;  // set folder -> its number
    std::vector<std::size_t> set(files.size());
    // Files of one folder are usually named alike: each spelling is made absolute once.
    std::unordered_map<std::string_view, std::size_t> by_spelling;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::string_view folder = set_folder(files[i]);
        auto known = by_spelling.find(folder);
        if (known == by_spelling.end()) {
            std::size_t n = number.try_emplace(migration_set(files[i]), number.size()).first->second;
            known = by_spelling.emplace(folder, n).first;
        }
        set[i] = known->second;
    }
    std::vector<std::size_t> order(files.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<MigrationKey> keys;
    keys.reserve(files.size());
    for (const auto& file : files) keys.push_back(key_of(file));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        if (set[x] != set[y]) return set[x] < set[y];
        return key_before(keys[x], files[x], keys[y], files[y]);
    });
    MigrationSets out;
    out.files.reserve(files.size());
    out.set_of.reserve(files.size());
    for (std::size_t i : order) {
        out.files.push_back(files[i]);
        out.set_of.push_back(set[i]);
    }
    // Within a Temporal version, the manifest's order (a set's files are together).
    tools::order_by_manifests(out.files, 0, out.files.size());
    return out;
}

namespace {
// Both names start with their version and `a` sorts before `b` as text (knex, dbmate).
bool name_first(std::string_view a, std::string_view b) {
    std::string_view na = path_name(a), nb = path_name(b);
    return !na.empty() && !nb.empty() && is_digit(na[0]) && is_digit(nb[0]) && na < nb;
}
}  // namespace

std::vector<std::string> history_before(const std::vector<std::string>& history, const std::vector<std::string>& analysed) {
    std::unordered_map<std::string, std::string> first_analysed;  // set -> its first analysed file
    std::unordered_set<std::string> analysed_files;
    for (const auto& file : analysed) {
        analysed_files.insert(normal_path(file));
        auto [at, added] = first_analysed.try_emplace(migration_set(file), file);
        if (!added && migration_before(file, at->second)) at->second = file;
    }
    std::vector<std::string> kept;
    for (const auto& file : group_migration_sets(history).files) {
        if (analysed_files.count(normal_path(file)) > 0) continue;
        auto first = first_analysed.find(migration_set(file));
        // Kept when either order puts it first: by number (goose, Flyway, sqlx) or by name as
        // text (knex, dbmate: tool_order.hpp), a history file that may run before the analysed
        // one made what it finds.
        if (first != first_analysed.end() && !migration_before(file, first->second) && !name_first(file, first->second)) continue;
        kept.push_back(file);
    }
    return kept;
}

}  // namespace pgfence::analyze
