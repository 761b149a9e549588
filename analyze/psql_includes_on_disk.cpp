#include "analyze/psql_includes_on_disk.hpp"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "analyze/base/path_parts.hpp"
#include "analyze/base/regular_file.hpp"
#include "analyze/migrations/psql_includes.hpp"
#include "analyze/parse/psql_meta.hpp"
#include "analyze/parse/splitter.hpp"
#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_most_included = 256;

struct Inlining {
    const AnalyzeOptions& options;
    std::string cwd;                 // absolute, lexically normal
    std::vector<std::string> chain;  // the files being inlined, outermost first
    std::size_t budget = k_most_included;
    bool unfollowed = false;
};

bool include_command(std::string_view name) {
    return name == "i" || name == "ir" || name == "include" || name == "include_relative";
}

// The file the include `line` of the file `abs` names, when analyze would follow it.
std::optional<std::string> included_file(const std::string& abs, std::string_view line, const Inlining& in) {
    const std::string_view top = std::string_view(in.cwd).substr(std::min<std::size_t>(1, in.cwd.size()));
    auto dirs = tools::read_psql_includes(std::string_view(abs).substr(1), line, top);
    if (dirs.size() != 1 || !dirs.front().unknown.empty()) return std::nullopt;
    const std::string file = "/" + dirs.front().folder;
    if (!include_followed(file, in.options)) return std::nullopt;
    return file;
}

std::string inlined(const std::string& abs, std::string_view text, Inlining& in) {
    std::string out = without_psql_meta_commands(text);
    std::vector<std::pair<std::size_t, std::string>> inserts;  // (offset, SQL), in order
    Tokenizer tokens(text);
    Token t;
    bool at_start = true;  // no SQL in psql's query buffer since the last `;`
    while (tokens.next(t)) {
        if (t.is_comment()) continue;
        if (t.kind != TokenKind::Symbol || text[t.begin] != '\\') {
            at_start = t.is_symbol(text, ';');
            continue;
        }
        std::size_t line_end = text.find('\n', t.begin);
        if (line_end == std::string_view::npos) line_end = text.size();
        std::size_t name_end = t.begin + 1;
        while (name_end < line_end && (std::isalpha(static_cast<unsigned char>(text[name_end])) != 0 || text[name_end] == '_')) ++name_end;
        const std::string_view name = text.substr(t.begin + 1, name_end - t.begin - 1);
        if (include_command(name)) {
            std::optional<std::string> file = at_start ? included_file(abs, text.substr(t.begin, line_end - t.begin), in) : std::nullopt;
            bool done = false;
            if (file && in.budget > 0 && std::find(in.chain.begin(), in.chain.end(), *file) == in.chain.end()) {
                --in.budget;
                if (auto read = read_regular_file(*file, in.options.max_file_bytes, "a file a migration includes")) {
                    in.chain.push_back(*file);
                    inserts.emplace_back(t.begin, "\n" + inlined(*file, *read, in) + "\n");
                    in.chain.pop_back();
                    done = true;
                }
            }
            in.unfollowed = in.unfollowed || !done;
        } else if (!psql_meta_command_harmless(name)) {
            in.unfollowed = true;
        }
        tokens = Tokenizer(text, line_end);
    }
    for (auto it = inserts.rbegin(); it != inserts.rend(); ++it) out.insert(it->first, it->second);
    return out;
}

}  // namespace

bool include_followed(const std::string& file, const AnalyzeOptions& options) {
    std::error_code ec;
    for (fs::path p(file); !p.empty() && p != p.root_path(); p = p.parent_path()) {
        if (fs::is_symlink(p, ec)) return false;
    }
    return fs::is_regular_file(file, ec) && (options.confine_to.empty() || path_inside(file, options.confine_to));
}

void refuse_unfollowed_includes(const std::string& path, PreparedSource& source, const AnalyzeOptions& options) {
    // Paths as analyze names them: an absolute one read against the root (`\i` against the
    // working directory), a relative one against the working directory.
    const bool absolute = path.starts_with('/');
    std::error_code ec;
    const std::string cwd = absolute ? fs::current_path(ec).lexically_normal().generic_string() : std::string();
    const std::string_view top = std::string_view(cwd).substr(std::min<std::size_t>(1, cwd.size()));
    const auto found = [&](const std::string& file) {
        return include_followed(absolute ? "/" + file : fs::absolute(file, ec).lexically_normal().generic_string(), options);
    };
    bool added = false;
    for (auto& u : tools::unfollowed_psql_includes(path, source.text, top, found)) {
        std::fill(source.text.begin() + static_cast<std::ptrdiff_t>(u.begin), source.text.begin() + static_cast<std::ptrdiff_t>(u.end), ' ');
        source.refusals.emplace_back(source.replaced.to_file(u.begin), std::move(u.why), "psql include");
        added = true;
    }
    if (added) {
        std::stable_sort(source.refusals.begin(), source.refusals.end(), [](const ToolRefusal& a, const ToolRefusal& b) { return a.offset < b.offset; });
    }
}

std::string with_psql_includes(const std::string& path, std::string_view text, const AnalyzeOptions& options, bool& unfollowed) {
    std::error_code ec;
    Inlining in{options, fs::current_path(ec).lexically_normal().generic_string(), {}, k_most_included, false};
    const std::string abs = fs::absolute(path, ec).lexically_normal().generic_string();
    in.chain.push_back(abs);
    std::string out = inlined(abs, text, in);
    unfollowed = in.unfollowed;
    return out;
}

}  // namespace pgfence::analyze
