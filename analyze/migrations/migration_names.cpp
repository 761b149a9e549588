#include "analyze/migrations/migration_names.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "analyze/migrations/migration_order.hpp"
#include "analyze/base/path_parts.hpp"

namespace pgfence::analyze {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "<digits>_<more>" with no '.' in <more>.
bool popx_stem(std::string_view stem) {
    std::size_t digits = 0;
    while (digits < stem.size() && is_digit(stem[digits])) ++digits;
    return digits > 0 && digits + 1 < stem.size() && stem[digits] == '_' && stem.find('.') == std::string_view::npos;
}

// Where the version is written in a name: [begin, end); nothing when the name has none.
struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
};

std::optional<Span> version_span(std::string_view name, bool flyway) {
    if (flyway) {
        if (name.size() < 2 || (name[0] != 'V' && name[0] != 'v' && name[0] != 'U' && name[0] != 'u') || !is_digit(name[1])) {
            return std::nullopt;
        }
        std::size_t sep = name.find("__");
        if (sep == std::string_view::npos || sep < 2) return std::nullopt;
        for (std::size_t i = 1; i < sep; ++i) {
            if (!is_digit(name[i]) && name[i] != '.' && name[i] != '_') return std::nullopt;
        }
        return Span{1, sep};
    }
    std::size_t digits = 0;
    while (digits < name.size() && is_digit(name[digits])) ++digits;
    if (digits == 0) return std::nullopt;
    // diesel's 2024-01-01-120000_x: the version runs to the first '_'.
    std::size_t underscore = name.find('_');
    if (digits < name.size() && name[digits] == '-' && underscore != std::string_view::npos) {
        std::string_view span = name.substr(0, underscore);
        if (std::all_of(span.begin(), span.end(), [](char c) { return is_digit(c) || c == '-'; })) return Span{0, underscore};
    }
    return Span{0, digits};
}

std::string digits_of(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (is_digit(c)) out += c;
    }
    return out;
}

std::string_view no_leading_zeros(std::string_view d) {
    while (d.size() > 1 && d.front() == '0') d.remove_prefix(1);
    return d;
}

