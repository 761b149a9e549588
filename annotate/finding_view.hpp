#pragma once
// What the GitHub-facing renderers (check run, SARIF, workflow commands, comment) share:
// one severity per finding, the lines it spans, repository-relative paths, and cutting
// text to GitHub's size limits without splitting a UTF-8 character.
#include <cstddef>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::annotate {

// GitHub's three annotation levels (SARIF: error, warning, note).
enum class Severity { Notice, Warning, Error };

// CRITICAL/HIGH are errors, MEDIUM a warning, LOW a notice. A pre-existing finding (on lines the
// pull request did not touch) is at most a notice: the author did not cause it and should
// not be blocked by it, but a reviewer still sees it.
[[nodiscard]] Severity severity_of(const analyze::Finding& finding);
[[nodiscard]] Severity severity_of(analyze::Risk risk);

// The lines and columns a finding covers, clamped to valid 1-based values; `end_column` is
// the last character's column (inclusive).
struct LineSpan {
    int start_line = 1;
    int end_line = 1;
    int start_column = 1;
    int end_column = 1;
    [[nodiscard]] bool one_line() const { return start_line == end_line; }
};
[[nodiscard]] LineSpan span_of(const analyze::Finding& finding);

// The statement a finding is about, or null for a file-level finding.
[[nodiscard]] const analyze::StatementFacts* statement_of(const analyze::FileReport& file,
                                                          const analyze::Finding& finding);

// `path` as GitHub names files: relative to `root` when it lies inside it (root empty: the
// current directory), forward slashes, no leading "./".
[[nodiscard]] std::string repo_path(std::string_view path, std::string_view root = {});

// `text` with every invalid UTF-8 sequence replaced by U+FFFD: JSON bodies must be valid UTF-8
// and a migration file need not be.
[[nodiscard]] std::string valid_utf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that ends on a character boundary.
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// `text` if it fits in `max_bytes`; else cut (at a line break when one is near, never inside a
// character) so that the cut text plus `note` fits, with `note` appended.
[[nodiscard]] std::string fit_bytes(std::string text, std::size_t max_bytes, std::string_view note);

}  // namespace pgfence::annotate
