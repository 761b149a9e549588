#include "analyze/migrations/container_settings.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/settings_surface.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}


bool comment(std::string_view body) { return body.empty() || body.front() == '#'; }

struct Line {
    int n;
    std::size_t indent;
    std::string_view body;
};

struct Service {
    std::vector<Line> lines;  // its key line first
    bool tool = false;        // its image, entrypoint or command is a migration tool's
};

// A compose file's services (under `services:`, or top-level keys in the version-1 format) and
// whether each runs a migration tool (compose specification: services.<name>.image / command /
// entrypoint / volumes / environment / env_file).
std::vector<Service> compose_services(std::string_view text) {
    std::vector<Line> lines;
    bool has_services = false;
    each_line(text, [&](int n, std::string_view l) {
        const std::size_t indent = l.find_first_not_of(" \t");
        if (indent == std::string_view::npos) return;
        std::string_view body = trim_blanks(l.substr(indent));
        if (comment(body)) return;
        if (indent == 0 && (body == "services:" || body.starts_with("services: "))) has_services = true;
        lines.push_back(Line{n, indent, body});
    });
    std::vector<Service> out;
    // Walk each service's block: from its key line to the next line indented no deeper.
    std::size_t i = 0;
    bool in_services = false;
    std::size_t service_indent = std::string_view::npos;
    auto block_end = [&](std::size_t at, std::size_t indent) {
        std::size_t end = at + 1;
        while (end < lines.size() && lines[end].indent > indent) ++end;
        return end;
    };
    while (i < lines.size()) {
        const Line& l = lines[i];
        if (has_services && l.indent == 0) {
            in_services = l.body == "services:" || l.body.starts_with("services: ");
            service_indent = std::string_view::npos;
            ++i;
            continue;
        }
        if (!has_services) {
            // The version-1 format: each top-level key but these is a service.
            in_services = true;
            service_indent = 0;
            if (l.indent == 0) {
                bool other = false;
                for (std::string_view k : {"version", "x-", "volumes", "networks", "configs", "secrets", "name"}) other = other || l.body.starts_with(k);
                if (other) {
                    i = block_end(i, 0);
                    continue;
                }
            }
        }
        if (!in_services) {
            ++i;
            continue;
        }
        if (service_indent == std::string_view::npos) service_indent = l.indent;
        if (l.indent != service_indent) {
            ++i;
            continue;
        }
        const std::size_t end = block_end(i, service_indent);
        Service svc;
        svc.lines.assign(lines.begin() + static_cast<std::ptrdiff_t>(i), lines.begin() + static_cast<std::ptrdiff_t>(end));
        // A service named for its tool (`migrate:`, `goose:`) counts without an image: an override
        // file (docker-compose.override.yml) changes a service another file defines.
        const std::string key = lower(l.body.substr(0, l.body.find(':')));
        svc.tool = key.find("migrat") != std::string::npos || tool_image_text(key);
        for (std::size_t j = i + 1; j < end && !svc.tool; ++j) {
            const std::string_view b = lines[j].body;
            const bool image = b.starts_with("image:") || b.starts_with("entrypoint:") || b.starts_with("build:");
            svc.tool = (image && tool_image_text(b)) || tool_command_line(b) || container_tool_line(b);
        }
        out.push_back(std::move(svc));
        i = end;
    }
    return out;
}

std::vector<int> compose_lines(std::string_view text) {
    std::vector<int> out;
    for (const auto& svc : compose_services(text)) {
        if (!svc.tool) continue;
        for (const auto& l : svc.lines) out.push_back(l.n);
    }
    return out;
}