// Numbers written in digits, compared by value.
int compare_number(std::string_view a, std::string_view b) {
    a = no_leading_zeros(a);
    b = no_leading_zeros(b);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

// Flyway's version parts by value, trailing zero parts dropped (1.0 is 1).
std::vector<std::string> flyway_parts(std::string_view version) {
    std::vector<std::string> parts;
    std::size_t at = 0;
    while (at <= version.size()) {
        std::size_t sep = version.find_first_of("._", at);
        std::string_view part = version.substr(at, sep == std::string_view::npos ? std::string_view::npos : sep - at);
        parts.emplace_back(no_leading_zeros(part.empty() ? "0" : part));
        if (sep == std::string_view::npos) break;
        at = sep + 1;
    }
    while (parts.size() > 1 && parts.back() == "0") parts.pop_back();
    return parts;
}

int compare_flyway(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (int c = compare_number(a[i], b[i]); c != 0) return c;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

int field(std::string_view d, std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (d[i] - '0');
    return v;
}

// YYYYMMDDHHMMSS naming a real second.
bool is_timestamp(std::string_view d) {
    if (d.size() != 14) return false;
    int y = field(d, 0, 4), mo = field(d, 4, 2), day = field(d, 6, 2);
    return y >= 1970 && mo >= 1 && mo <= 12 && day >= 1 && day <= days_in(y, mo) && field(d, 8, 2) < 24 &&
           field(d, 10, 2) < 60 && field(d, 12, 2) < 60;
}

std::string two(int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); }

// The next second of a timestamp (is_timestamp), or the number plus one, at the same width
// (one digit more when it overflows).
std::string step(std::string_view d) {
    if (is_timestamp(d)) {
        int y = field(d, 0, 4), mo = field(d, 4, 2), day = field(d, 6, 2), h = field(d, 8, 2), mi = field(d, 10, 2),
            s = field(d, 12, 2) + 1;
        if (s == 60) s = 0, ++mi;
        if (mi == 60) mi = 0, ++h;
        if (h == 24) h = 0, ++day;
        if (day > days_in(y, mo)) day = 1, ++mo;
        if (mo == 13) mo = 1, ++y;
        return std::to_string(y) + two(mo) + two(day) + two(h) + two(mi) + two(s);
    }
    std::string out(d);
    for (std::size_t i = out.size(); i-- > 0;) {
        if (out[i] != '9') {
            ++out[i];
            return out;
        }
        out[i] = '0';
    }
    return "1" + out;
}

// `digits` laid out as `original` writes its version (diesel's dashes kept where they were).
std::string laid_out(std::string_view original, std::string_view digits) {
    if (original.find('-') == std::string_view::npos || digits.size() != digits_of(original).size()) return std::string(digits);
    std::string out(original);
    std::size_t k = 0;
    for (char& c : out) {
        if (is_digit(c)) c = digits[k++];
    }
    return out;
}

// The name a migration is known by in its set: the folder of Prisma's and diesel's.
std::string_view sibling_name(std::string_view path) {
    std::string_view name = path_name(path);
    if ((name == "migration.sql" || name == "up.sql" || name == "down.sql") && name.size() != path.size()) {
        return path_name(path_folder(path));
    }
    return name;
}

// "a, b, c and 4 more".
std::string listed(const std::vector<std::string>& names) {
    std::string out;
    std::size_t shown = std::min<std::size_t>(names.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
    return out;
}

PlanVersions flyway_versions(std::string_view name, const Span& span, int count, const std::vector<std::string>& siblings) {
    std::string_view version = name.substr(span.begin, span.end - span.begin);
    std::vector<std::string> own = flyway_parts(version);
    std::vector<std::vector<std::string>> taken;
    std::optional<std::vector<std::string>> next;
    for (const auto& s : siblings) {
        std::string_view n = sibling_name(s);
        auto sp = version_span(n, true);
        if (!sp) continue;
        auto parts = flyway_parts(n.substr(sp->begin, sp->end - sp->begin));
        if (compare_flyway(parts, own) > 0 && (!next || compare_flyway(parts, *next) < 0)) next = parts;
        taken.push_back(std::move(parts));
    }
    const char sep = version.find('_') != std::string_view::npos ? '_' : '.';
    PlanVersions out;
    // 1.2.1, 1.2.2, ...; when one is taken or passes the next migration, 1.2.0.1, ...
    for (int depth = 1; depth <= 4; ++depth) {
        std::vector<std::string> versions;
        bool fits = true;
        for (int j = 1; j <= count; ++j) {
            std::string text(version);
            for (int z = 1; z < depth; ++z) text += std::string(1, sep) + "0";
            text += sep + std::to_string(j);
            auto parts = flyway_parts(text);
            bool collides = std::any_of(taken.begin(), taken.end(), [&](const auto& t) { return compare_flyway(t, parts) == 0; });
            if (collides || (next && compare_flyway(parts, *next) >= 0)) fits = false;
            versions.push_back(std::move(text));
        }
        if (fits || depth == 4) {
            out.versions = std::move(versions);
            if (!fits) out.note = "flyway: no free version between " + std::string(version) + " and the next migration: renumber the plan's migrations by hand";
            if (fits) break;
        }
    }
    return out;
}

}  // namespace

bool pop_name(std::string_view name, PopName& out) {
    bool fizz = name.ends_with(".fizz");
    if (!fizz && !name.ends_with(".sql")) return false;
    name.remove_suffix(fizz ? 5 : 4);
    out = PopName{};
    if (name.ends_with(".down")) out.down = true;
    else if (!name.ends_with(".up")) return false;
    name.remove_suffix(out.down ? 5 : 3);
    if (name.ends_with(".autocommit")) {
        out.autocommit = true;
        name.remove_suffix(11);
    }
    std::size_t dot = name.find('.');
    if (dot != std::string_view::npos) {
        out.dialect = name.substr(dot + 1);
        bool ok = !out.dialect.empty() && std::all_of(out.dialect.begin(), out.dialect.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || is_digit(c);
        });
        if (!ok) return false;
        name = name.substr(0, dot);
    }
    if (!popx_stem(name)) return false;
    out.version = name.substr(0, name.find('_'));
    return true;
}

