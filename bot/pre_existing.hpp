#pragma once
// What a pull request wrote in a migration file, told by statements, not by added lines: a
// statement of the head version is pre-existing when the base version of the same migration has
// the same statement (its tokens without comments or layout, in the same up or down part);
// anything else is new, however the diff looks (uncommented SQL adds no line of it). And whether
// each pgfence-ignore comment that hid a finding stands on the base branch: governance lets only
// those lift its policy.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/conventions.hpp"
#include "analyze/facts.hpp"
#include "diff/change_set.hpp"

namespace pgfence::bot {

// One version of a migration file: its analysis, and what the analysis read.
struct FileVersion {
    const analyze::FileReport* report = nullptr;  // nothing: the file is new in full (no base)
    std::string_view text;
    std::string_view path;
    std::string_view metadata;  // the tool's file beside it (diesel metadata.toml)
};

// Sets the pre_existing of the head's findings and suppressed findings when `mark` holds: one on
// a statement is pre-existing when the statement is (or, on one subcommand of an ALTER TABLE,
// that subcommand after the same statement head); one about the whole file when no statement is
// new; one on a comment line when the diff added none of its lines. Returns, for each entry of
// head.report->suppressed, whether its pgfence-ignore comment is on the base branch: the same
// line in the base version and, for a statement's own comment, that statement unchanged.
[[nodiscard]] std::vector<bool> compare_with_base(analyze::FileReport& head_report, const FileVersion& head,
                                                  const FileVersion& base, const diff::ChangedFile& change,
                                                  analyze::Direction direction, bool mark);

}  // namespace pgfence::bot