// A Dockerfile whose image runs or installs a migration tool (FROM its image, RUN go install /
// npm install it, CMD / ENTRYPOINT runs it): the instructions that decide what it reads.
std::vector<int> dockerfile_lines(std::string_view text) {
    bool tool = false;
    each_line(text, [&](int, std::string_view l) {
        const std::string_view b = trim_blanks(l);
        if (!comment(b) && (tool_image_text(b) || tool_command_line(b))) tool = true;
    });
    std::vector<int> out;
    if (!tool) return out;
    bool continued = false;  // a line ending in a backslash continues the instruction above
    bool counted = false;
    each_line(text, [&](int n, std::string_view l) {
        const std::string_view b = trim_blanks(l);
        if (!continued) {
            const std::string word = lower(b.substr(0, b.find_first_of(" \t")));
            counted = word == "from" || word == "copy" || word == "add" || word == "workdir" || word == "env" || word == "arg" ||
                      word == "cmd" || word == "entrypoint" || word == "volume";
        }
        if (counted && !b.empty()) out.push_back(n);
        continued = b.ends_with("\\");
    });
    return out;
}

// pom.xml: the flyway-maven-plugin's <plugin> element (its <configuration>, <executions> and
// version), and the flyway.* Maven properties its parameters read (flyway/flyway
// flyway-maven-plugin src/main/java/org/flywaydb/maven/AbstractFlywayMojo.java: each
// @Parameter(property = "flyway.locations") and so on: locations, table, schemas, placeholders,
// sqlMigrationSuffixes, cleanDisabled...).
std::vector<int> pom_lines(std::string_view text) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;  // byte ranges of flyway plugins
    std::size_t floor = 0;  // the end of the range before: each byte is searched back over once
    for (std::size_t at = text.find("flyway-maven-plugin"); at != std::string_view::npos; at = text.find("flyway-maven-plugin", at + 1)) {
        const std::string_view before = text.substr(floor, at - floor);
        std::size_t start = before.rfind("<plugin>");
        const std::size_t spaced = before.rfind("<plugin ");
        if (start == std::string_view::npos || (spaced != std::string_view::npos && spaced > start)) start = spaced;
        start = start == std::string_view::npos ? at : floor + start;
        std::size_t end = text.find("</plugin>", at);
        if (end == std::string_view::npos) end = text.size();
        if (!ranges.empty() && start <= ranges.back().second) {
            ranges.back().second = std::max(ranges.back().second, end);
            at = std::max(at, end);
            floor = std::min(text.size(), at);
            continue;
        }
        ranges.emplace_back(start, end);
        at = std::max(at, end);
        floor = std::min(text.size(), at);
    }
    std::vector<int> out;
    std::size_t offset = 0;
    std::size_t next = 0;
    each_line(text, [&](int n, std::string_view l) {
        const std::size_t from = offset, to = offset + l.size();
        offset = to + 1;
        const std::string_view b = trim_blanks(l);
        if (b.empty() || b.starts_with("<!--")) return;
        bool in = lower(b).find("<flyway.") != std::string::npos;
        // The ranges are in order: the first that does not end before this line.
        while (next < ranges.size() && ranges[next].second < from) ++next;
        in = in || (next < ranges.size() && to >= ranges[next].first && from <= ranges[next].second);
        if (in) out.push_back(n);
    });
    return out;
}

// build.gradle / build.gradle.kts: the `flyway { }` extension and any task of the plugin's types
// (flyway/flyway flyway-gradle-plugin src/main/java/org/flywaydb/gradle/FlywayExtension.java and
// task/AbstractFlywayTask.java, which reads the task's own settings, then the `flyway` extension,
// then the flyway.* project properties): every line naming flyway, and every line of a block opened
// on one.
std::vector<int> gradle_lines(std::string_view text) {
    std::vector<int> out;
    std::vector<bool> blocks;  // open braces: whether each was opened inside / on a flyway line
    std::size_t flyway_blocks = 0;  // how many of them are
    each_line(text, [&](int n, std::string_view l) {
        const std::string_view b = trim_blanks(l);
        const bool inside = flyway_blocks > 0;
        const bool names = lower(b).find("flyway") != std::string::npos;
        if (!b.empty() && !b.starts_with("//") && (inside || names)) out.push_back(n);
        for (char c : b) {
            if (c == '{') {
                blocks.push_back(inside || names);
                flyway_blocks += blocks.back() ? 1 : 0;
            } else if (c == '}' && !blocks.empty()) {
                flyway_blocks -= blocks.back() ? 1 : 0;
                blocks.pop_back();
            }
        }
    });
    return out;
}


