#pragma once
// golang-migrate's multi-statement mode: `x-multi-statement=true` in the database URL makes its
// postgres (and pgx) driver cut the file at every `;` byte and send each piece alone, with no
// notion of comments or quotes (golang-migrate/migrate database/postgres/postgres.go Open:
// `strconv.ParseBool(purl.Query().Get("x-multi-statement"))`; Run: `if
// p.config.MultiStatementEnabled { multistmt.Parse(migration, multiStmtDelimiter, ...) }` with
// `multiStmtDelimiter = []byte(";")`; database/multistmt/parse.go splitWithDelimiter:
// `bytes.Index(d, delimiter)`). A `;` inside a comment, a string, a dollar quote or a quoted
// identifier then ends a piece, and the text after it is sent as SQL.
#include <string>
#include <string_view>
#include <vector>

#include "analyze/migrations/conventions.hpp"

namespace pgfence::analyze::tools {

// What one line of a project's file says of x-multi-statement.
struct MultiStatementLine {
    enum class State { On, Off, Computed };
    int line = 1;
    State state = State::Off;
};

// The lines of `text` (a CI workflow, compose file, Makefile, .env, script) that give golang-migrate
// a database URL: `x-multi-statement=V` read as Go's strconv.ParseBool reads V (1 t T TRUE true True
// turn it on; 0 f F FALSE false False leave it off; anything else, `${VAR}` say, is Computed), and a
// `migrate ... -database V` whose V is written out without the option (Off) or read from the
// environment (Computed: the URL is only known when the line runs).
[[nodiscard]] std::vector<MultiStatementLine> golang_multi_statement_lines(std::string_view text);

// An unknown statement at the line of each `;` that golang-migrate's multi-statement mode cuts at
// inside a comment, string, dollar quote or quoted identifier of text[begin, end) (one per token):
// the piece after it is sent as a statement of its own, which pgfence reads as part of the token.
[[nodiscard]] std::vector<ToolRefusal> golang_migrate_hidden_cuts(std::string_view text, std::size_t begin, std::size_t end,
                                                                  std::string_view why_on);

}  // namespace pgfence::analyze::tools
