#pragma once
// Whether Flyway runs a SQL migration in a transaction, decided as Flyway decides it when the
// script's own .conf does not set executeInTransaction.
//
// Flyway (flyway-core 8.5.13 to 11, flyway/flyway):
//  - Parser.getNextStatement builds a "simplified statement" of each statement: its words made of
//    letters and `_` only (TokenType.KEYWORD: Parser.isKeyword), at parenthesis depth 0, upper-cased
//    and joined by one space, at most the first 10 (getTransactionalDetectionCutoff), and asks
//    detectCanExecuteInTransaction after each word; no answer by the statement's end is "can".
//    Quoted identifiers, strings, comments and words holding a digit or a dot are no such words.
//  - PostgreSQLParser.detectCanExecuteInTransaction: `^(CREATE|DROP) (DATABASE|TABLESPACE|
//    SUBSCRIPTION)`, `^ALTER SYSTEM`, `^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY`,
//    `^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)`, `^VACUUM`, `^DISCARD ALL` (Pattern.matches:
//    the whole simplified statement so far), and before PostgreSQL 12 `^ALTER TYPE( .*)? ADD VALUE`,
//    are statements that cannot run in a transaction. (`REINDEX TABLE ... CONCURRENTLY` is not one:
//    Flyway runs it in the transaction, where PostgreSQL refuses it.)
//  - ParserSqlScript.parse: a script holding both kinds fails ("Detected both transactional and
//    non-transactional statements within the same migration (even though mixed is false)") unless
//    flyway.mixed is true; ParserSqlScript.executeInTransaction: a script with any statement of the
//    second kind runs without a transaction, each statement committed on its own.
#include <cstddef>
#include <string_view>

namespace pgfence::analyze::tools {

// What Flyway's settings beside a migration (`sibling_metadata`, tools::pack_flyway_files) say of
// its transaction: `decides` unless the script's .conf sets executeInTransaction (which Flyway then
// follows, checking nothing: ParserSqlScript.executeInTransaction) or every settings file sets
// flyway.executeInTransaction=false (`none`: no script runs in a transaction); `mixed` when a
// settings file sets flyway.mixed=true (the deploy may read that one).
struct FlywayTransactionSettings {
    bool decides = true;
    bool none = false;
    bool mixed = false;
};
[[nodiscard]] FlywayTransactionSettings flyway_transaction_settings(std::string_view sibling_metadata);

// The file note that says Flyway refuses the script (both kinds, flyway.mixed not true): the
// analyzer writes it on the file's first statement, concurrently-in-transaction reads it.
inline constexpr std::string_view k_flyway_refuses_note = "flyway: Flyway refuses this migration";

// Whether Flyway would run `statement` (one statement's text, comments allowed) in a
// transaction, on a server of major version `pg_version`.
[[nodiscard]] bool flyway_runs_in_transaction(std::string_view statement, int pg_version);

}  // namespace pgfence::analyze::tools
