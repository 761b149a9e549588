#include "analyze/migrations/flyway_build_plugins.hpp"
#include "analyze/migrations/tool_dirs_parts.hpp"

#include <algorithm>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/text_lines.hpp"
#include "analyze/migrations/container_settings.hpp"

namespace pgfence::analyze::tools {
namespace {

using tool_dirs_detail::printable;

// One location as a folder of the project (as spring_flyway.cpp reads spring.flyway.locations).
void location(std::string_view v, PluginLocation& out) {
    v = trim_blanks(v);
    // The project's own folder written out (Gradle's $projectDir, Maven's ${project.basedir}).
    std::string text(v);
    for (std::string_view dir : {"$projectDir/", "${projectDir}/", "${project.basedir}/", "${basedir}/"}) {
        const std::string prefixed = "filesystem:" + std::string(dir);
        if (text.starts_with(prefixed)) text = "filesystem:" + text.substr(prefixed.size());
    }
    v = text;
    if (v.find('$') != std::string_view::npos || v.find('{') != std::string_view::npos) {
        out.unknown = "its location " + printable(v) + " is computed when the build runs";
        return;
    }
    std::string base;
    if (v.starts_with("classpath:")) {
        v.remove_prefix(10);
        base = "src/main/resources/";
    } else if (v.starts_with("filesystem:")) {
        v.remove_prefix(11);
    } else if (v.find(':') != std::string_view::npos) {
        out.unknown = "its location " + printable(v) + " is not a folder of the repository";
        return;
    } else {
        base = "src/main/resources/";
    }
    while (v.starts_with("./")) v.remove_prefix(2);
    while (v.starts_with("/") && !base.empty()) v.remove_prefix(1);
    if (v.empty() || v.front() == '/' || v.find("..") != std::string_view::npos || v.find_first_of("*?") != std::string_view::npos) {
        out.unknown = "its location " + printable(v) + " is not a folder pgfence follows";
        return;
    }
    out.folders.push_back(base + std::string(v));
}


}  // namespace

std::vector<PluginLocation> flyway_plugin_locations(std::string_view path, std::string_view text) {
    std::vector<PluginLocation> out;
    const std::string_view name = path_name(path);
    const bool pom = name == "pom.xml";
    if (name == "gradle.properties") {
        // The plugin reads the flyway.* project properties too (flyway-gradle-plugin
        // AbstractFlywayTask: the task, then the extension, then the project's properties).
        each_line(text, [&](int n, std::string_view l) {
            std::string_view b = trim_blanks(l);
            if (!b.starts_with("flyway.locations")) return;
            b.remove_prefix(16);
            b = trim_blanks(b);
            if (b.empty() || (b.front() != '=' && b.front() != ':')) return;
            b.remove_prefix(1);
            PluginLocation p{n, "flyway.locations", {}, {}};
            for (std::size_t s = 0; s <= b.size();) {
                std::size_t c = b.find(',', s);
                if (c == std::string_view::npos) c = b.size();
                if (!trim_blanks(b.substr(s, c - s)).empty()) location(b.substr(s, c - s), p);
                s = c + 1;
            }
            out.push_back(std::move(p));
        });
        return out;
    }
    if (!pom && name != "build.gradle" && name != "build.gradle.kts") return out;
    const std::vector<int> flyway = container_tool_lines(path, text);
    each_line(text, [&](int n, std::string_view l) {
        if (!std::binary_search(flyway.begin(), flyway.end(), n)) return;
        PluginLocation p;
        p.line = n;
        if (pom) {
            // <location>V</location> (one each), or <locations>a,b</locations> / <flyway.locations>a,b</...>.
            for (std::string_view tag : {"<location>", "<locations>", "<flyway.locations>"}) {
                for (std::size_t at = l.find(tag); at != std::string_view::npos; at = l.find(tag, at + 1)) {
                    const std::size_t v = at + tag.size();
                    const std::size_t end = l.find('<', v);
                    if (end == std::string_view::npos) {
                        p.key = std::string(tag);
                        p.unknown = "its value continues on another line";
                        break;
                    }
                    std::string_view value = l.substr(v, end - v);
                    if (trim_blanks(value).empty()) continue;
                    p.key = std::string(tag);
                    for (std::size_t s = 0; s <= value.size();) {
                        std::size_t c = value.find(',', s);
                        if (c == std::string_view::npos) c = value.size();
                        if (!trim_blanks(value.substr(s, c - s)).empty()) location(value.substr(s, c - s), p);
                        s = c + 1;
                    }
                }
            }
        } else {
            // locations = ['a', 'b'] / arrayOf("a", "b") / locations = "a": the string literals.
            const std::size_t at = l.find("locations");
            if (at == std::string_view::npos || trim_blanks(l).starts_with("//")) return;
            p.key = "locations";
            std::string_view rest = l.substr(at + 9);
            bool any = false;
            for (std::size_t q = rest.find_first_of("'\""); q != std::string_view::npos; q = rest.find_first_of("'\"", q + 1)) {
                const std::size_t e = rest.find(rest[q], q + 1);
                if (e == std::string_view::npos) break;
                location(rest.substr(q + 1, e - q - 1), p);
                any = true;
                q = e;
            }
            if (!any) p.unknown = "its value " + printable(trim_blanks(rest)) + " is computed when the build runs";
        }
        if (!p.key.empty()) out.push_back(std::move(p));
    });
    return out;
}

}  // namespace pgfence::analyze::tools
