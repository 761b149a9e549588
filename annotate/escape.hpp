#pragma once
// Repository text (SQL, identifiers, file names, server messages) escaped for the exact place
// a writer puts it in GitHub-flavoured Markdown or HTML. Each writer calls the one that fits
// its context, once; none of them trusts that the text was cleaned before.
#include <cstddef>
#include <string>
#include <string_view>

namespace pgfence::annotate {

// Where a Markdown escaper's output stands: in a GFM table row a '|' ends the cell even inside
// a code span, so it is written "\|" there.
enum class MdPlace { Prose, TableCell };

// Inline Markdown text on one line: whitespace folded to single spaces, HTML and Markdown
// punctuation escaped, @mentions, #refs and autolinks broken with a zero-width space, nothing
// that can start a block when it stands at a line's start. `max`: bytes kept before "...".
[[nodiscard]] std::string md_text(std::string_view text, std::size_t max = 0);

// An inline code span: one line, delimited by more backticks than any run inside.
[[nodiscard]] std::string md_code_span(std::string_view text, MdPlace place = MdPlace::Prose, std::size_t max = 0);

// A fenced code block: the fence is longer than any backtick run in `body` (at least three),
// so no line of the body can close it. Ends with a line break.
[[nodiscard]] std::string md_code_block(std::string_view body, std::string_view info = {});

// Every byte but ASCII letters, digits and those in `keep` as %XX: a repository's path in a URL
// (keep "-._~/"), or a value that must not end an HTML comment or a line.
[[nodiscard]] std::string percent_encode(std::string_view text, std::string_view keep);

// HTML text or attribute value: & < > " ' as character references.
[[nodiscard]] std::string html_text(std::string_view text);

// U+200B ZERO WIDTH SPACE: breaks a token for a parser (mention, autolink, runner command)
// without a visible change.
inline constexpr std::string_view k_zero_width_space = "\xE2\x80\x8B";

}  // namespace pgfence::annotate
