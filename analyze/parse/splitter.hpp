#pragma once
// Splits SQL text into statements on top-level semicolons, knowing PostgreSQL's lexical
// rules: quoted strings (standard and E''), quoted identifiers, dollar quotes, nested block
// comments, and SQL-standard function bodies (BEGIN ATOMIC ... END).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze {

struct RawStatement {
    std::size_t begin = 0;  // first character of the first token
    std::size_t end = 0;    // one past the last character of the last token
    bool unterminated_quote = false;  // text ended inside a string, identifier or comment
};

// A part of the file to analyse. `single` regions are one statement whatever they contain
// (goose's StatementBegin/StatementEnd). `down`: part of a down (rollback) migration, which the
// schema the next migration finds does not include.
struct Region {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool single = false;
    bool down = false;
};

// Statements of text[region], in order. Comment-only pieces are dropped.
[[nodiscard]] std::vector<RawStatement> split_statements(std::string_view text, Region region);
// The same statements handed to `each` one at a time, in order, as they are found (none is
// kept: a file of a million statements is analysed without their list); `each` returns false
// to stop.
void for_each_statement(std::string_view text, Region region, const std::function<bool(const RawStatement&)>& each);

// `text` with each psql meta-command that starts a statement (a line beginning with a
// backslash: pg_dump's `\restrict KEY` and `\unrestrict KEY` since PostgreSQL 17.6, 16.10 and
// 15.14, `\connect`, `\set`) replaced by spaces, so that what is left is SQL at the same
// offsets. Meta-commands are psql's, never the server's.
[[nodiscard]] std::string without_psql_meta_commands(std::string_view text);

}  // namespace pgfence::analyze
