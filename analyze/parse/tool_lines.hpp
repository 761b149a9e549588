#pragma once
// Where a line ends, as each reader of a migration file decides it. The tools that find their
// markers line by line do not agree on what a line is, and a marker pgfence read on other lines
// than the tool would put statements the tool runs in the wrong part (or in none): goose's
// `SELECT 1;\r-- +goose Down\rDROP TABLE orders;` is one line to goose, sent as up, and three
// to PostgreSQL, whose `--` comment ends at the CR. Every marker reader takes its lines from
// here, by the convention of the tool it mirrors, and not from a copy of its own.
#include <cstddef>
#include <functional>
#include <string_view>

namespace pgfence::analyze {

enum class LineConvention {
    // PostgreSQL's scan.l (`newline [\n\r]`, `comment ("--"{non_newline}*)`): a line comment ends
    // at LF or CR. psql's lexer (psqlscan.l) and Flyway's Parser (`swallowUntilExcluding('\n',
    // '\r')` for `--`) read comments the same way.
    Postgres,
    // Go's bufio.Scanner with its default split, bufio.ScanLines: a line ends at LF only, and one
    // CR just before the LF is dropped from it (goose, pressly/goose internal/sqlparser/parser.go).
    GoScanLines,
    // LF only, nothing dropped: Go's strings.Split(s, "\n") and RE2's `(?m)^` and `$`, which match
    // at an LF only (dbmate, amacneil/dbmate pkg/dbmate/migration.go).
    LineFeed,
    // ECMAScript's LineTerminator, where a multiline RegExp's `^` matches: LF, CR, U+2028 and
    // U+2029 (node-pg-migrate's `/^\s*--[\s-]*up\s+migration/im`, src/sqlMigration.ts).
    JavaScript,
};

struct ToolLine {
    std::size_t begin = 0;
    std::size_t end = 0;   // where the line's text ends: its break, or a dropped CR
    std::size_t next = 0;  // where the next line starts (the text's size after the last line)
    std::string_view text;
};

// The byte length of the line break `text` holds at `at` for `convention` (0: none there).
[[nodiscard]] std::size_t line_break_at(std::string_view text, std::size_t at, LineConvention convention);

// Where the line holding `at` ends (its break, not dropped bytes), or the text's size.
[[nodiscard]] std::size_t line_end(std::string_view text, std::size_t at, LineConvention convention);

// Whether a line starts at `at`: the text's start or just after a line break.
[[nodiscard]] bool line_start(std::string_view text, std::size_t at, LineConvention convention);

// Each line in order; a text ending in a line break has an empty last line, as Go's
// strings.Split has (bufio.ScanLines has none: `each` sees it, and it is empty). `each` returns
// false to stop.
void for_each_line(std::string_view text, LineConvention convention, const std::function<bool(const ToolLine&)>& each);

// ECMAScript's `\s` (WhiteSpace and LineTerminator: tab, VT, FF, space, U+00A0, U+FEFF, the
// Zs characters and LF, CR, U+2028, U+2029), UTF-8 encoded: the byte length of the one `text`
// starts with at `at`, or 0.
[[nodiscard]] std::size_t js_space_at(std::string_view text, std::size_t at);

}  // namespace pgfence::analyze
