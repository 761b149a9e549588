#pragma once
// Where a finding's one-click edit (Finding::edit) goes in the statement's text, found with the
// tokenizer, never by searching the text: after a keyword, at the end of one ALTER TABLE
// subcommand, on a line of its own above the statement. Each returns nothing where it cannot be
// sure, and the rule then offers no edit.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"
#include "analyze/rules/common.hpp"

namespace pgfence::analyze::rules {

// Inserting `text` at byte `at` of the statement's own text, as an edit of the file's text.
[[nodiscard]] TextEdit insert_in_statement(const StatementFacts& statement, std::size_t at, std::string text,
                                           std::string label);

// The end of the first keyword `kw` (upper case) outside quotes, comments and parentheses in
// [from, to) of `sql`, then past each of `then` in turn where it is the next word (INDEX then
// CONCURRENTLY); npos when `kw` is not there.
[[nodiscard]] std::size_t after_keyword(std::string_view sql, std::size_t from, std::size_t to, std::string_view kw,
                                        std::initializer_list<std::string_view> then = {});

// Each subcommand of an ALTER TABLE in the order of its cmds, from its first token to the end of
// its last (analyze/alter_clauses.hpp's cut). Empty when the pieces do not match the parse
// tree's subcommands one to one.
[[nodiscard]] std::vector<Range> alter_subcommands(std::string_view sql, const AlterTableStmt* stmt);

// Inserting `line` (a whole statement, no line break) on a line of its own above the statement's
// first line, indented as that line is, with the line break the file uses there. None when
// anything but blanks precedes the statement on its line (another statement, say).
[[nodiscard]] std::optional<TextEdit> line_above(std::string_view text, const StatementFacts& statement,
                                                 std::string_view line, std::string label);

}  // namespace pgfence::analyze::rules