// The words of a line: split at blanks, quotes, brackets and commas (a compose flow list, a JSON
// exec form, a shell line alike).
std::vector<std::string_view> words(std::string_view l) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at < l.size()) {
        const std::size_t start = l.find_first_not_of(" \t\"'[],", at);
        if (start == std::string_view::npos) break;
        std::size_t end = l.find_first_of(" \t\"'[],", start);
        if (end == std::string_view::npos) end = l.size();
        out.push_back(l.substr(start, end - start));
        at = end;
    }
    return out;
}

std::string tool_of(std::string_view text) {
    const std::string l = lower(text);
    if (l.find("migrate/migrate") != std::string::npos || l.find("golang-migrate") != std::string::npos) return "migrate";
    if (l.find("goose") != std::string::npos) return "goose";
    if (l.find("dbmate") != std::string::npos) return "dbmate";
    return {};
}

// The folder a tool's flags or environment name in these words (golang-migrate internal/cli/main.go
// -path / -source file://; pressly/goose cmd/goose -dir and GOOSE_MIGRATION_DIR; amacneil/dbmate
// main.go --migrations-dir / -d and DBMATE_MIGRATIONS_DIR).
std::optional<std::string> named_dir(const std::vector<std::string_view>& w) {
    for (std::size_t i = 0; i < w.size(); ++i) {
        std::string_view t = w[i];
        if (t.starts_with("- ")) t.remove_prefix(2);
        for (std::string_view flag : {"-path", "--path", "-dir", "--dir", "--migrations-dir", "-source", "--source", "GOOSE_MIGRATION_DIR",
                                      "DBMATE_MIGRATIONS_DIR"}) {
            std::string_view v;
            if (t == flag || (t.size() == flag.size() + 1 && t.starts_with(flag) && t.back() == ':')) {
                if (i + 1 >= w.size()) continue;
                v = w[i + 1];
            } else if (t.starts_with(flag) && t.size() > flag.size() && t[flag.size()] == '=') {
                v = t.substr(flag.size() + 1);
            } else {
                continue;
            }
            if (v.starts_with("file://")) v.remove_prefix(7);
            return std::string(v);
        }
    }
    return std::nullopt;
}