std::string golang_migrate_as_sql(std::string_view name) {
    if (const std::size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || digits >= name.size() || name[digits] != '_') return {};
    // `(.*)` is greedy: the direction is the last ".up." or ".down." that follows the "_".
    const std::size_t up = name.rfind(".up.");
    const std::size_t down = name.rfind(".down.");
    std::size_t at = std::string_view::npos;
    std::size_t length = 0;
    if (up != std::string_view::npos && up > digits) at = up, length = 4;
    if (down != std::string_view::npos && down > digits && (at == std::string_view::npos || down > at)) at = down, length = 6;
    if (at == std::string_view::npos) return {};
    if (name.substr(at + length) == "sql") return {};
    return std::string(name.substr(0, at + length)) + "sql";
}

bool sql_migration_name(std::string_view path) {
    return path.ends_with(".sql") || path.ends_with(".sql.postgres") || !golang_migrate_as_sql(path).empty();
}

bool postgres_dialect(std::string_view dialect) {
    return dialect == "postgres" || dialect == "postgresql" || dialect == "pg";
}

bool popx_autocommit_name(std::string_view name) {
    for (std::string_view direction : {".autocommit.up.sql", ".autocommit.down.sql"}) {
        if (!name.ends_with(direction)) continue;
        std::string_view stem = name.substr(0, name.size() - direction.size());
        std::size_t dot = stem.find('.');
        if (dot != std::string_view::npos) {
            std::string_view dialect = stem.substr(dot + 1);
            bool ok = !dialect.empty() && std::all_of(dialect.begin(), dialect.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || is_digit(c);
            });
            if (!ok) return false;
            stem = stem.substr(0, dot);
        }
        return popx_stem(stem);
    }
    return false;
}

std::vector<std::string> set_siblings(std::string_view path, const KnownMigrations* known) {
    std::vector<std::string> out;
    if (known == nullptr || known->empty()) return out;
    const std::string set = migration_set(path);
    const auto* members = known->in_set(set);
    if (members == nullptr) return out;
    const std::string self = absolute_path(std::filesystem::path(path)).lexically_normal().generic_string();
    out.reserve(members->size());
    for (std::size_t i : *members) {
        if (known->paths()[i] != self) out.push_back(known->paths()[i]);
    }
    return out;
}

PopSiblings pop_siblings(std::string_view path, const KnownMigrations* known, const PopName& self) {
    PopSiblings out;
    if (known == nullptr || known->empty()) return out;
    const KnownMigrations::PopFiles* files = known->pop_files(migration_set(path));
    if (files == nullptr) return out;
    const std::string me = absolute_path(std::filesystem::path(path)).lexically_normal().generic_string();
    // Another than the file itself: the first path that is not its own (paths are listed once).
    auto other = [&](const std::vector<std::size_t>& of) {
        return std::any_of(of.begin(), of.end(), [&](std::size_t i) { return known->paths()[i] != me; });
    };
    out.autocommit = other(files->autocommit);
    out.pop = other(files->pop);
    // The file itself is never counted in these: its own dialect is none (postgres_file) or
    // another database's (postgres_runs).
    if (self.dialect.empty()) {
        out.postgres_file = files->postgres.contains(std::string(self.version) + (self.down ? " down" : " up"));
    }
    if (!self.down && !self.dialect.empty() && !postgres_dialect(self.dialect)) {
        out.postgres_runs = files->runs_on_postgres.contains(std::string(self.version));
    }
    return out;
}

