#include "analyze/migrations/changelog_dirs.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/ascii.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/base/toml_values.hpp"
#include "analyze/migrations/spring_env.hpp"
#include "analyze/migrations/spring_flyway.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Each line of `text`, trimmed, with its number, until `fn` returns false.
template <class Fn>
void each_trimmed_line(std::string_view text, Fn&& fn) {
    int n = 0;
    for (std::size_t at = 0; at <= text.size();) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        const std::string_view l = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (!fn(n, l)) return;
    }
}

int line_at(std::string_view text, std::size_t at) {
    int n = 1;
    for (std::size_t i = 0; i < at && i < text.size(); ++i) n += text[i] == '\n';
    return n;
}

// The value of attribute/key `key` in `span` (XML `key="v"`, YAML `key: v`, JSON `"key": "v"`) and
// its offset in `span`; nullopt when none.
std::optional<std::pair<std::string, std::size_t>> value_of(std::string_view span, std::string_view key) {
    for (std::size_t at = span.find(key); at != std::string_view::npos; at = span.find(key, at + 1)) {
        if (at > 0 && (std::isalnum(static_cast<unsigned char>(span[at - 1])) || span[at - 1] == '_')) continue;
        std::size_t i = at + key.size();
        if (i < span.size() && span[i] == '"') ++i;
        while (i < span.size() && (span[i] == ' ' || span[i] == '\t')) ++i;
        if (i >= span.size() || (span[i] != '=' && span[i] != ':')) continue;
        ++i;
        while (i < span.size() && (span[i] == ' ' || span[i] == '\t')) ++i;
        if (i < span.size() && (span[i] == '"' || span[i] == '\'')) {
            const std::size_t end = span.find(span[i], i + 1);
            if (end == std::string_view::npos) return std::nullopt;
            return std::make_pair(std::string(span.substr(i + 1, end - i - 1)), i);
        }
        const std::size_t end = span.find_first_of(" \t\r\n,}", i);
        return std::make_pair(std::string(trim(span.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i))), i);
    }
    return std::nullopt;
}

// The folders a changelog's relative path may be read from: the changelog's own folder with
// relativeToChangelogFile, else the classpath's roots (src/main/resources, src/test/resources
// above it) and the repository's top.
std::vector<std::string> roots(std::string_view path, bool relative) {
    if (relative) return {std::string(path_folder(path))};
    std::vector<std::string> out;
    for (std::string_view marker : {"src/main/resources", "src/test/resources"}) {
        const std::size_t at = path.find(marker);
        if (at != std::string_view::npos && (at == 0 || path[at - 1] == '/')) out.emplace_back(path.substr(0, at + marker.size()));
    }
    out.emplace_back();
    return out;
}

void add(std::vector<ToolDir>& out, std::string tool, const std::string& setting, int line, const std::string& base, std::string value,
         const std::string& why, bool folder) {
    if (value.starts_with("classpath:")) value.erase(0, 10);
    while (value.starts_with("/") && !base.empty()) value.erase(0, 1);
    while (value.ends_with("/")) value.pop_back();
    if (value.find_first_of("${") != std::string::npos) {
        ToolDir d = unknown_dir(tool, setting, line, "it names " + value + ", which pgfence does not resolve", false);
        d.loads_unread = why;
        out.push_back(std::move(d));
        return;
    }
    ToolDir d = folder_dir(std::move(tool), setting, line, base, value.empty() ? std::string(".") : value, false);
    if (!d.unknown.empty()) return;
    if (folder) d.folder = (d.folder == "." || d.folder.empty() ? std::string() : d.folder + "/") + "**/*.sql";
    d.loads_unread = why;
    out.push_back(std::move(d));
}