// `dir` joined to the absolute container folder `cwd` ("/" when not known), `.` and `..` resolved.
std::string container_path(std::string_view cwd, std::string_view dir) {
    std::string joined = dir.starts_with("/") ? std::string(dir) : std::string(cwd) + "/" + std::string(dir);
    std::vector<std::string> parts;
    std::size_t at = 0;
    while (at <= joined.size()) {
        std::size_t end = joined.find('/', at);
        if (end == std::string::npos) end = joined.size();
        const std::string part = joined.substr(at, end - at);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        at = end + 1;
    }
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

struct Mapping {
    std::string host;       // as written
    std::string container;  // absolute, normalised
    int line = 1;
    std::string setting;
};

// The host side of a mapping, relative to the folder the file or command is read from; "" with
// `why` when it is not a folder of the repository.
std::string host_folder(std::string_view host, std::string& why) {
    for (std::string_view pwd : {"$PWD/", "${PWD}/", "$(pwd)/", "${{ github.workspace }}/", "${{github.workspace}}/"}) {
        if (host.starts_with(pwd)) return "./" + std::string(host.substr(pwd.size()));
    }
    for (std::string_view pwd : {"$PWD", "${PWD}", "$(pwd)"}) {
        if (host == pwd) return ".";
    }
    if (host.starts_with("/") || host.starts_with("~")) {
        why = "the host folder " + std::string(host.substr(0, 80)) + " is outside the repository";
        return {};
    }
    if (host.find('$') != std::string_view::npos) {
        why = "the host folder " + std::string(host.substr(0, 80)) + " is computed when it runs";
        return {};
    }
    if (!host.starts_with(".")) {
        why = "the named volume " + std::string(host.substr(0, 80)) + " is not a folder of the repository";
        return {};
    }
    return std::string(host);
}

// The container folder `dir` through the mappings (the longest container prefix wins).
ContainerDir map_dir(const std::string& tool, int dir_line, const std::string& dir, const std::vector<Mapping>& maps) {
    const Mapping* best = nullptr;
    for (const auto& m : maps) {
        const bool under = dir == m.container || m.container == "/" || dir.starts_with(m.container + "/");
        if (under && (!best || m.container.size() > best->container.size())) best = &m;
    }
    ContainerDir out{tool, {}, dir_line, {}, {}};
    if (!best) {
        out.setting = tool + "'s folder " + dir.substr(0, 80);
        out.unknown = "the folder " + dir.substr(0, 80) + " in the container is mapped from no folder of the repository pgfence reads";
        return out;
    }
    out.line = best->line;
    out.setting = best->setting;
    std::string why;
    std::string host = host_folder(best->host, why);
    if (host.empty()) {
        out.unknown = why;
        return out;
    }
    const std::string rest = best->container == "/" ? dir : dir.substr(best->container.size());
    out.folder = host + rest;
    return out;
}

// `host:container[:mode]` of a -v or a compose short-syntax volume.
std::optional<std::pair<std::string, std::string>> split_volume(std::string_view v) {
    if (v.starts_with("- ")) v.remove_prefix(2);
    const std::size_t colon = v.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string_view container = v.substr(colon + 1);
    if (!container.starts_with("/")) return std::nullopt;
    container = container.substr(0, container.find(':'));
    return std::make_pair(std::string(v.substr(0, colon)), std::string(container));
}

// `--mount type=bind,source=HOST,target=/x` (also src= / dst= / destination=).
std::optional<std::pair<std::string, std::string>> split_mount(std::string_view v) {
    std::string src, dst;
    std::size_t at = 0;
    while (at <= v.size()) {
        std::size_t end = v.find(',', at);
        if (end == std::string_view::npos) end = v.size();
        const std::string_view kv = v.substr(at, end - at);
        for (std::string_view k : {"source=", "src="}) if (kv.starts_with(k)) src = kv.substr(k.size());
        for (std::string_view k : {"target=", "dst=", "destination="}) if (kv.starts_with(k)) dst = kv.substr(k.size());
        at = end + 1;
    }
    if (src.empty() || !dst.starts_with("/")) return std::nullopt;
    return std::make_pair(src, dst);
}

// The files one compose service loads its environment from (`env_file: x`, `env_file: [a, b]`, a
// list below, or the long syntax's `path: x`), in the order compose loads them, at most 64 in all.
void service_env_files(const Service& svc, std::vector<EnvFileRef>& out) {
    std::size_t env_indent = std::string_view::npos;
    for (std::size_t i = 1; i < svc.lines.size() && out.size() < 64; ++i) {
        const Line& l = svc.lines[i];
        std::string_view b = l.body;
        if (env_indent != std::string_view::npos && (l.indent < env_indent || (l.indent == env_indent && !b.starts_with("-")))) {
            env_indent = std::string_view::npos;
        }
        if (b.starts_with("env_file:")) {
            env_indent = l.indent;
            b.remove_prefix(9);
        } else if (env_indent == std::string_view::npos) {
            continue;
        }
        std::string_view item = b.starts_with("- ") ? trim_blanks(b.substr(2)) : trim_blanks(b);
        if (item.starts_with("path:")) item = trim_blanks(item.substr(5));
        else if (item.starts_with("required:")) continue;
        for (auto w : words(item)) {
            if (!w.empty() && w != "-") out.push_back(EnvFileRef{l.n, std::string(w)});
        }
    }
}

// The value an environment file (KEY=VALUE lines, compose's env_file format) gives `key`, the last
// line that sets it winning; nullopt when none does.
std::optional<std::string> env_file_value(std::string_view text, std::string_view key) {
    std::optional<std::string> out;
    each_line(text, [&](int, std::string_view l) {
        l = trim_blanks(l);
        if (l.starts_with("export ")) l = trim_blanks(l.substr(7));
        if (!l.starts_with(key) || l.size() <= key.size() || l[key.size()] != '=') return;
        std::string_view v = trim_blanks(l.substr(key.size() + 1));
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        out = std::string(v);
    });
    return out;
}

std::vector<ContainerDir> compose_dirs(std::string_view text, std::string_view folder, const ReadFile& read) {
    std::vector<ContainerDir> out;
    for (const auto& svc : compose_services(text)) {
        if (!svc.tool) continue;
        std::string tool;
        for (const auto& l : svc.lines) {
            if ((l.body.starts_with("image:") || l.body.starts_with("entrypoint:")) && tool.empty()) tool = tool_of(l.body);
        }
        if (tool.empty()) continue;
        std::vector<Mapping> maps;
        std::optional<std::string> dir;
        int dir_line = svc.lines.front().n;
        std::string cwd = "/";
        std::size_t volumes_indent = std::string_view::npos;
        std::string source;
        for (std::size_t i = 1; i < svc.lines.size(); ++i) {
            const Line& l = svc.lines[i];
            std::string_view b = l.body;
            if (volumes_indent != std::string_view::npos && (l.indent < volumes_indent || (l.indent == volumes_indent && !b.starts_with("-")))) {
                volumes_indent = std::string_view::npos;
            }
            if (b.starts_with("working_dir:")) cwd = container_path("/", trim_blanks(b.substr(12)));
            if (b.starts_with("volumes:")) {
                volumes_indent = l.indent;
                b.remove_prefix(8);
            }
            if (volumes_indent != std::string_view::npos) {
                // The long syntax: source then target, in either order, one item each.
                std::string_view item = b.starts_with("- ") ? trim_blanks(b.substr(2)) : b;
                if (b.starts_with("- ")) source.clear();
                if (item.starts_with("source:")) source = std::string(trim_blanks(item.substr(7)));
                if (item.starts_with("target:") && !source.empty()) {
                    maps.push_back(Mapping{source, container_path("/", trim_blanks(item.substr(7))), l.n, "volume " + source.substr(0, 80)});
                    continue;
                }
                for (auto w : words(b)) {
                    if (auto v = split_volume(w)) maps.push_back(Mapping{v->first, container_path("/", v->second), l.n, "volume " + std::string(w.substr(0, 120))});
                }
                continue;
            }
            if (!dir) {
                if (auto d = named_dir(words(b))) {
                    dir = d;
                    dir_line = l.n;
                }
            }
        }
        // Its environment files, where its own lines name no folder (`environment:` and the command's
        // flags take precedence over env_file: compose specification, services.env_file): goose's
        // GOOSE_MIGRATION_DIR, dbmate's DBMATE_MIGRATIONS_DIR set there, a later file over an earlier
        // one (red team R72 L2). One pgfence cannot read in the repository (left out of it, spelt
        // with a variable) may set it: unknown at the line naming it.
        const std::string_view var = tool == "goose" ? "GOOSE_MIGRATION_DIR" : tool == "dbmate" ? "DBMATE_MIGRATIONS_DIR" : "";
        if (!dir && !var.empty() && read) {
            std::vector<EnvFileRef> files;
            service_env_files(svc, files);
            for (const auto& f : files) {
                const std::string file = f.value.find_first_of("$`{}") == std::string::npos ? repository_path(folder, f.value) : std::string();
                const std::optional<std::string> env = file.empty() ? std::nullopt : read(file);
                if (!env) {
                    out.push_back(ContainerDir{tool, "env_file " + f.value.substr(0, 80), f.line, {},
                                               "the service loads its environment from " + f.value.substr(0, 80) +
                                                   ", which pgfence cannot read in the repository: it may set " + std::string(var) +
                                                   ", the folder " + tool + " reads"});
                    continue;
                }
                if (auto v = env_file_value(*env, var)) {
                    dir = *v;
                    dir_line = f.line;
                }
            }
        }
        if (!dir) continue;  // the tool's default folder: not read here
        out.push_back(map_dir(tool, dir_line, container_path(cwd, *dir), maps));
    }
    return out;
}

std::vector<ContainerDir> dockerfile_dirs(std::string_view text) {
    const std::string tool = tool_of(text);
    if (tool.empty()) return {};
    std::vector<Mapping> maps;
    std::string cwd = "/";
    std::optional<std::string> dir;
    int dir_line = 1;
    each_line(text, [&](int n, std::string_view l) {
        const std::string_view b = trim_blanks(l);
        if (comment(b)) return;
        const std::string word = lower(b.substr(0, b.find_first_of(" \t")));
        const std::string_view rest = trim_blanks(b.substr(std::min(b.size(), word.size())));
        if (word == "from") cwd = "/";  // a new stage
        if (word == "workdir") cwd = container_path(cwd, rest);
        if (word == "copy" || word == "add") {
            auto w = words(rest);
            std::vector<std::string_view> args;
            bool other_stage = false;
            for (auto x : w) {
                if (x.starts_with("--from")) other_stage = true;
                if (!x.starts_with("--")) args.push_back(x);
            }
            if (other_stage || args.size() != 2) return;
            maps.push_back(Mapping{std::string(args[0]).starts_with(".") ? std::string(args[0]) : "./" + std::string(args[0]),
                                   container_path(cwd, args[1]), n, word + " " + std::string(rest.substr(0, 120))});
        }
        if (word == "cmd" || word == "entrypoint" || word == "run" || word == "env") {
            if (auto d = named_dir(words(rest)); d && !dir) {
                dir = container_path(cwd, *d);
                dir_line = n;
            }
        }
    });
    if (!dir) return {};
    return {map_dir(tool, dir_line, *dir, maps)};
}

// `docker run -v HOST:/x <image> -dir /x` and its kind.
std::vector<ContainerDir> run_dirs(std::string_view text) {
    std::vector<ContainerDir> out;
    each_line(text, [&](int n, std::string_view l) {
        if (!container_tool_line(l) || lower(l).find("x-migrations") != std::string::npos) return;
        const std::string tool = tool_of(l);
        if (tool.empty()) return;
        auto w = words(l);
        std::vector<Mapping> maps;
        for (std::size_t i = 0; i + 1 < w.size(); ++i) {
            std::optional<std::pair<std::string, std::string>> m;
            if (w[i] == "-v" || w[i] == "--volume") m = split_volume(w[i + 1]);
            else if (w[i].starts_with("-v=") || w[i].starts_with("--volume=")) m = split_volume(w[i].substr(w[i].find('=') + 1));
            else if (w[i] == "--mount") m = split_mount(w[i + 1]);
            if (m) maps.push_back(Mapping{m->first, container_path("/", m->second), n, "docker run volume " + m->first.substr(0, 80) + ":" + m->second.substr(0, 80)});
        }
        if (auto d = named_dir(w)) out.push_back(map_dir(tool, n, container_path("/", *d), maps));
    });
    return out;
}
}  // namespace