PlanVersions plan_versions(std::string_view name, bool flyway, int count, const std::vector<std::string>& siblings) {
    PlanVersions out;
    auto span = version_span(name, flyway);
    if (!span || count <= 0) return out;
    if (flyway) return flyway_versions(name, *span, count, siblings);
    std::string_view written = name.substr(span->begin, span->end - span->begin);
    const std::string own = digits_of(written);
    std::optional<std::string> next;
    std::string next_name;
    // Version, name: the set's migrations after the file (into sibling_versions and `siblings`),
    // listed only when the plan's versions do not fit.
    std::vector<std::pair<const std::string*, std::string_view>> later;
    // Each sibling's version, per path: every plan of a set reads every other file's name.
    thread_local std::unordered_map<std::string, std::optional<std::string>> sibling_versions;
    if (sibling_versions.size() > 65536) sibling_versions.clear();
    std::vector<const std::string*> versions_of(siblings.size(), nullptr);  // into sibling_versions, this call only
    const std::string* next_version = nullptr;
    std::size_t next_at = 0;
    for (std::size_t i = 0; i < siblings.size(); ++i) {
        const std::string& s = siblings[i];
        auto known = sibling_versions.find(s);
        if (known == sibling_versions.end()) {
            std::string_view n = sibling_name(s);
            auto sp = version_span(n, false);
            known = sibling_versions.emplace(s, sp ? std::optional<std::string>(digits_of(n.substr(sp->begin, sp->end - sp->begin)))
                                                   : std::nullopt).first;
        }
        if (!known->second) continue;
        const std::string& v = *known->second;
        if (compare_number(v, own) <= 0) continue;
        versions_of[i] = &v;
        if (next_version == nullptr || compare_number(v, *next_version) < 0) {
            next_version = &v;
            next_at = i;
        }
    }
    if (next_version != nullptr) {
        next = *next_version;
        next_name = std::string(sibling_name(siblings[next_at]));
    }
    auto list_later = [&] {
        for (std::size_t i = 0; i < siblings.size(); ++i) {
            if (versions_of[i] != nullptr) later.emplace_back(versions_of[i], sibling_name(siblings[i]));
        }
    };
    std::string current = own;
    bool fits = true;
    for (int k = 0; k < count; ++k) {
        current = step(current);
        if (current.size() != own.size() || (next && compare_number(current, *next) >= 0)) fits = false;
        out.versions.push_back(laid_out(written, current));
    }
    if (!fits && !next) {
        out.note = "the versions after this file's (" + std::string(written) + ") need one digit more: name the plan's migrations 2 to " +
                   std::to_string(count + 1) + " by hand";
    } else if (!fits) {
        list_later();
        std::vector<std::string> in_the_way;
        std::sort(later.begin(), later.end(), [](const auto& a, const auto& b) { return compare_number(*a.first, *b.first) < 0; });
        for (const auto& [v, n] : later) {
            if (compare_number(*v, current) <= 0) in_the_way.emplace_back(n);
        }
        if (in_the_way.empty()) in_the_way.push_back(next_name);
        out.note = "no free version between this file's (" + std::string(written) + ") and the next migration's (" + next_name +
                   "): the plan's migrations 2 to " + std::to_string(count + 1) + " take " + out.versions.front() +
                   (count > 1 ? " to " + out.versions.back() : std::string()) + ", which " + listed(in_the_way) +
                   (in_the_way.size() == 1 ? " already uses or precedes" : " already use or precede") + "; renumber " +
                   (in_the_way.size() == 1 ? "it" : "them") + " (and the migrations after) to follow the plan before adding it";
    }
    return out;
}

std::string with_version(std::string_view name, bool flyway, std::string_view version) {
    auto span = version_span(name, flyway);
    if (!span) return std::string(name);
    return std::string(name.substr(0, span->begin)) + std::string(version) + std::string(name.substr(span->end));
}

}  // namespace pgfence::analyze