void read_liquibase(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    // sqlFile (XML `<sqlFile path=...>`, YAML `- sqlFile: path:`): a change set that runs that SQL file,
    // again whenever the file changes under runOnChange or at every update under runAlways (red team
    // R69 C6: a pull request that edits only that file re-runs it).
    for (std::string_view tag : {std::string_view("includeAll"), std::string_view("include"), std::string_view("sqlFile")}) {
        for (std::size_t at = text.find(tag); at != std::string_view::npos; at = text.find(tag, at + 1)) {
            const std::size_t after = at + tag.size();
            if (tag == "include" && after < text.size() && text[after] == 'A') continue;  // includeAll
            if (after < text.size() && (std::isalnum(static_cast<unsigned char>(text[after])) || text[after] == '_')) continue;
            // The element's span: to the next include or change set, at most 600 bytes.
            std::size_t end = std::min(text.size(), at + 600);
            for (std::string_view next : {"include", "changeSet", "sqlFile"}) {
                const std::size_t n = text.find(next, after);
                if (n != std::string_view::npos) end = std::min(end, n);
            }
            const std::string_view span = text.substr(at, end - at);
            const auto v = value_of(span, tag == "include" ? "file" : "path");
            if (!v) continue;
            if (tag == "include" && !lowered(v->first).ends_with(".sql")) continue;
            const bool relative = lowered(span).find("relativetochangelogfile") != std::string::npos &&
                                  value_of(span, "relativeToChangelogFile").value_or(std::make_pair(std::string(), std::size_t{0})).first == "true";
            const int line = line_at(text, at + v->second);
            const std::string why =
                tag == "includeAll"
                    ? "Liquibase runs every .sql file of the folder " + std::string(path) + "'s includeAll names (" + v->first +
                          "), each whole as one change set (SqlChangeLogParser): a Liquibase migration pgfence does not read: review it"
                : tag == "sqlFile"
                    ? "Liquibase runs this SQL file in a change set of " + std::string(path) + " (sqlFile; with runOnChange or "
                          "runAlways, again when it changes): a Liquibase migration pgfence does not read: review it"
                    : "Liquibase runs this .sql file whole as one change set (" + std::string(path) + " includes it): a Liquibase migration pgfence does not read: review it";
            for (const auto& root : roots(path, relative)) add(out, "liquibase", std::string(tag) + " " + (tag == "include" ? "file" : "path"), line, root, v->first, why, tag == "includeAll");
        }
    }
}

// sqitch.conf (git-config format): [core], [engine "pg"], [target "x"] top_dir / deploy_dir.
void read_sqitch(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    struct Section {
        std::string name;
        std::string top, deploy;
        int top_line = 0, deploy_line = 0;
    };
    std::vector<Section> sections{{"core", {}, {}, 0, 0}};
    Section* current = nullptr;
    each_trimmed_line(text, [&](int n, std::string_view l) {
        if (l.empty() || l.front() == '#' || l.front() == ';') return true;
        if (l.front() == '[') {
            std::string name = lowered(trim(l.substr(1, l.find(']') == std::string_view::npos ? std::string_view::npos : l.find(']') - 1)));
            current = nullptr;
            if (name == "core" || name.starts_with("engine \"pg\"") || name.starts_with("target ")) {
                if (name != "core") sections.push_back({name, {}, {}, 0, 0});
                current = name == "core" ? &sections.front() : &sections.back();
            }
            return true;
        }
        if (!current) return true;
        const std::size_t eq = l.find('=');
        if (eq == std::string_view::npos) return true;
        const std::string key = lowered(trim(l.substr(0, eq)));
        std::string value(trim(l.substr(eq + 1)));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        if (key == "top_dir") {
            current->top = value;
            current->top_line = n;
        } else if (key == "deploy_dir") {
            current->deploy = value;
            current->deploy_line = n;
        }
        return true;
    });
    const Section& core = sections.front();
    const std::string base(path_folder(path));
    for (const auto& s : sections) {
        const std::string top = !s.top.empty() ? s.top : !core.top.empty() ? core.top : std::string(".");
        const bool own_deploy = !s.deploy.empty();
        const std::string deploy = own_deploy ? s.deploy : !core.deploy.empty() ? core.deploy : (top == "." ? std::string() : top + "/") + "deploy";
        const int line = own_deploy ? s.deploy_line : s.top_line ? s.top_line : core.deploy_line ? core.deploy_line : core.top_line ? core.top_line : 1;
        add(out, "sqitch", "[" + s.name + "] deploy_dir", line, base, deploy,
            "a Sqitch deploy script (" + std::string(path) + " puts Sqitch's deploy scripts in " + deploy + "): a Sqitch migration pgfence does not read: review it",
            true);
    }
}