bool tool_image_text(std::string_view text) {
    const std::string l = lower(text);
    for (std::string_view tool : {"migrate/migrate", "golang-migrate", "goose", "dbmate", "flyway", "liquibase", "node-pg-migrate", "knex",
                                  "sequelize", "typeorm", "diesel", "sqlx"}) {
        if (l.find(tool) != std::string::npos) return true;
    }
    return false;
}

bool container_tool_line(std::string_view line) {
    const std::string l = lower(trim_blanks(line));
    if (l.empty() || l.front() == '#') return false;
    if (l.find("x-migrations") != std::string::npos) return true;
    const bool run = l.find("docker run") != std::string::npos || l.find("podman run") != std::string::npos ||
                     l.find("docker container run") != std::string::npos || l.find("compose run") != std::string::npos;
    return run && tool_image_text(l);
}

bool compose_name(std::string_view path) {
    const std::string_view name = path_name(path);
    return (name.starts_with("docker-compose") || name.starts_with("compose")) && (name.ends_with(".yml") || name.ends_with(".yaml"));
}

bool dockerfile_name(std::string_view path) {
    const std::string_view name = path_name(path);
    return name == "Dockerfile" || name.starts_with("Dockerfile.") || name.ends_with(".Dockerfile") || name == "Containerfile";
}

