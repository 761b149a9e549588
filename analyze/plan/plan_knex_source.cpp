#include "analyze/plan/plan_knex_source.hpp"

#include <algorithm>
#include <filesystem>

#include "analyze/base/regular_file.hpp"

namespace pgfence::analyze::plan_knex {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_source_max_bytes = 256 * 1024;  // a migration source is a small script
constexpr int k_most_entries = 256;                         // entries of a folder looked at for one
constexpr std::size_t k_semver_max_length = 256;            // node-semver internal/constants.js MAX_LENGTH
constexpr std::size_t k_safe_digits = 15;                   // below Number.MAX_SAFE_INTEGER

bool script_name(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".js" || ext == ".cjs" || ext == ".mjs" || ext == ".ts" || ext == ".cts" || ext == ".mts";
}

// The folder's name as a path's last part in the text: `db/migrations'`, `"migrations"`, `/migrations/`.
bool names_folder(std::string_view text, std::string_view folder) {
    for (std::size_t at = text.find(folder); at != std::string_view::npos; at = text.find(folder, at + 1)) {
        const char before = at == 0 ? ' ' : text[at - 1];
        const char after = at + folder.size() < text.size() ? text[at + folder.size()] : ' ';
        const bool starts = before == '/' || before == '\'' || before == '"' || before == '`';
        const bool ends = after == '/' || after == '\'' || after == '"' || after == '`';
        if (starts && ends) return true;
    }
    return false;
}

struct Version {
    std::string major, minor, patch;  // digits, no leading zero
    std::vector<std::string> pre;
};

bool digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

// node-semver's strict FULL: v?MAJOR.MINOR.PATCH(-PRERELEASE)?(+BUILD)?, numbers without leading
// zeros and within Number.MAX_SAFE_INTEGER.
std::optional<Version> parse(std::string_view s) {
    if (s.size() > k_semver_max_length) return std::nullopt;
    if (!s.empty() && (s[0] == 'v' || s[0] == '=')) s.remove_prefix(1);
    std::size_t plus = s.find('+');
    if (plus != std::string_view::npos) {
        std::string_view build = s.substr(plus + 1);
        if (build.empty()) return std::nullopt;
        for (std::size_t at = 0; at <= build.size();) {
            std::size_t dot = build.find('.', at);
            std::string_view id = build.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
            if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; })) {
                return std::nullopt;
            }
            if (dot == std::string_view::npos) break;
            at = dot + 1;
        }
        s = s.substr(0, plus);
    }
    std::string_view pre;
    if (std::size_t dash = s.find('-'); dash != std::string_view::npos) {
        pre = s.substr(dash + 1);
        if (pre.empty()) return std::nullopt;
        s = s.substr(0, dash);
    }
    Version v;
    std::string* parts[3] = {&v.major, &v.minor, &v.patch};
    for (int i = 0; i < 3; ++i) {
        std::size_t dot = s.find('.');
        std::string_view n = i < 2 ? s.substr(0, dot) : s;
        if (i < 2 && dot == std::string_view::npos) return std::nullopt;
        if (!digits(n) || (n.size() > 1 && n[0] == '0') || n.size() > k_safe_digits) return std::nullopt;
        *parts[i] = std::string(n);
        if (i < 2) s = s.substr(dot + 1);
    }
    for (std::size_t at = 0; !pre.empty() && at <= pre.size();) {
        std::size_t dot = pre.find('.', at);
        std::string_view id = pre.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
        if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; })) {
            return std::nullopt;
        }
        if (digits(id) && ((id.size() > 1 && id[0] == '0') || id.size() > k_safe_digits)) return std::nullopt;
        v.pre.emplace_back(id);
        if (dot == std::string_view::npos) break;
        at = dot + 1;
    }
    return v;
}

int compare_numbers(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
}

// internal/identifiers.js compareIdentifiers: numbers by value, a number below a word, words as strings.
int compare_ids(const std::string& a, const std::string& b) {
    const bool an = digits(a), bn = digits(b);
    if (an && bn) return compare_numbers(a, b);
    if (an != bn) return an ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
}

int compare(const Version& a, const Version& b) {
    if (int c = compare_numbers(a.major, b.major)) return c;
    if (int c = compare_numbers(a.minor, b.minor)) return c;
    if (int c = compare_numbers(a.patch, b.patch)) return c;
    if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;  // a release after its prereleases
    for (std::size_t i = 0;; ++i) {
        if (i == a.pre.size() && i == b.pre.size()) return 0;
        if (i == a.pre.size()) return -1;
        if (i == b.pre.size()) return 1;
        if (int c = compare_ids(a.pre[i], b.pre[i])) return c;
    }
}

// The key a source compares for a file: its name, or (wiki's migrator-source.js
// `m.replace('.js', '')`) its name without the first ".js".
std::string key_of(std::string_view name, bool stripped) {
    std::string key(name);
    if (stripped) {
        if (std::size_t at = key.find(".js"); at != std::string::npos) key.erase(at, 3);
    }
    return key;
}

