#pragma once
// A one-click suggestion on a pull request: the body of a review comment whose ```suggestion
// block GitHub offers to commit as it stands, the hidden marker that finds it on the next run,
// and the review's own short text. The lines in the block come from the repository: they are
// fenced past any backtick run in them, and the marker is read back from the last line only.
#include <cstddef>
#include <string>
#include <string_view>

#include "analyze/model/findings.hpp"

namespace pgfence::annotate {

struct SuggestionText {
    std::string_view rule;
    analyze::Risk risk = analyze::Risk::None;
    std::string_view label;        // TextEdit::label: "add CONCURRENTLY"
    std::string_view fix;          // Finding::fix, one line (it may name tables: repository text)
    std::string_view replacement;  // the lines as the edit leaves them, without a final line break
    std::string_view key;          // suggestion_key
};

// Names one finding's suggestion across pushes: rule, path, the statement's text with whitespace
// folded, the ALTER TABLE subcommand (-1: none) and which occurrence of all that in the file it
// is; no line number, which moves when lines are added above. 32 hex digits.
[[nodiscard]] std::string suggestion_key(std::string_view rule, std::string_view path, std::string_view statement_sql,
                                         int subcommand, int occurrence);

// "<!-- pgfence:suggestion KEY -->"
[[nodiscard]] std::string suggestion_marker(std::string_view key);

// The review comment: rule, risk, label and fix on one line, the suggestion block, the marker as
// the last line.
[[nodiscard]] std::string suggestion_comment(const SuggestionText& suggestion);

// The key of a comment suggestion_comment wrote, read from its last line (everything from the
// repository stands inside the block above it, so no file can plant a key there); empty when
// the body does not end with a marker.
[[nodiscard]] std::string suggestion_key_of(std::string_view body);

// The review's body: how many suggestions, and what was proved of each. `title`: "pgfence" or
// "pgfence (NAME)", pgfence's own text.
[[nodiscard]] std::string suggestion_review_body(std::string_view title, std::size_t count);

}  // namespace pgfence::annotate
