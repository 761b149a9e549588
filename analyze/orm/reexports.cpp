#include "analyze/orm/reexports.hpp"

#include <algorithm>
#include <filesystem>

#include "analyze/orm/emitter.hpp"
#include "analyze/orm/imports.hpp"

namespace pgfence::analyze::orm {
namespace {

constexpr int k_max_reexport_depth = 4;

// The export's line, from the export on: where its statements and unknowns stand.
Node line_from(std::string_view text, std::size_t at) {
    Node n;
    n.begin = std::min(at, text.size());
    std::size_t eol = text.find('\n', n.begin);
    n.end = eol == std::string_view::npos ? text.size() : eol;
    if (n.end <= n.begin) n.end = std::min(text.size(), n.begin + 1);
    return n;
}

}  // namespace

namespace {

// reexported_format() through modules that re-export in turn (a barrel), at most `reads` files.
InputFormat format_of(const std::vector<ReExport>& list, std::string_view path, int depth, int& reads) {
    for (const ReExport& r : list) {
        if (reads <= 0) break;
        auto file = resolve_import(path, r.module);
        if (!file) continue;
        --reads;
        auto text = read_limited(*file, std::size_t{1} << 20);
        if (!text) continue;
        InputFormat f = detect_format(*text);
        if (f == InputFormat::Auto && depth + 1 < k_max_reexport_depth) f = format_of(reexports(lex_js(*text)), *file, depth + 1, reads);
        if (f != InputFormat::Auto && f != InputFormat::Sql) return f;
    }
    return InputFormat::Auto;
}

}  // namespace

InputFormat reexported_format(const std::vector<ReExport>& list, std::string_view path) {
    int reads = 16;
    return path.empty() ? InputFormat::Auto : format_of(list, path, 0, reads);
}

void follow_reexports(const std::vector<ReExport>& list, std::string_view text, Emitter& emitter, InputFormat format,
                      Direction direction, std::string_view path, FollowLimits& limits, std::vector<std::string>& files) {
    for (const ReExport& r : list) {
        Node at = line_from(text, r.at);
        std::string what = r.remote == "*" ? "every export of '" + r.module + "'"
                                           : "`" + r.remote + "` of '" + r.module + "'" + (r.exported != r.remote ? " as `" + r.exported + "`" : "");
        auto unknown = [&](const std::string& why) {
            emitter.unknown(at, emitter.add_call(at, "export", false),
                            "the module exports " + what + why + ": the migration tool runs an exported class's up() (TypeORM every "
                            "class a migration file exports), which pgfence does not read");
        };
        std::string ambiguous;
        auto file = path.empty() ? std::nullopt : resolve_import(path, r.module, &ambiguous);
        if (!file) {
            unknown(ambiguous.empty() ? ", not a file inside the repository reached without a link" : ambiguous);
            continue;
        }
        if (limits.depth >= k_max_reexport_depth || limits.work_left == 0 || limits.follows_left == 0) {
            unknown(" (pgfence's limit on following re-exports)");
            continue;
        }
        auto other = read_limited(*file, limits.work_left);
        if (!other) {
            unknown(" (unreadable, or past pgfence's limit on following re-exports)");
            continue;
        }
        limits.work_left -= std::min(limits.work_left, other->size());
        --limits.follows_left;
        if (std::find(files.begin(), files.end(), *file) == files.end()) files.push_back(*file);
        InputFormat f = detect_format(*other);
        if (f == InputFormat::Auto) f = format;
        if (f == InputFormat::Auto || f == InputFormat::Sql) {
            unknown(", whose migration tool pgfence cannot tell");
            continue;
        }
        ++limits.depth;
        Extraction sub = extract_module(*other, f, direction, *file, r.remote, limits);
        --limits.depth;
        for (auto& f2 : sub.imported_files) {
            if (std::find(files.begin(), files.end(), f2) == files.end()) files.push_back(f2);
        }
        if (sub.skipped) {
            unknown(", where pgfence finds no migration class of that name");
            continue;
        }
        std::string shown_path = std::filesystem::path(*file).filename().string();
        emitter.adopt(sub, at, r.exported, "inside " + (r.remote == "*" ? std::string("the migrations") : r.remote) + " of " + shown_path +
                                               ", exported here from '" + r.module + "'");
    }
}

}  // namespace pgfence::analyze::orm
