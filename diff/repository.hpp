#pragma once
// The libgit2 adapter: the only file that includes git2.h. It owns the library's global
// state and every handle, and turns libgit2's error codes into Error values whose messages say
// what to do (fetch more history, run inside the checkout).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"

struct git_repository;

namespace pgfence::diff {

using analyze::Error;
using analyze::Result;

// A regular file of a commit's tree or of the index, with its blob's id.
struct StoredFile {
    std::string path;  // relative to the repository's top
    std::string id;    // the blob's id, in hex
};

// A blob read within a size limit: its bytes, or only its size when it is larger.
struct StoredBlob {
    std::uint64_t size = 0;
    std::optional<std::string> text;  // nothing when larger than the limit
    // Read by commit and path: the text is what a checkout writes (diff/checkout_text.hpp).
    // Set when the checkout converts it in a way pgfence cannot apply (the text is then the blob's).
    std::optional<std::string> unapplied;
    int unapplied_line = 1;  // the line from which what runs is unknown
    bool archive_only = false;  // only `git archive` rewrites it (export-subst)
    std::string attributes;  // the checkout attributes that apply (diff/checkout_text.hpp)
};

// The entry at a path of a commit's tree, as git stores it: what a symbolic link points to, the
// commit a submodule pins, a folder's tree id (which covers every byte below it).
struct TreeEntryInfo {
    enum class Kind { file, link, submodule, tree } kind = Kind::file;
    std::string id;    // the object's id in hex (a submodule's: the pinned commit)
    std::string link;  // a link's text
};

// An opened repository. Opening never fails on ownership: see repository.cpp.
class Repository {
public:
    // `dir` is the working directory or any directory inside it. An Error
    // ("not a git repository: <dir>") when there is none.
    [[nodiscard]] static Result<Repository> open(const std::string& dir);

    // The working directory (with a trailing '/'), or the git directory of a bare repository.
    [[nodiscard]] std::string root() const;
    [[nodiscard]] bool is_shallow() const;
    // The folder git runs this repository's hooks from, as `git rev-parse --git-path hooks`
    // says: core.hooksPath (relative to the working tree's top) when set, else the common git
    // directory's hooks/ (a linked worktree shares its main repository's). An Error when bare.
    [[nodiscard]] Result<std::string> hooks_dir() const;

    // The full id of the commit `revspec` (sha, branch, tag, HEAD~2, ...) names. `role`
    // ("base", "head") goes into the message when it is missing from the clone.
    [[nodiscard]] Result<std::string> resolve_commit(const std::string& revspec, std::string_view role) const;

    // The id of the tree commit `sha` holds (40 hex): what every file of the commit is, whatever
    // commit carries it.
    [[nodiscard]] Result<std::string> tree_id(const std::string& sha) const;

    // The best common ancestor of two commits; an Error when there is none in the clone.
    [[nodiscard]] Result<std::string> merge_base(const std::string& base_sha, const std::string& head_sha) const;

    // Files changed from `from` to `to` (commit ids), with rename detection, for which `wanted`
    // holds on the new or the old path; a symlink or submodule at the head is listed with its
    // `kind` and `target` (never read as a file), a deleted one left out; such an entry is
    // also listed when `wanted_dir` holds on its path (a folder the migrations may be run
    // through). `added` holds the lines the change added; `all_lines_new` is set for added files.
    [[nodiscard]] Result<std::vector<ChangedFile>> changed_files(
        const std::string& from, const std::string& to,
        const std::function<bool(std::string_view)>& wanted,
        const std::function<bool(std::string_view)>& wanted_dir = {},
        std::uint64_t max_bytes = UINT64_MAX) const;

    // The content of `path` at `commit` as a checkout of it writes it (git's ident and
    // line-ending conversions applied: diff/checkout_text.hpp), or nothing when the commit has
    // no such file. A conversion pgfence cannot apply leaves the blob's bytes.
    [[nodiscard]] Result<std::optional<std::string>> read_file(const std::string& commit,
                                                       const std::string& path) const;
    // The same, but a file larger than `max_bytes` (by its object header, before anything is
    // read) comes back with its size and no text, and a conversion pgfence cannot apply is named.
    [[nodiscard]] Result<std::optional<StoredBlob>> read_file_bounded(const std::string& commit, const std::string& path,
                                                                      std::uint64_t max_bytes) const;

    // The entry at `path` of `commit`'s tree, or nothing when there is none.
    [[nodiscard]] Result<std::optional<TreeEntryInfo>> entry_at(const std::string& commit, const std::string& path) const;

    // The regular files (not links or submodules) at `commit` for which `wanted` holds on the
    // repository-relative path, sorted.
    [[nodiscard]] Result<std::vector<std::string>> list_files(const std::string& commit,
                                                            const std::function<bool(std::string_view)>& wanted) const;

    // The symbolic links of `commit`'s tree: (path, the link's text), sorted by path.
    [[nodiscard]] Result<std::vector<std::pair<std::string, std::string>>> list_links(const std::string& commit) const;

    // list_files's files with their blobs' ids.
    [[nodiscard]] Result<std::vector<StoredFile>> list_blobs(const std::string& commit,
                                                           const std::function<bool(std::string_view)>& wanted) const;

    // The regular files the index holds (what `git commit` would commit) for which `wanted`
    // holds, sorted: entries of stage 0 only (not a conflict's sides), not links, submodules
    // or entries added with --intent-to-add (which hold no content yet).
    [[nodiscard]] Result<std::vector<StoredFile>> list_index(const std::function<bool(std::string_view)>& wanted) const;

    // The blob `id` (hex). Its size is read from the object's header first: a blob larger than
    // `max_bytes` is never loaded, and only its size is returned.
    [[nodiscard]] Result<StoredBlob> read_blob(const std::string& id, std::uint64_t max_bytes) const;

    // The id git gives `bytes` as a blob (`git hash-object`).
    [[nodiscard]] static Result<std::string> blob_id(std::string_view bytes);

private:
    Repository(git_repository* repo, std::string dir);

    std::unique_ptr<git_repository, void (*)(git_repository*)> m_repo;
    std::string m_dir;
};

}  // namespace pgfence::diff
