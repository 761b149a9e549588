#pragma once
// What a pull request changed among the migration files: plain data, filled by
// diff/changes.hpp and read by the bot to mark findings on untouched statements pre-existing.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::diff {

enum class ChangeStatus { Added, Modified, Renamed, Deleted };

// "added", "modified", "renamed", "deleted": the words used in reports.
[[nodiscard]] std::string_view to_string(ChangeStatus status);

// 1-based, inclusive line numbers of the head version of a file.
struct LineRange {
    int first = 0;
    int last = 0;
};

// What a changed path is at the head commit: a file, or what pgfence never reads as one.
enum class EntryKind { file, link, submodule };

struct ChangedFile {
    std::string path;      // repository-relative, '/'-separated; the old path for Deleted
    std::string old_path;  // the path at the merge base (differs from `path` for Renamed)
    ChangeStatus status = ChangeStatus::Modified;
    std::vector<LineRange> added;  // lines the pull request added, sorted and disjoint
    bool all_lines_new = false;    // a new file, or one moved into the migration directories
    EntryKind kind = EntryKind::file;
    std::string target;            // a link's text, a submodule's commit id (untrusted bytes)

    // Whether a statement spanning lines first..last (head version) has any added line,
    // i.e. whether findings on it are new in this pull request rather than pre-existing.
    [[nodiscard]] bool touches(int first_line, int last_line) const;
};

struct ChangeSet {
    std::string repo_root;       // the repository's working directory (or git directory if bare)
    std::string base_sha;        // full 40-hex ids
    std::string head_sha;
    std::string merge_base_sha;  // the diff is merge_base..head, as GitHub shows a pull request
    std::vector<ChangedFile> files;  // sorted by path
};

}  // namespace pgfence::diff
