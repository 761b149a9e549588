#pragma once
// Small helpers the rules share: reading facts, describing locks, timeouts, SQL text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze::rules {

// The lock the statement takes on `relation`, if any.
[[nodiscard]] const LockFact* lock_on(const StatementFacts& statement, std::string_view relation);
// The statement's strongest lock on a relation that existed before the migration.
[[nodiscard]] const LockFact* existing_lock(const StatementFacts& statement);
// "ACCESS EXCLUSIVE lock on users (blocks reads, writes and DDL)"
[[nodiscard]] std::string describe_lock(const LockFact& lock);
// Does the statement block other sessions' reads or writes on an existing relation?
[[nodiscard]] bool blocks_traffic(const StatementFacts& statement);
// The effect (scan or rewrite) on `relation`, or nullptr.
[[nodiscard]] const TableEffect* effect_on(const std::vector<TableEffect>& effects, const std::string& relation);

// A timeout setting's value in milliseconds, as PostgreSQL reads it ("2s", "1min", "500", '0').
[[nodiscard]] std::optional<long> duration_ms(std::string_view value);

// Who runs the file, as messages name it: the ORM of a script ("knex"), else the migration tool
// ("goose"; "sql" for a plain file).
[[nodiscard]] std::string file_runner(const FileReport& file);

// Inserts `word` (e.g. "CONCURRENTLY") after the first top-level keyword `after` in `sql`.
[[nodiscard]] std::string insert_after_keyword(std::string_view sql, std::string_view after, std::string_view word);
// Index just past a quoted string or identifier, dollar-quoted string or comment at i; i if none.
// `$` reads as PostgreSQL's lexer reads it: inside an identifier (a$b) it is a letter, `$1` is a
// parameter, and a dollar quote's tag starts with a letter or `_` ($$, $body$).
[[nodiscard]] std::size_t skip_token(std::string_view sql, std::size_t i);
[[nodiscard]] std::string trim(std::string_view text);
// Every line of `text` prefixed with "-- " (blank lines become "--").
[[nodiscard]] std::string comment_lines(std::string_view text);
// Is the keyword `kw` (upper case) at i, in any case, as a whole word (not part of a longer
// identifier, where `$` and non-ASCII letters count as PostgreSQL counts them)?
[[nodiscard]] bool keyword_at(std::string_view sql, std::size_t i, std::string_view kw);
// Position of keyword `kw` (upper case) in [from, to), outside quotes, comments and the
// parentheses opened after `from`; npos if none.
[[nodiscard]] std::size_t find_keyword(std::string_view sql, std::size_t from, std::size_t to, std::string_view kw);
// [begin, end) of a span of the SQL text; npos when not found.
struct Range {
    std::size_t begin = std::string_view::npos;
    std::size_t end = std::string_view::npos;
    [[nodiscard]] bool found() const { return begin != std::string_view::npos; }
};
// The first parenthesised group at or after `from` (quotes and comments respected), with parens.
[[nodiscard]] Range group_at(std::string_view sql, std::size_t from);
// Text of the parenthesised group that starts at or after `from` (quotes respected), with parens.
[[nodiscard]] std::string parenthesised(std::string_view sql, std::size_t from);
// "a, b" from a list of String nodes, each quoted where needed.
[[nodiscard]] std::string column_list(const List* names);
// The first `count` names of a list of String nodes joined with '.', each quoted where needed
// (the table of `trigger ON table` in a DROP TRIGGER's name list).
[[nodiscard]] std::string leading_names(const List* names, int count);
// How to make this file's statement run outside a transaction, per migration tool; `where` is
// the transaction it runs in now (a tool's switch does not undo a BEGIN written in the file).
[[nodiscard]] std::string no_transaction_fix(const FileReport& file, Transaction where);

// The roles a GRANT, REVOKE or DROP ROLE names, as the message shows them: quoted names, PUBLIC,
// "the current role" (CURRENT_USER, SESSION_USER, CURRENT_ROLE).
[[nodiscard]] std::string role_list(const List* roles);

}  // namespace pgfence::analyze::rules
