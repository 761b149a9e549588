#pragma once
// What the transaction rules share: the file's statements grouped into the transactions
// they run in (from the transaction facts and the TransactionStmt statements themselves),
// and the locks a transaction keeps until it ends.
#include <optional>
#include <string>
#include <vector>

#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {

// Statements [first, last] that run in one transaction: BEGIN ... COMMIT written in the
// file, or the transaction the migration tool wraps the file in.
struct TransactionScope {
    int first = 0;
    int last = 0;
    bool explicit_block = false;  // opened by a BEGIN in the file
    bool closed = false;          // ended by COMMIT, ROLLBACK or PREPARE TRANSACTION in the file
};

// Every transaction that can hold locks across statements, in file order. Autocommit
// statements (Transaction::None) belong to none.
[[nodiscard]] std::vector<TransactionScope> transactions(const FileContext& ctx);

// Does the statement open a transaction block (BEGIN, START TRANSACTION), or end one
// (COMMIT, ROLLBACK, PREPARE TRANSACTION)?
[[nodiscard]] bool opens_transaction(const pg::Node* stmt);
[[nodiscard]] bool ends_transaction(const pg::Node* stmt);
// SET, SHOW and transaction control: they take no locks and run instantly.
[[nodiscard]] bool is_session_statement(const StatementFacts& statement);

// The statement's ACCESS EXCLUSIVE locks on relations that existed before the migration.
// `tables_only` leaves out indexes, sequences and schemas (their table is named separately).
[[nodiscard]] std::vector<const LockFact*> exclusive_existing_locks(const StatementFacts& statement, bool tables_only);

// A recipe that splits the transaction into migrations that each end right after the
// statement taking an ACCESS EXCLUSIVE lock, so no lock is held while later work runs.
// Empty when a single statement takes two such locks (splitting it is a rewrite by hand).
[[nodiscard]] std::optional<Recipe> split_after_exclusive_locks(const FileContext& ctx, const TransactionScope& scope);

}  // namespace pgfence::analyze::rules