std::string padded(int k, int total) {
    std::string n = std::to_string(k);
    n.insert(0, std::to_string(total).size() - n.size(), '0');
    return n;
}

}  // namespace

std::optional<int> semver_compare(std::string_view a, std::string_view b) {
    auto va = parse(a), vb = parse(b);
    if (!va || !vb) return std::nullopt;
    return compare(*va, *vb);
}

std::optional<Source> knex_source(std::string_view path) {
    // Asked only for a plan of two migrations or more: at most three folders' first entries read,
    // never cached (the language server analyses again after an edit of the source).
    std::error_code ec;
    const fs::path folder = fs::absolute(fs::path(path), ec).lexically_normal().parent_path();
    std::optional<Source> found;
    const std::string name = folder.filename().generic_string();
    fs::path look = folder;
    for (int level = 0; level < 3 && !found && !look.empty(); ++level, look = look.parent_path()) {
        int seen = 0;
        for (fs::directory_iterator it(look, ec), end; !ec && it != end && seen < k_most_entries; it.increment(ec), ++seen) {
            if (!it->is_regular_file(ec) || !script_name(it->path())) continue;
            auto text = read_regular_file(it->path().string(), k_source_max_bytes, "a knex migration source");
            if (!text || text->find("getMigrations") == std::string::npos || !names_folder(*text, name)) continue;
            // getMigrations() sorting with semver (wiki: `.sort(semver.compare)`): the names must be versions.
            found = Source{it->path().generic_string(), text->find("semver") != std::string::npos ? Order::Semver : Order::Unknown};
            break;
        }
        if (look == look.parent_path()) break;
    }
    return found;
}

Names semver_names(std::string_view name, int count, const std::vector<std::string>& folder_names) {
    Names out;
    if (count <= 0) return out;
    // Whether the source compares names or names without ".js" is not read: a name must sort
    // right after the original under each reading every file of the folder is a version under.
    std::vector<bool> readings;
    for (bool stripped : {false, true}) {
        bool all = parse(key_of(name, stripped)).has_value();
        for (const auto& other : folder_names) all = all && parse(key_of(other, stripped)).has_value();
        if (all) readings.push_back(stripped);
    }
    if (readings.empty()) {
        out.declined = "the project's knex migration source sorts its names with semver.compare, and not every name in the folder is a "
                       "version to it: pgfence cannot tell where a new migration would run";
        return out;
    }
    const std::string ext = name.ends_with(".js") ? ".js" : name.ends_with(".ts") ? ".ts" : "";
    const std::string stem(name.substr(0, name.size() - ext.size()));
    const auto own = parse(key_of(name, true)).has_value() ? parse(key_of(name, true)) : parse(key_of(name, false));
    if (!own || stem.find('+') != std::string::npos) {
        out.declined = "the project's knex migration source sorts its names with semver.compare: no version fits after " + std::string(name);
        return out;
    }
    // After a prerelease, one more identifier (2.0.0-beta.11 -> 2.0.0-beta.11.pgfence2); after a
    // release, a prerelease of the next patch (2.1.85 -> 2.1.86-pgfence2), which sorts before 2.1.86.
    std::vector<std::string> forms;
    for (std::string_view word : {"", "pgfence"}) {
        std::string base = own->pre.empty()
                               ? stem.substr(0, stem.rfind('.') + 1) + std::to_string(std::stoull(own->patch) + 1) + "-" + std::string(word)
                               : stem + "." + std::string(word);
        if (own->pre.empty() && word.empty()) base += "0.";
        forms.push_back(base);
    }
    for (const auto& form : forms) {
        std::vector<std::string> names;
        for (int k = 2; k <= count + 1; ++k) names.push_back(form + padded(k, count + 1) + ext);
        bool fits = true;
        for (bool stripped : readings) {
            std::string prev = key_of(name, stripped);
            for (const auto& n : names) {
                auto c = semver_compare(prev, key_of(n, stripped));
                fits = fits && c && *c < 0 && std::find(folder_names.begin(), folder_names.end(), n) == folder_names.end();
                prev = key_of(n, stripped);
            }
            // No file of the folder between the original and the last new one.
            const std::string first = key_of(name, stripped), last = prev;
            for (const auto& other : folder_names) {
                const std::string k = key_of(other, stripped);
                auto after_first = semver_compare(first, k), before_last = semver_compare(k, last);
                if (other != name && after_first && before_last && *after_first < 0 && *before_last <= 0) fits = false;
            }
        }
        if (fits) {
            out.names = std::move(names);
            return out;
        }
    }
    out.declined = "the project's knex migration source sorts its names with semver.compare, and no version is free between " +
                   std::string(name) + " and the next migration of its folder";
    return out;
}

}  // namespace pgfence::analyze::plan_knex
