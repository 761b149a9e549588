#pragma once
// What an approval or exemption of one file binds to (the bytes hashed into the report's
// sha256 for the file and into the upload's content hash): what the migration tool runs
// through that path at the head commit, not the tree entry git stores there.
#include <optional>
#include <string>

#include "analyze/base/error.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// The bytes bound for `path` at `commit`:
//   a regular file      its checkout form, and the checkout attributes that apply (.gitattributes);
//   a symbolic link     its text, and what it resolves to inside the repository (the target's
//                       bound bytes, a folder's tree id), or that it leaves the repository;
//   a submodule         the commit it pins (a bump is new content);
//   a folder            its tree id;
// nothing when the commit has no entry there.
[[nodiscard]] analyze::Result<std::optional<std::string>> bound_bytes(const diff::Repository& repo, const std::string& commit,
                                                                      const std::string& path);

}  // namespace pgfence::bot
