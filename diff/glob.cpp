#include "diff/glob.hpp"

#include <cctype>
#include "analyze/migrations/migration_names.hpp"
#include "analyze/orm/extract.hpp"
#include <cstddef>

namespace pgfence::diff {
namespace {

// The alternatives of the first top-level {a,b} group, spliced into the rest of the pattern;
// recursion handles nesting and further groups. An unmatched '{' stays literal.
void expand_braces(const std::string& pattern, std::vector<std::string>& out) {
    std::size_t open = pattern.find('{');
    while (open != std::string::npos) {
        int depth = 0;
        std::vector<std::size_t> commas;
        std::size_t close = std::string::npos;
        for (std::size_t i = open; i < pattern.size() && close == std::string::npos; ++i) {
            if (pattern[i] == '{') ++depth;
            else if (pattern[i] == '}' && --depth == 0) close = i;
            else if (pattern[i] == ',' && depth == 1) commas.push_back(i);
        }
        if (close == std::string::npos) {
            open = pattern.find('{', open + 1);
            continue;
        }
        std::string prefix = pattern.substr(0, open);
        std::string suffix = pattern.substr(close + 1);
        std::size_t start = open + 1;
        commas.push_back(close);
        for (std::size_t comma : commas) {
            expand_braces(prefix + pattern.substr(start, comma - start) + suffix, out);
            start = comma + 1;
        }
        return;
    }
    out.push_back(pattern);
}

// One bracket expression starting at pattern[i] == '['; sets `matched` and returns the index
// after ']', or npos when the bracket is not closed (then '[' is literal).
std::size_t match_class(std::string_view pattern, std::size_t i, char c, bool& matched) {
    std::size_t j = i + 1;
    bool negate = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
    if (negate) ++j;
    bool found = false;
    bool first = true;
    for (; j < pattern.size(); ++j, first = false) {
        if (pattern[j] == ']' && !first) {
            matched = found != negate;
            return j + 1;
        }
        if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
            if (pattern[j] <= c && c <= pattern[j + 2]) found = true;
            j += 2;
        } else if (pattern[j] == c) {
            found = true;
        }
    }
    return std::string_view::npos;
}

// `*`, `?` and classes within one segment, with the usual single backtrack point for `*`.
bool match_segment(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0;
    std::size_t star_p = std::string_view::npos, star_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star_p = ++p;
            star_t = t;
            continue;
        }
        if (p < pattern.size()) {
            bool ok = false;
            std::size_t next = p + 1;
            if (pattern[p] == '?') {
                ok = true;
            } else if (pattern[p] == '[') {
                std::size_t after = match_class(pattern, p, text[t], ok);
                if (after == std::string_view::npos) ok = text[t] == '[';
                else next = after;
            } else {
                ok = pattern[p] == text[t];
            }
            if (ok) {
                p = next;
                ++t;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        p = star_p;
        t = ++star_t;
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::vector<std::string_view> segments(std::string_view path) {
    while (path.substr(0, 2) == "./") path.remove_prefix(2);
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > start) out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

bool match_segments(const std::vector<std::string_view>& pattern, std::size_t pi,
                    const std::vector<std::string_view>& path, std::size_t si) {
    if (pi == pattern.size()) return si == path.size();
    if (pattern[pi] == "**") {
        for (std::size_t k = si; k <= path.size(); ++k) {
            if (match_segments(pattern, pi + 1, path, k)) return true;
        }
        return false;
    }
    return si < path.size() && match_segment(pattern[pi], path[si]) &&
           match_segments(pattern, pi + 1, path, si + 1);
}

// Whether `pattern[pi..]` can match the whole of `path[si..]` as a leading part, leaving at least
// the file segment to match below it. `anchored` records that a segment other than `**` took
// one of the path's segments; `open` that what is left is only `**` and the file segment.
bool match_prefix(const std::vector<std::string_view>& pattern, std::size_t pi,
                  const std::vector<std::string_view>& path, std::size_t si, bool anchored) {
    if (si == path.size()) {
        if (pi == pattern.size()) return false;
        if (anchored) return true;
        for (std::size_t k = pi; k + 1 < pattern.size(); ++k) {
            if (pattern[k] != "**") return false;
        }
        return true;
    }
    if (pi == pattern.size()) return false;
    if (pattern[pi] == "**") {
        return match_prefix(pattern, pi + 1, path, si, anchored) || match_prefix(pattern, pi, path, si + 1, anchored);
    }
    return match_segment(pattern[pi], path[si]) && match_prefix(pattern, pi + 1, path, si + 1, true);
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
    std::vector<std::string> alternatives;
    expand_braces(std::string(pattern), alternatives);
    std::vector<std::string_view> path_segments = segments(path);
    for (std::string& alternative : alternatives) {
        if (match_segments(segments(alternative), 0, path_segments, 0)) return true;
    }
    return false;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view path) {
    for (const std::string& pattern : patterns) {
        if (glob_match(pattern, path)) return true;
    }
    return false;
}

bool selects(const std::vector<std::string>& patterns, std::string_view path) {
    std::vector<std::string_view> parts = segments(path);
    if (parts.empty() || path.ends_with(".d.ts")) return false;
    for (std::string_view part : parts) {
        if (part == "node_modules") return false;
    }
    if (matches_any(patterns, path)) return true;
    // golang-migrate runs 2_x.up.pgsql as it runs 2_x.up.sql (analyze/migration_names.hpp): the
    // file is selected when its .sql name would be.
    if (const std::string as_sql = analyze::golang_migrate_as_sql(path); !as_sql.empty()) {
        const std::size_t slash = path.rfind('/');
        return selects(patterns, std::string(slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1)) + as_sql);
    }

    // Knex's .coffee/.ls/... and node-pg-migrate's numbered files without an extension run as
    // JavaScript (analyze/orm/extract.hpp tool_runs_as_script): selected when the .js name would be.
    if (analyze::orm::tool_runs_as_script(path) && selects(patterns, std::string(path) + ".js")) return true;

    std::string lower(path);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool script = false;
    for (std::string_view ext : {".ts", ".js", ".mjs", ".cjs", ".mts", ".cts"}) {
        if (lower.ends_with(ext)) script = lower.find("migration") != std::string::npos;
    }
    if (!lower.ends_with(".sql") && !script) return false;
    std::string directory;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (i > 0) directory += '/';
        directory += parts[i];
        if (matches_any(patterns, directory)) return true;
    }
    return false;
}

bool may_hold(const std::vector<std::string>& patterns, std::string_view dir) {
    std::vector<std::string_view> parts = segments(dir);
    if (parts.empty()) return false;
    for (std::string_view part : parts) {
        if (part == "node_modules") return false;
    }
    std::string directory;
    for (std::string_view part : parts) {
        if (!directory.empty()) directory += '/';
        directory += part;
        if (matches_any(patterns, directory)) return true;
    }
    for (const std::string& pattern : patterns) {
        std::vector<std::string> alternatives;
        expand_braces(pattern, alternatives);
        for (const std::string& alternative : alternatives) {
            if (match_prefix(segments(alternative), 0, parts, 0, false)) return true;
        }
    }
    return false;
}

const std::vector<std::string>& default_migration_globs() {
    static const std::vector<std::string> globs = {
        // migrations/, db/migrations/, supabase/migrations/, prisma/migrations/<id>/migration.sql,
        // diesel's migrations/<id>/up.sql, goose, golang-migrate, sqlx, node-pg-migrate SQL files.
        "**/migrations/**/*.sql",
        // The Rails-style layout when it holds SQL files.
        "**/db/migrate/**/*.sql",
        // Flyway's default location (src/main/resources/db/migration/V1__init.sql).
        "**/db/migration/**/*.sql",
        // drizzle-kit's default output directory.
        "**/drizzle/**/*.sql",
        // ORM migrations written in TypeScript or JavaScript (knex, TypeORM, MikroORM, Sequelize),
        // only inside a migrations directory.
        "**/migrations/**/*.{ts,js,mjs,cjs,mts,cts}",
    };
    return globs;
}

}  // namespace pgfence::diff
