#pragma once
// What a pull request wrote in a migration file, told by statements, not by added lines: a
// statement of the head version is the base's when the base version of the same migration has
// the same statement (its tokens without comments or layout, in the same up or down part), and
// its finding pre-existing when the base's analysis had it there; anything else is new, however
// the diff looks (uncommented SQL adds no line of it). And whether
// each pgfence-ignore comment that hid a finding stands on the base branch: governance lets only
// those lift its policy.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/conventions.hpp"
#include "analyze/model/facts.hpp"
#include "diff/change_set.hpp"

namespace pgfence::bot {

// One version of a migration file: its analysis, and what the analysis read.
struct FileVersion {
    const analyze::FileReport* report = nullptr;  // nothing: the file is new in full (no base)
    std::string_view text;
    std::string_view path;
    std::string_view metadata;  // the tool's file beside it (diesel metadata.toml)
};

// Sets the pre_existing of the head's findings and suppressed findings when `mark` holds: a
// finding is pre-existing when the base analysis had it (same rule and message) where the head
// has it: on the base statement its statement matched (each base statement, and each subcommand of
// an ALTER TABLE after the same statement head, vouches for one); about the whole file when no
// statement is new; on a comment line the diff added none of. A finding that depends on a
// neighbouring statement (a function's body, a SET before it) is new when that changed. Returns,
// for each entry of head.report->suppressed, whether its pgfence-ignore comment is on the base
// branch for it: the same line was a live suppression in the base analysis, and the base had
// this finding, hidden, where the head has it (not a statement added below a base comment).
[[nodiscard]] std::vector<bool> compare_with_base(analyze::FileReport& head_report, const FileVersion& head,
                                                  const FileVersion& base, const diff::ChangedFile& change,
                                                  analyze::Direction direction, bool mark);

}  // namespace pgfence::bot