bool build_plugin_name(std::string_view path) {
    const std::string_view name = path_name(path);
    return name == "pom.xml" || name == "build.gradle" || name == "build.gradle.kts";
}

std::vector<int> container_tool_lines(std::string_view path, std::string_view text) {
    if (compose_name(path)) return compose_lines(text);
    if (dockerfile_name(path)) return dockerfile_lines(text);
    const std::string_view name = path_name(path);
    if (name == "pom.xml") return pom_lines(text);
    if (name == "build.gradle" || name == "build.gradle.kts") return gradle_lines(text);
    return {};
}

std::vector<std::string> compose_variables(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& svc : compose_services(text)) {
        if (!svc.tool) continue;
        for (const auto& l : svc.lines) {
            const std::string_view b = l.body;
            for (std::size_t at = b.find('$'); at != std::string_view::npos && out.size() < 256; at = b.find('$', at + 1)) {
                std::size_t v = at + 1;
                if (v < b.size() && b[v] == '$') {  // $$ is a literal dollar
                    at = v;
                    continue;
                }
                if (v < b.size() && b[v] == '{') ++v;
                std::size_t e = v;
                while (e < b.size() && (std::isalnum(static_cast<unsigned char>(b[e])) || b[e] == '_')) ++e;
                if (e > v) out.emplace_back(b.substr(v, e - v));
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<EnvFileRef> compose_env_files(std::string_view text, bool every_service) {
    std::vector<EnvFileRef> out;
    if (every_service) {
        // Every `env_file:` of the file, in a service or not: an extension field (`x-common:`) or
        // an anchored block that YAML's merge key `<<: *common` puts into a service (red team R73 F6).
        Service whole;
        whole.lines.push_back(Line{0, 0, {}});  // service_env_files skips a service's key line
        each_line(text, [&](int n, std::string_view l) {
            const std::size_t indent = l.find_first_not_of(" \t");
            if (indent == std::string_view::npos) return;
            std::string_view body = trim_blanks(l.substr(indent));
            if (!comment(body)) whole.lines.push_back(Line{n, indent, body});
        });
        service_env_files(whole, out);
        return out;
    }
    for (const auto& svc : compose_services(text)) {
        if (svc.tool) service_env_files(svc, out);
    }
    return out;
}

std::vector<ContainerDir> container_dirs(std::string_view path, std::string_view text, const ReadFile& read) {
    std::vector<ContainerDir> out = compose_name(path) ? compose_dirs(text, path_folder(path), read) : dockerfile_name(path) ? dockerfile_dirs(text)
                                    : command_file(path)                    ? run_dirs(text)
                                                                            : std::vector<ContainerDir>{};
    // What is shown comes from the repository: control bytes and non-ASCII shown as '?'.
    for (auto& d : out) {
        for (std::string* t : {&d.setting, &d.unknown}) {
            for (char& c : *t) c = static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F ? '?' : c;
        }
    }
    return out;
}

}  // namespace pgfence::analyze::tools
