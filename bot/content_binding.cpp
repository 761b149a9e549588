#include "bot/content_binding.hpp"

#include <cstdint>
#include <filesystem>

namespace pgfence::bot {
namespace {

// As Linux's path walk, at most 40 links are followed (fs/namei.c MAXSYMLINKS).
constexpr int k_max_links = 40;

analyze::Result<std::optional<std::string>> bound(const diff::Repository& repo, const std::string& commit,
                                                  const std::string& path, int links) {
    auto entry = repo.entry_at(commit, path);
    if (!entry) return entry.error();
    if (!*entry) return std::optional<std::string>();
    using Kind = diff::TreeEntryInfo::Kind;
    switch ((*entry)->kind) {
        case Kind::submodule: return std::optional<std::string>(std::string("\0submodule\n", 11) + (*entry)->id);
        case Kind::tree: return std::optional<std::string>(std::string("\0tree\n", 6) + (*entry)->id);
        case Kind::link: {
            std::string out = std::string("\0link\n", 6) + (*entry)->link + "\n";
            // The target as the tool's open() resolves it from the link's folder; one that leaves
            // the repository (absolute, or ../ past its top) is bound by its text alone.
            std::filesystem::path target((*entry)->link);
            std::string resolved =
                target.is_absolute() ? std::string() : (std::filesystem::path(path).parent_path() / target).lexically_normal().generic_string();
            if (resolved.empty() || resolved == "." || resolved.rfind("..", 0) == 0 || links >= k_max_links) {
                return std::optional<std::string>(out + "outside\n");
            }
            while (!resolved.empty() && resolved.back() == '/') resolved.pop_back();
            auto through = bound(repo, commit, resolved, links + 1);
            if (!through) return through.error();
            out += *through ? "target " + resolved + "\n" + **through : "absent " + resolved + "\n";
            return std::optional<std::string>(std::move(out));
        }
        case Kind::file: break;
    }
    auto stored = repo.read_file_bounded(commit, path, UINT64_MAX);
    if (!stored) return stored.error();
    if (!*stored || !(*stored)->text) return std::optional<std::string>();
    std::string bytes = std::move(*(*stored)->text);
    if (!(*stored)->attributes.empty()) bytes += std::string("\0gitattributes\n", 15) + (*stored)->attributes;
    return std::optional<std::string>(std::move(bytes));
}

}  // namespace

analyze::Result<std::optional<std::string>> bound_bytes(const diff::Repository& repo, const std::string& commit,
                                                        const std::string& path) {
    return bound(repo, commit, path, 0);
}

}  // namespace pgfence::bot
