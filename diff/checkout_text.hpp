#pragma once
// What a checkout writes for a blob: git converts a file on its way to the working tree
// (gitattributes(5): ident, text/eol, working-tree-encoding, filter drivers), and the migration
// tool runs the checked-out file, not the blob. pgfence reads that form.
#include <optional>
#include <string>
#include <string_view>

struct git_repository;
struct git_blob;
struct git_oid;

namespace pgfence::diff {

struct CheckoutText {
    std::string text;                       // what the checkout holds (the blob when nothing applies)
    std::optional<std::string> unapplied;   // a conversion pgfence cannot apply (the text is then the blob's)
    int unapplied_line = 1;                 // the line from which what runs is unknown
    bool archive_only = false;              // the checkout is the text; only `git archive` differs (export-subst)
    std::optional<std::string> error;       // libgit2 failed
    // The checkout attributes that apply ("name=value" lines for ident, filter,
    // working-tree-encoding, text, eol, crlf, export-subst; empty when none is specified): what an approval
    // of the file binds to besides its bytes.
    std::string attributes;
};

// git's ident_to_worktree (git/convert.c): every "$Id$", and every "$Id:...$" with no line
// break and no inner space before its closing '$', becomes "$Id: <blob id> $".
[[nodiscard]] std::string ident_to_worktree(std::string_view blob, std::string_view blob_id);

// The checkout form of `blob` (whose bytes are `raw`, id `blob_id`) at `path`, with the
// attributes `commit` holds (and .git/info/attributes, the system's, the index's).
[[nodiscard]] CheckoutText checkout_text(git_repository* repo, const git_oid& commit, const std::string& path,
                                         git_blob* blob, std::string raw, const std::string& blob_id);

}  // namespace pgfence::diff