// Spring Boot's SQL initialization (red team R68 B3): with spring.sql.init.mode=always (Boot 2.5+;
// spring.datasource.initialization-mode=always before) it runs classpath schema.sql and data.sql,
// their -${platform} variants, or the files spring.sql.init.schema-locations / data-locations
// name, at every start (Spring Boot how-to "Initialize a Database Using Basic SQL Scripts";
// SqlInitializationProperties). Those files are migrations, analysed as SQL (tool "psql": read whole).
// `classpath`: the folders classpath: names (src/main/resources above the file, else its folder).
void read_spring_sql_init(std::string_view text, const std::vector<std::string>& classpath, std::vector<ToolDir>& out) {
    int on = 0;
    int n = 0;
    std::vector<std::pair<int, std::string>> locations;
    bool under_init = false;  // YAML: inside spring.sql.init
    std::size_t init_indent = 0;
    for (std::size_t at = 0; at <= text.size();) {
        ++n;
        const std::size_t nl = text.find('\n', at);
        std::string_view raw = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
        at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        const std::size_t indent = raw.find_first_not_of(" \t");
        if (indent == std::string_view::npos) continue;
        const std::string l = lowered(trim(raw));
        if (l.starts_with("#")) continue;
        if (under_init && indent <= init_indent) under_init = false;
        if (l == "init:") {
            under_init = true;
            init_indent = indent;
            continue;
        }
        const bool init_key = l.find("sql.init.") != std::string::npos || under_init;
        if ((init_key && l.find("mode") != std::string::npos && l.find("always") != std::string::npos) ||
            (l.find("initialization-mode") != std::string::npos && l.find("always") != std::string::npos)) {
            on = n;
        }
        if ((init_key || l.find("datasource.") != std::string::npos) && (l.find("schema-locations") != std::string::npos ||
                                                                         l.find("data-locations") != std::string::npos)) {
            std::string_view v = trim(raw);
            v = v.substr(std::min(v.size(), v.find_first_of("=:") + 1));
            std::size_t start = 0;
            const std::string value(trim(v));
            while (start <= value.size()) {
                const std::size_t comma = value.find(',', start);
                std::string one(trim(std::string_view(value).substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
                if (one.size() >= 2 && (one.front() == '"' || one.front() == '\'') && one.back() == one.front()) one = one.substr(1, one.size() - 2);
                if (one.starts_with("- ")) one = std::string(trim(std::string_view(one).substr(2)));
                if (!one.empty()) locations.emplace_back(n, one);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }
    if (on == 0) return;
    auto add_sql = [&](const std::string& setting, int line, std::string value) {
        for (std::string_view prefix : {"optional:", "classpath*:", "classpath:", "file:"}) {
            if (value.starts_with(prefix)) value.erase(0, prefix.size());
        }
        if (value.find_first_of("${") != std::string::npos) {
            out.push_back(unknown_dir("psql", setting, line, "it names " + value + ", which pgfence does not resolve", false));
            return;
        }
        for (const auto& root : classpath) {
            while (value.starts_with("/")) value.erase(0, 1);
            out.push_back(folder_dir("psql", setting, line, root, value, false));
        }
    };
    if (locations.empty()) {
        for (std::string_view f : {"schema.sql", "data.sql", "schema-*.sql", "data-*.sql"}) add_sql("spring.sql.init.mode=always", on, std::string(f));
    }
    for (const auto& [line, value] : locations) add_sql("spring.sql.init locations", line, value);
}

// Flyway on the classpath (flyway-core or org.flywaydb in pom.xml or build.gradle): Spring Boot's
// FlywayProperties.locations, and Flyway's own `locations`, default to classpath:db/migration,
// which Flyway scans with its subfolders (red team R68 B20). A location set elsewhere is read as
// well; this default is followed beside it. The build names Flyway by its coordinate
// (org.flywaydb:flyway-core, <groupId>org.flywaydb</groupId>), by Spring Boot 4's
// spring-boot-starter-flyway, or through a Gradle version catalog (red team R69 C13): the
// catalog (gradle/libs.versions.toml, or one settings.gradle declares) holds the coordinate, and
// the build script names its accessor, `libs.flyway.core`, `libs.bundles.flyway` (Gradle's
// version catalogs: an alias's `-`, `_` and `.` become the accessor's dots).
void read_boot_flyway(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    const std::string name = lowered(path_name(path));
    std::size_t at = std::string_view::npos;
    for (std::string_view mark : {"flyway-core", "org.flywaydb", "spring-boot-starter-flyway"}) at = std::min(at, text.find(mark));
    if (name.starts_with("build.gradle")) {
        // A catalog accessor naming Flyway: libs.flyway.core, libs.flywayCore, libs.bundles.flyway.
        for (std::size_t l = text.find("libs."); l != std::string_view::npos && l < at; l = text.find("libs.", l + 5)) {
            if (l > 0 && (std::isalnum(static_cast<unsigned char>(text[l - 1])) || text[l - 1] == '_' || text[l - 1] == '.')) continue;
            std::size_t end = l + 5;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' || text[end] == '.')) ++end;
            if (lowered(text.substr(l, end - l)).find("flyway") != std::string::npos) at = l;
        }
    }
    if (at == std::string_view::npos) return;
    // A catalog in gradle/ belongs to the build above it.
    std::string_view project = path_folder(path);
    if (name.ends_with(".versions.toml") && path_name(project) == "gradle") project = path_folder(project);
    ToolDir d = folder_dir("flyway", "flyway-core on the classpath (default location classpath:db/migration)", line_at(text, at), project,
                           "src/main/resources/db/migration", false);
    if (d.unknown.empty()) out.push_back(std::move(d));
}

// Alembic's migration environment (red team R68 B6): alembic.ini's [alembic] script_location
// holds env.py, which runs at every `alembic upgrade` (it opens the connection and may run SQL
// before context.run_migrations()), and script.py.mako, from which each new revision is made. A
// change to either is unknown at line 1; a package location (`myapp:migrations`) is not resolved.
// `%(here)s` is the ini's folder; a plain relative location is relative to the directory Alembic
// runs in, not to the ini (sqlalchemy/alembic alembic/script/base.py ScriptDirectory.from_config
// hands util.coerce_resource_to_filename(script_location), which leaves a path without a colon as
// it is, to ScriptDirectory, which opens it and its env.py relative to the working directory; the
// tutorial: "If the location is a relative path, it's interpreted as relative to the current
// directory"). `alembic -c config/alembic.ini` run from the top reads <top>/db/mig (red team R69
// C7): the top and the ini's folder are both taken for what runs.
// The folder one script_location names (`setting` says where), read as Alembic reads it.
void alembic_location(std::string_view path, const std::string& setting, int n, std::string value, std::vector<ToolDir>& out) {
    const bool here = value.starts_with("%(here)s");
    if (here) value.erase(0, 8);
    while (value.starts_with("/")) value.erase(0, 1);
    const std::string why = "Alembic runs its migration environment at every `alembic upgrade` (" + std::string(path) +
                            "'s script_location): a change to it changes what every migration runs with, which pgfence does not read: review it";
    if (value.find_first_of(":%$") != std::string::npos) {
        out.push_back(unknown_dir("alembic", setting, n, "it names " + value + ", which pgfence does not resolve", false));
        return;
    }
    std::vector<std::string> bases{std::string(path_folder(path))};
    if (!here && !bases.front().empty()) bases.emplace_back();  // the top, where CI runs `alembic -c dir/alembic.ini`
    for (const auto& base : bases) {
        for (std::string_view file : {"env.py", "script.py.mako"}) {
            add(out, "alembic", setting, n, base, (value.empty() ? std::string() : value + "/") + std::string(file), why, false);
        }
    }
}

void read_alembic(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    bool in_section = false;
    each_trimmed_line(text, [&](int n, std::string_view l) {
        if (l.starts_with("[")) {
            in_section = l == "[alembic]";
            return true;
        }
        if (!in_section || !l.starts_with("script_location")) return true;
        const std::size_t eq = l.find_first_of("=:");
        if (eq == std::string_view::npos) return true;
        alembic_location(path, "[alembic] script_location", n, std::string(trim(l.substr(eq + 1))), out);
        return false;
    });
}

// Whether a pyproject.toml may set Alembic's settings: it names alembic, or spells a key with an
// escape TOML reads as one (a key spelt `"\u..."`: tomllib and toml++ decode it).
bool may_name_alembic(std::string_view text) {
    return text.find("alembic") != std::string_view::npos || text.find("\\u") != std::string_view::npos ||
           text.find("\\U") != std::string_view::npos;
}

// A value under pyproject.toml's [tool.alembic] (its subtables' too), as TOML reads the file.
bool alembic_value(const TomlValue& v) { return v.keys.size() >= 2 && v.keys[0] == "tool" && v.keys[1] == "alembic"; }

std::string printable(std::string_view text) { return tool_dirs_detail::printable(text, 120); }

// Alembic 1.16 and later also read their settings from pyproject.toml's [tool.alembic] table
// (red team R71 F8; sqlalchemy/alembic alembic/config.py Config.toml_alembic_config loads the file
// with tomllib and reads toml_data["tool"]["alembic"], get_alembic_option takes the ini's [alembic]
// first, then it; `%(here)s` there is pyproject.toml's folder, toml_args["here"];
// CommandLine._inis_from_config opens ./pyproject.toml by default, or the one -c / ALEMBIC_CONFIG
// names). The file is read as TOML, not line by line (red team R72 L1: a multi-line string,
// `"""\n%(here)s/db/mig"""`, or a `[x]` line inside one, misread it); one pgfence cannot read as
// TOML is unknown at the line its reader stops. Its script_location is read as the ini's is;
// version_locations only lists where revisions are, which pgfence finds by their content
// (foreign_migrations.hpp).
void read_alembic_pyproject(std::string_view path, std::string_view text, std::vector<ToolDir>& out) {
    if (!may_name_alembic(text)) return;
    const std::string setting = "[tool.alembic] script_location";
    auto values = toml_values(text);
    if (!values) {
        const int line = values.error().where ? values.error().where->line : 1;
        out.push_back(unknown_dir("alembic", "pyproject.toml", line,
                                  "pgfence cannot read the file as TOML (" + values.error().message +
                                      "), so what its [tool.alembic] sets (Alembic's script_location) is not known",
                                  false));
        return;
    }
    for (const auto& v : *values) {
        if (!alembic_value(v) || v.keys.size() != 3 || v.keys[2] != "script_location" || v.item >= 0) continue;
        if (v.kind != TomlValue::Kind::String) {
            out.push_back(unknown_dir("alembic", setting, v.first_line, "it is not a string, which pgfence does not resolve", false));
        } else if (std::any_of(v.text.begin(), v.text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\\'; })) {
            out.push_back(unknown_dir("alembic", setting, v.first_line, "it names " + printable(v.text) + ", which pgfence does not resolve", false));
        } else {
            alembic_location(path, setting, v.first_line, v.text, out);
        }
    }
}

}  // namespace

std::vector<int> alembic_pyproject_lines(std::string_view text) {
    std::vector<int> out;
    if (!may_name_alembic(text)) return out;
    auto values = toml_values(text);
    if (!values) {
        // Not TOML as pgfence reads it: any line may be Alembic's.
        each_line(text, [&](int n, std::string_view l) {
            if (!trim_blanks(l).empty()) out.push_back(n);
        });
        return out;
    }
    // Each key of the table and its subtables, from its line to its value's last (a multi-line
    // string's or array's lines too), and their headers.
    for (const auto& v : *values) {
        if (!alembic_value(v)) continue;
        for (int n = v.first_line; n <= v.last_line; ++n) out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

// Spring Boot's settings set as environment variables (tools/spring_env.hpp; red team R69 C7) in a
// compose file, Kubernetes manifest, Dockerfile or CI workflow, read as application.properties
// lines are: SPRING_SQL_INIT_MODE=always runs schema.sql / data.sql, SPRING_FLYWAY_LOCATIONS names
// Flyway's folders. The project they apply to is the file's folder or the repository's top (a
// deploy/ or k8s/ folder beside the project): both are followed, src/main/resources the classpath.
void read_spring_env(std::string_view path, const std::string& env, std::vector<ToolDir>& out) {
    std::vector<std::string> projects{std::string(path_folder(path))};
    if (!projects.front().empty()) projects.emplace_back();
    std::vector<std::string> classpath;
    for (const auto& p : projects) classpath.push_back(p.empty() ? std::string("src/main/resources") : p + "/src/main/resources");
    read_spring_sql_init(env, classpath, out);
    for (const auto& s : spring_flyway_settings("environment.properties", env)) {
        const std::string setting = s.key + " (set through the environment)";
        if (!s.unknown.empty()) {
            out.push_back(unknown_dir("flyway", setting, s.line, s.unknown, false));
            continue;
        }
        for (const auto& p : projects) {
            for (const auto& f : s.folders) {
                ToolDir d = folder_dir("flyway", setting, s.line, p, f, false);
                if (d.unknown.empty()) out.push_back(std::move(d));
            }
        }
    }
}

}  // namespace

bool flyway_build_name(std::string_view path) {
    const std::string name = lowered(path_name(path));
    return name == "pom.xml" || name == "build.gradle" || name == "build.gradle.kts" || name == "settings.gradle" || name == "settings.gradle.kts" ||
           (name.ends_with(".versions.toml") && path_name(path_folder(path)) == "gradle");
}

bool changelog_file_name(std::string_view path) {
    const std::string name = lowered(path_name(path));
    if (name == "sqitch.conf" || name == "alembic.ini") return true;
    if (!name.ends_with(".xml") && !name.ends_with(".json")) return false;
    const std::string low = lowered(path);
    return low.find("changelog") != std::string::npos || low.find("liquibase") != std::string::npos;
}

std::vector<ToolDir> read_changelog_dirs(std::string_view path, std::string_view text) {
    std::vector<ToolDir> out;
    if (path_name(path) == "alembic.ini") {
        read_alembic(path, text, out);
        return out;
    }
    if (path_name(path) == "pyproject.toml") {
        read_alembic_pyproject(path, text, out);
        return out;
    }
    if (path_name(path) == "sqitch.conf") {
        read_sqitch(path, text, out);
        return out;
    }
    const std::string name = lowered(path_name(path));
    if (flyway_build_name(path)) read_boot_flyway(path, text, out);
    if (name.starts_with("application") && (name.ends_with(".properties") || name.ends_with(".yml") || name.ends_with(".yaml"))) {
        std::vector<std::string> classpath = roots(path, false);
        if (classpath.size() == 1) classpath = {std::string(path_folder(path))};  // no src/main/resources above: the file's folder
        else classpath.pop_back();
        read_spring_sql_init(text, classpath, out);
    } else if (const std::string env = spring_env_properties(text); !env.empty()) {
        read_spring_env(path, env, out);
    }
    if (!(name.ends_with(".xml") || name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml"))) return out;
    if (text.find("databaseChangeLog") == std::string_view::npos) return out;
    read_liquibase(path, text, out);
    if (out.size() > 64) out.resize(64);
    return out;
}

}  // namespace pgfence::analyze::tools
