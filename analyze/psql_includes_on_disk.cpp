#include "analyze/psql_includes_on_disk.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <vector>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "analyze/migrations/psql_settings.hpp"

namespace pgfence::analyze {

namespace fs = std::filesystem;

std::string psql_run_folder(const AnalyzeOptions& options) {
    std::error_code ec;
    return (options.run_folder.empty() ? fs::current_path(ec) : fs::path(options.run_folder)).lexically_normal().generic_string();
}

bool include_followed(const std::string& file, const AnalyzeOptions& options) {
    std::error_code ec;
    for (fs::path p(file); !p.empty() && p != p.root_path(); p = p.parent_path()) {
        if (fs::is_symlink(p, ec)) return false;
    }
    return fs::is_regular_file(file, ec) && (options.confine_to.empty() || path_inside(file, options.confine_to));
}

void refuse_unfollowed_includes(const std::string& path, PreparedSource& source, const AnalyzeOptions& options) {
    // Paths as analyze names them: an absolute one read against the root (`\i` against the
    // run folder), a relative one against the working directory (as `\i` is when no run folder is
    // set; with one, the path is made absolute).
    std::error_code ec;
    const bool absolute = path.starts_with('/') || !options.run_folder.empty();
    const std::string named = path.starts_with('/') || !absolute ? path : fs::absolute(path, ec).lexically_normal().generic_string();
    const std::string cwd = absolute ? psql_run_folder(options) : std::string();
    const std::string_view top = std::string_view(cwd).substr(std::min<std::size_t>(1, cwd.size()));
    const auto found = [&](const std::string& file) {
        return include_followed(absolute ? "/" + file : fs::absolute(file, ec).lexically_normal().generic_string(), options);
    };
    bool added = false;
    for (auto& u : tools::psql_include_lines(named, source.text, top, found)) {
        // A followed include is no statement: its file's SQL is analysed as that file (tool_dir_inputs.cpp).
        std::fill(source.text.begin() + static_cast<std::ptrdiff_t>(u.begin), source.text.begin() + static_cast<std::ptrdiff_t>(u.end), ' ');
        if (u.why.empty()) continue;
        source.refusals.emplace_back(source.replaced.to_file(u.begin), std::move(u.why), "psql include");
        added = true;
    }
    if (added) {
        std::stable_sort(source.refusals.begin(), source.refusals.end(), [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
    }
}

void refuse_psql_connects(PreparedSource& source) {
    if (source.text.find('\\') == std::string::npos) return;
    struct Connect {
        std::size_t begin, end;
        std::string database;
    };
    std::vector<Connect> found;
    tools::each_meta_command(source.text, [&](const tools::MetaCommand& m) {
        // psql's command.c: "c" and "connect" are the same command (exec_command_connect).
        if (!m.at_start || (m.name != "c" && m.name != "connect")) return true;
        // Its first argument, the database, shown when it is a plain name (anything else is "another database").
        std::size_t at = m.begin + 1 + m.name.size();
        while (at < m.end && (source.text[at] == ' ' || source.text[at] == '\t')) ++at;
        std::size_t stop = at;
        while (stop < m.end && stop - at < 64 &&
               (std::isalnum(static_cast<unsigned char>(source.text[stop])) != 0 || source.text[stop] == '_')) ++stop;
        const bool plain = stop > at && (stop == m.end || source.text[stop] == ' ' || source.text[stop] == ';' || source.text[stop] == '\t');
        found.push_back(Connect{m.begin, m.end, plain ? source.text.substr(at, stop - at) : std::string()});
        return found.size() < 256;
    });
    for (const auto& c : found) {
        std::fill(source.text.begin() + static_cast<std::ptrdiff_t>(c.begin), source.text.begin() + static_cast<std::ptrdiff_t>(c.end), ' ');
        source.refusals.emplace_back(source.replaced.to_file(c.begin),
                                     "psql connects to " + (c.database.empty() ? std::string("another database") : "the database " + c.database) +
                                         " here (\\connect): the statements after it run in that database, whose schema and migrations "
                                         "pgfence does not follow from this file: review them",
                                     "psql \\connect");
    }
    if (!found.empty()) {
        std::stable_sort(source.refusals.begin(), source.refusals.end(), [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
    }
}

void refuse_psql_meta_commands(PreparedSource& source) {
    if (source.text.find('\\') == std::string::npos) return;
    struct Meta {
        std::size_t begin, end;
        std::string name;
        bool ends_statement, setting;
    };
    std::vector<Meta> found;
    tools::each_meta_command(source.text, [&](const tools::MetaCommand& m) {
        // psql's command.c: \g, \gx, \gset, \gexec and \gdesc send (or describe) the query buffer.
        const bool ends = m.name == "g" || m.name == "gx" || m.name == "gset" || m.name == "gexec" || m.name == "gdesc";
        // `\g FILE` writes the result to a file, `\g |command` pipes it to a shell command: refused.
        const std::string_view args = std::string_view(source.text).substr(m.begin + 1 + m.name.size(), m.end - m.begin - 1 - m.name.size());
        const bool bare = args.find_first_not_of(" \t") == std::string_view::npos;
        const std::string name = (m.name == "g" || m.name == "gx") && !bare ? std::string(m.name) + " with an argument" : std::string(m.name.substr(0, 32));
        found.push_back(Meta{m.begin, m.end, name, ends, m.at_start && tools::psql_setting_only(source.text, m)});
        return found.size() < 256;
    });
    bool added = false;
    for (const auto& m : found) {
        std::fill(source.text.begin() + static_cast<std::ptrdiff_t>(m.begin), source.text.begin() + static_cast<std::ptrdiff_t>(m.end), ' ');
        if (m.ends_statement) source.text[m.begin] = ';';
        if (m.setting || m.name == "g" || m.name == "gx" || m.name == "gdesc") continue;
        std::string why = m.name == "gexec" ? "psql runs each value the query before it returns as a statement here (\\gexec): what those statements do is not read"
                                            : "psql carries out its meta-command \\" + m.name + " here, which pgfence does not follow: what it does is not read";
        source.refusals.emplace_back(source.replaced.to_file(m.begin), std::move(why), "psql meta-command");
        added = true;
    }
    if (added) {
        std::stable_sort(source.refusals.begin(), source.refusals.end(), [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
    }
}

std::string with_psql_includes(const std::string& path, std::string_view text, const AnalyzeOptions& options, bool& unfollowed) {
    // Paths below the root, as read_psql_includes takes them: `\i` against the run folder.
    std::error_code ec;
    const std::string cwd = psql_run_folder(options);
    const std::string abs = fs::absolute(path, ec).lexically_normal().generic_string();
    const tools::ReadFile read = [&](const std::string& file) -> std::optional<std::string> {
        const std::string at = "/" + file;
        if (!include_followed(at, options)) return std::nullopt;
        auto read = read_regular_file(at, options.max_file_bytes, "a file a migration includes");
        if (!read) return std::nullopt;
        return std::move(*read);
    };
    return tools::with_included_files(std::string_view(abs).substr(std::min<std::size_t>(1, abs.size())), text,
                                      std::string_view(cwd).substr(std::min<std::size_t>(1, cwd.size())), read, unfollowed);
}

}  // namespace pgfence::analyze
