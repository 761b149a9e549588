#include "analyze/migrations/flyway_settings.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/utf8.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\f' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\f' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Appends `code` (a UTF-16 unit from \uXXXX; lone surrogates as U+FFFD) as UTF-8.
void append_utf16_unit(std::string& out, unsigned code) {
    append_utf8(out, code >= 0xD800 && code <= 0xDFFF ? 0xFFFD : code);
}

// A setting read into `s`; `unknown` when its value cannot be known from the file.
void apply(FlywaySettings& s, const std::string& key, const std::string& value, bool unknown, int line) {
    s.lines.push_back(SettingLine{key, value, line});
    const std::string k = lower(key);
    // Flyway replaces ${VAR} in a settings file's values with the environment variable VAR
    // (documentation "Configuration files": environment variable substitution): not known here.
    unknown = unknown || value.find("${") != std::string::npos;
    if (k.starts_with("flyway.placeholders.")) {
        std::string name = lower(std::string_view(key).substr(20));
        auto [at, fresh] = s.placeholders.try_emplace(name, unknown ? std::nullopt : std::optional<std::string>(value));
        if (!fresh && at->second != (unknown ? std::nullopt : std::optional<std::string>(value))) at->second.reset();
    } else if (k == "flyway.placeholderprefix" || k == "flyway.placeholdersuffix" || k == "flyway.placeholderreplacement") {
        if (unknown) s.syntax_unknown = true;
        if (k == "flyway.placeholderprefix") s.prefix = value;
        else if (k == "flyway.placeholdersuffix") s.suffix = value;
        else if (lower(value) == "false") s.replacement = false;
        else if (lower(value) != "true") s.syntax_unknown = true;
        if (s.prefix.empty() || s.suffix.empty()) s.syntax_unknown = true;
    } else if (k == "flyway.sqlmigrationsuffixes") {
        std::string_view rest = value;
        while (!rest.empty()) {
            std::size_t comma = rest.find(',');
            std::string one = lower(trim(rest.substr(0, comma)));
            if (!one.empty() && one != ".sql" && std::find(s.migration_suffixes.begin(), s.migration_suffixes.end(), one) == s.migration_suffixes.end()) {
                s.migration_suffixes.push_back(one);
            }
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        if (unknown) s.migration_suffixes.push_back("*");  // not known: any file of the locations
        // Without .sql, Flyway does not run the .sql files pgfence takes for its migrations.
        std::string listed = "," + lower(value) + ",";
        std::erase(listed, ' ');
        if ((unknown || listed.find(",.sql,") == std::string::npos) && s.naming.empty()) s.naming = key + "=" + value.substr(0, 40);
    } else if (k == "flyway.encoding") {
        std::string e = lower(trim(value));
        std::erase(e, '-');
        std::erase(e, '_');
        if (unknown || e != "utf8") s.encoding = unknown ? std::string("?") : std::string(trim(value));
    } else if (k == "flyway.sqlmigrationprefix" || k == "flyway.undosqlmigrationprefix" ||
               k == "flyway.repeatablesqlmigrationprefix" || k == "flyway.sqlmigrationseparator") {
        const std::string_view standard = k == "flyway.sqlmigrationprefix"     ? "V"
                                          : k == "flyway.undosqlmigrationprefix" ? "U"
                                          : k == "flyway.repeatablesqlmigrationprefix" ? "R"
                                                                                       : "__";
        if ((unknown || value != standard) && s.naming.empty()) s.naming = key + "=" + value.substr(0, 40);
    } else if (k == "flyway.locations") {
        std::string_view rest = value;
        while (!rest.empty()) {
            std::size_t comma = rest.find(',');
            std::string_view one = trim(rest.substr(0, comma));
            if (!one.empty()) s.locations.emplace_back(one);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
}

// Java's String.trim: what is at most U+0020 at either end.
std::string_view java_trim(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
    return s;
}

// The text Flyway gives Properties.load for a flyway.conf (flyway/flyway flyway-core
// src/main/java/org/flywaydb/core/internal/configuration/ConfigUtils.java,
// loadConfigurationFromString, which loadConfigurationFile reaches through
// loadConfigurationFromReader): "\r\n" made "\n", split into lines (String.split drops the trailing
// empty ones), each line trimmed and every backslash doubled, so that Properties reads backslashes
// as written: `a\b` stays `a\b`, `\u0041`, `\n`, `\:` and `\=` keep their backslash. A line that
// ended in a backslash continues on the next (its last backslash single again) only when the next
// line is not empty and is not a `flyway.` setting with `=`, or is one holding `==` or `!=` that
// does not start with shouldExecute (SqlScriptMetadata.isMultilineBooleanExpression).
std::string flyway_conf_contents(std::string_view text) {
    std::string normalized;
    normalized.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        normalized += text[i];
    }
    std::vector<std::string_view> lines;
    std::string_view rest = normalized;
    while (true) {
        std::size_t nl = rest.find('\n');
        lines.push_back(rest.substr(0, nl));
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
    while (lines.size() > 1 && lines.back().empty()) lines.pop_back();
    std::string out;
    out.reserve(normalized.size() * 2);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::size_t start = out.size();
        for (char c : java_trim(lines[i])) {
            out += c;
            if (c == '\\') out += '\\';
        }
        if (out.size() - start >= 2 && out.ends_with("\\\\") && i + 1 < lines.size()) {
            std::string_view next = lines[i + 1];
            bool restore = false;
            if (next.empty()) {
                restore = false;
            } else if (java_trim(next).starts_with("flyway.") && next.find('=') != std::string_view::npos) {
                restore = !next.starts_with("shouldExecute") &&
                          (next.find("==") != std::string_view::npos || next.find("!=") != std::string_view::npos);
            } else {
                restore = true;
            }
            if (restore) out.pop_back();
        }
        out += '\n';
    }
    return out;
}

// Java properties (java.util.Properties.load, which Flyway's ConfigUtils.loadConfigurationFile
// calls on flyway_conf_contents' text): `key=value`, `key: value` or `key value`, # and ! comments,
// a line ending in an odd number of backslashes continues on the next, \t \n \r \f \uXXXX and \x
// escapes.
void read_properties(FlywaySettings& s, std::string_view text) {
    std::size_t at = 0;
    int line_no = 0;
    while (at < text.size()) {
        const int first_line = ++line_no;
        // One logical line: physical lines joined where one ends in an odd run of backslashes.
        std::string logical;
        bool first = true;
        while (at <= text.size()) {
            std::size_t nl = text.find('\n', at);
            std::string_view physical = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
            at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
            if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
            // Properties drops the leading white space of every physical line, continuations too.
            while (!physical.empty() && (physical.front() == ' ' || physical.front() == '\t' || physical.front() == '\f')) {
                physical.remove_prefix(1);
            }
            if (first && (physical.empty() || physical.front() == '#' || physical.front() == '!')) break;
            first = false;
            std::size_t slashes = 0;
            while (slashes < physical.size() && physical[physical.size() - 1 - slashes] == '\\') ++slashes;
            if (slashes % 2 == 1 && at <= text.size()) {
                logical.append(physical.substr(0, physical.size() - 1));
                ++line_no;
                continue;
            }
            logical.append(physical);
            break;
        }
        if (at > text.size()) at = text.size();
        if (logical.empty()) continue;
        // The key ends at the first unescaped '=', ':' or white space.
        std::string key, value;
        bool unknown = false;
        std::size_t i = 0;
        auto unescape = [&](std::string& out, bool in_key) {
            for (; i < logical.size(); ++i) {
                char c = logical[i];
                if (in_key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f')) return;
                if (c != '\\' || i + 1 >= logical.size()) {
                    out += c;
                    continue;
                }
                char e = logical[++i];
                if (e == 't') out += '\t';
                else if (e == 'n') out += '\n';
                else if (e == 'r') out += '\r';
                else if (e == 'f') out += '\f';
                else if (e == 'u') {
                    unsigned code = 0;
                    auto [end, ec] = i + 5 <= logical.size()
                                         ? std::from_chars(logical.data() + i + 1, logical.data() + i + 5, code, 16)
                                         : std::from_chars_result{nullptr, std::errc::invalid_argument};
                    if (ec != std::errc() || end != logical.data() + i + 5) {
                        unknown = true;  // Properties.load throws "Malformed \uxxxx encoding"
                        return;
                    }
                    append_utf16_unit(out, code);
                    i += 4;
                } else {
                    out += e;
                }
            }
        };
        unescape(key, true);
        while (i < logical.size() && (logical[i] == ' ' || logical[i] == '\t' || logical[i] == '\f')) ++i;
        if (i < logical.size() && (logical[i] == '=' || logical[i] == ':')) ++i;
        while (i < logical.size() && (logical[i] == ' ' || logical[i] == '\t' || logical[i] == '\f')) ++i;
        unescape(value, false);
        if (lower(key).starts_with("flyway.")) apply(s, key, value, unknown, first_line);
    }
}

// A TOML value on one line: a basic or literal string, an array of them, or a bare word
// (number, boolean). `ok` false when it is none of these (a multi-line string, an inline table).
std::vector<std::string> toml_values(std::string_view v, bool& ok, bool& array) {
    std::vector<std::string> out;
    ok = true;
    array = false;
    v = trim(v);
    if (!v.empty() && v.front() == '[') {
        array = true;
        v.remove_prefix(1);
    }
    while (true) {
        v = trim(v);
        if (array && !v.empty() && (v.front() == ']')) return out;
        if (v.empty() || v.front() == '#') {
            ok = !array;  // an array over several lines is not read here
            return out;
        }
        std::string one;
        if (v.starts_with("\"\"\"") || v.starts_with("'''")) {
            ok = false;
            return out;
        }
        if (v.front() == '\'') {
            std::size_t end = v.find('\'', 1);
            if (end == std::string_view::npos) return ok = false, out;
            one = std::string(v.substr(1, end - 1));
            v.remove_prefix(end + 1);
        } else if (v.front() == '"') {
            std::size_t k = 1;
            for (; k < v.size() && v[k] != '"'; ++k) {
                if (v[k] != '\\') {
                    one += v[k];
                    continue;
                }
                if (++k >= v.size()) return ok = false, out;
                char e = v[k];
                if (e == 'n') one += '\n';
                else if (e == 't') one += '\t';
                else if (e == 'r') one += '\r';
                else if (e == 'b') one += '\b';
                else if (e == 'f') one += '\f';
                else if (e == '"' || e == '\\') one += e;
                else if (e == 'u' && k + 4 < v.size()) {
                    unsigned code = 0;
                    auto [end, ec] = std::from_chars(v.data() + k + 1, v.data() + k + 5, code, 16);
                    if (ec != std::errc() || end != v.data() + k + 5) return ok = false, out;
                    append_utf16_unit(one, code);
                    k += 4;
                } else {
                    return ok = false, out;  // \U, or an escape TOML refuses
                }
            }
            if (k >= v.size()) return ok = false, out;
            v.remove_prefix(k + 1);
        } else {
            std::size_t end = 0;
            while (end < v.size() && v[end] != ',' && v[end] != ']' && v[end] != '#' && v[end] != ' ' && v[end] != '\t') ++end;
            one = std::string(v.substr(0, end));
            if (one.empty() || one.front() == '{') return ok = false, out;
            v.remove_prefix(end);
        }
        out.push_back(std::move(one));
        v = trim(v);
        if (!array) {
            ok = v.empty() || v.front() == '#';
            return out;
        }
        if (!v.empty() && v.front() == ',') v.remove_prefix(1);
    }
}

// A key or table name with its quotes taken off each dotted part (`"flyway".placeholders`).
std::string toml_key(std::string_view k) {
    std::string out;
    for (char c : trim(k)) {
        if (c != '"' && c != '\'' && c != ' ' && c != '\t') out += c;
    }
    return out;
}

// flyway.toml (documentation "TOML configuration file"): [flyway] holds the settings,
// [flyway.placeholders] the placeholders, and [environments.NAME.flyway...] an environment's own
// (which one a deploy uses is not in the repository: its values count as other files' do).
void read_toml(FlywaySettings& s, std::string_view text) {
    std::string table;
    std::size_t at = 0;
    int line_no = 0;
    FlywaySettings environments;  // merged after, so that they disagree rather than override
    while (at <= text.size()) {
        std::size_t nl = text.find('\n', at);
        std::string_view line = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '[') {
            std::size_t close = line.find(']');
            table = toml_key(line.substr(line.starts_with("[[") ? 2 : 1, close == std::string_view::npos ? 0 : close - 1));
            continue;
        }
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key = toml_key(line.substr(0, eq));
        std::string full = table.empty() ? key : table + "." + key;
        FlywaySettings* into = &s;
        // environments.NAME.flyway.x -> flyway.x, read as another file's.
        if (full.starts_with("environments.")) {
            std::size_t dot = full.find('.', 13);
            if (dot == std::string::npos || !full.substr(dot + 1).starts_with("flyway.")) continue;
            full = full.substr(dot + 1);
            into = &environments;
        }
        if (!full.starts_with("flyway.")) continue;
        bool ok = true, array = false;
        std::vector<std::string> values = toml_values(line.substr(eq + 1), ok, array);
        std::string joined;
        for (std::size_t k = 0; k < values.size(); ++k) joined += (k == 0 ? "" : ",") + values[k];
        if (!ok) joined = std::string(trim(line.substr(eq + 1)));
        apply(*into, full, joined, !ok, line_no);
    }
    if (!environments.lines.empty()) {
        std::vector<SettingLine> lines = std::move(s.lines);
        merge_flyway_settings(s, environments);
        lines.insert(lines.end(), environments.lines.begin(), environments.lines.end());
        std::stable_sort(lines.begin(), lines.end(), [](const SettingLine& a, const SettingLine& b) { return a.line < b.line; });
        s.lines = std::move(lines);
    }
}

std::string printable(std::string_view text) { return tool_dirs_detail::printable(text, 120); }

constexpr std::string_view k_packed = "pgfence flyway settings\n";

}  // namespace

const std::vector<std::string_view>& flyway_settings_names() {
    static const std::vector<std::string_view> names = {"flyway.conf", "flyway.toml", "flyway.user.toml"};
    return names;
}

FlywaySettings read_flyway_settings(std::string_view name, std::string_view text) {
    FlywaySettings s;
    if (name.ends_with(".toml")) read_toml(s, text);
    else read_properties(s, flyway_conf_contents(text));
    return s;
}

void merge_flyway_settings(FlywaySettings& into, const FlywaySettings& from) {
    if (from.replacement != into.replacement || from.prefix != into.prefix || from.suffix != into.suffix) {
        // A file that sets none of them leaves Flyway's defaults: only a file that sets one counts.
        bool sets = std::any_of(from.lines.begin(), from.lines.end(), [](const SettingLine& l) {
            std::string k = lower(l.key);
            return k == "flyway.placeholderprefix" || k == "flyway.placeholdersuffix" || k == "flyway.placeholderreplacement";
        });
        bool into_sets = std::any_of(into.lines.begin(), into.lines.end(), [](const SettingLine& l) {
            std::string k = lower(l.key);
            return k == "flyway.placeholderprefix" || k == "flyway.placeholdersuffix" || k == "flyway.placeholderreplacement";
        });
        if (sets && into_sets) into.syntax_unknown = true;
        else if (sets) {
            into.replacement = from.replacement;
            into.prefix = from.prefix;
            into.suffix = from.suffix;
        }
    }
    into.syntax_unknown = into.syntax_unknown || from.syntax_unknown;
    for (const auto& [name, value] : from.placeholders) {
        auto [at, fresh] = into.placeholders.try_emplace(name, value);
        if (!fresh && at->second != value) at->second.reset();
    }
    for (const auto& l : from.locations) {
        if (std::find(into.locations.begin(), into.locations.end(), l) == into.locations.end()) into.locations.push_back(l);
    }
    for (const auto& x : from.migration_suffixes) {
        if (std::find(into.migration_suffixes.begin(), into.migration_suffixes.end(), x) == into.migration_suffixes.end()) {
            into.migration_suffixes.push_back(x);
        }
    }
    if (into.encoding.empty()) into.encoding = from.encoding;
    if (into.naming.empty()) into.naming = from.naming;
    into.lines.insert(into.lines.end(), from.lines.begin(), from.lines.end());
    into.files.insert(into.files.end(), from.files.begin(), from.files.end());
}

std::string pack_flyway_files(const std::vector<std::pair<std::string, std::string>>& files) {
    std::string out(k_packed);
    for (const auto& [path, text] : files) {
        out += std::to_string(path.size()) + " " + std::to_string(text.size()) + "\n" + path + text;
    }
    return out;
}

void add_flyway_file(std::string& packed, std::string_view path, std::string_view text) {
    if (!packed.starts_with(k_packed)) packed = std::string(k_packed);
    packed += std::to_string(path.size()) + " " + std::to_string(text.size()) + "\n";
    packed += path;
    packed += text;
}

std::optional<FlywaySettings> unpack_flyway_files(std::string_view packed) {
    if (!packed.starts_with(k_packed)) return std::nullopt;
    packed.remove_prefix(k_packed.size());
    FlywaySettings all;
    bool first = true;
    while (!packed.empty()) {
        std::size_t path_size = 0, text_size = 0;
        auto [p, e1] = std::from_chars(packed.data(), packed.data() + packed.size(), path_size);
        if (e1 != std::errc() || p == packed.data() + packed.size() || *p != ' ') return std::nullopt;
        auto [t, e2] = std::from_chars(p + 1, packed.data() + packed.size(), text_size);
        if (e2 != std::errc() || t == packed.data() + packed.size() || *t != '\n') return std::nullopt;
        packed.remove_prefix(static_cast<std::size_t>(t - packed.data()) + 1);
        if (path_size > packed.size() || text_size > packed.size() - path_size) return std::nullopt;
        std::string_view path = packed.substr(0, path_size);
        if (flyway_script_config_name(path_name(path))) {
            // Added last (add_flyway_file), after the settings whose placeholder prefix it uses.
            all.script = read_flyway_script_config(path, packed.substr(path_size, text_size), all.prefix);
            all.files.emplace_back(path);
            packed.remove_prefix(path_size + text_size);
            continue;
        }
        FlywaySettings one = read_flyway_settings(path_name(path), packed.substr(path_size, text_size));
        one.files.emplace_back(path);
        if (first) all = std::move(one);
        else merge_flyway_settings(all, one);
        first = false;
        packed.remove_prefix(path_size + text_size);
    }
    return all;
}

std::vector<std::string> flyway_settings_candidates(std::string_view migration_path) {
    std::vector<std::string> out;
    std::string_view folder = path_folder(migration_path);
    for (int depth = 0; depth < 64; ++depth) {
        std::string prefix = folder.empty() ? std::string() : std::string(folder) + "/";
        for (std::string_view name : flyway_settings_names()) {
            out.push_back(prefix + std::string(name));
            out.push_back(prefix + "conf/" + std::string(name));
        }
        if (folder.empty() || folder == "/" || folder == "." || folder == "..") break;
        folder = path_folder(folder);
    }
    return out;
}

std::vector<SettingChange> flyway_setting_changes(std::string_view name, const std::optional<std::string>& base,
                                                std::string_view head) {
    FlywaySettings before = base ? read_flyway_settings(name, *base) : FlywaySettings{};
    FlywaySettings after = read_flyway_settings(name, head);
    std::map<std::string, std::vector<std::string>> old_values, new_values;  // by lower-cased key
    for (const SettingLine& l : before.lines) old_values[lower(l.key)].push_back(l.value);
    for (const SettingLine& l : after.lines) new_values[lower(l.key)].push_back(l.value);
    std::vector<SettingChange> out;
    for (const SettingLine& l : after.lines) {
        const std::string key = lower(l.key);
        auto& olds = old_values[key];
        if (olds == new_values[key]) continue;
        std::string was = olds.empty() ? "not set before" : "was " + printable(olds.front());
        out.push_back(SettingChange{l.line, printable(l.key) + " = " + printable(l.value) + " (" + was + ")"});
    }
    for (const auto& [key, values] : old_values) {
        if (values.empty() || new_values.contains(key)) continue;
        out.push_back(SettingChange{1, printable(key) + " removed (was " + printable(values.front()) + ")"});
    }
    std::stable_sort(out.begin(), out.end(), [](const SettingChange& a, const SettingChange& b) { return a.line < b.line; });
    return out;
}

std::string location_folder(std::string_view settings_path, std::string_view location) {
    // Flyway reads a location without a prefix as classpath: (documentation "Locations").
    if (!location.starts_with("filesystem:")) return {};
    std::string_view where = trim(location.substr(11));
    if (where.empty() || where.front() == '/' || where.find("..") != std::string_view::npos ||
        where.find_first_of("*?{") != std::string_view::npos) {
        return {};  // outside the repository, or a wildcard location: not a folder of it
    }
    while (where.starts_with("./")) where.remove_prefix(2);
    while (where.ends_with("/")) where.remove_suffix(1);
    std::string_view base = path_folder(settings_path);
    // A conf/ folder's file speaks for the folder above it (the install directory's layout).
    if (path_name(base) == "conf") base = path_folder(base);
    if (where.empty() || where == ".") return base.empty() ? std::string(".") : std::string(base);
    return base.empty() ? std::string(where) : std::string(base) + "/" + std::string(where);
}

}  // namespace pgfence::analyze::tools
