#pragma once
// The one adapter around libpg_query: PostgreSQL's own parser. SQL statements come back as
// PostgreSQL's parse tree itself (read through analyze/pg_tree.hpp); a DO block's PL/pgSQL body,
// which only libpg_query's JSON output describes, as a decoded JSON tree.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <memory>
#include <optional>

#include "analyze/parse/parse_tree.hpp"

struct Node;  // PostgreSQL's parse node (analyze/pg_tree.hpp)

namespace pgfence::analyze {

struct ParseFailure {
    std::string message;     // PostgreSQL's message, e.g. `syntax error at or near "x"`
    std::size_t offset = 0;  // byte offset inside the statement text where it failed
};

struct ParsedStatement {
    std::string kind;  // "AlterTableStmt"
    std::optional<ParseFailure> failure;
    // The statement as PostgreSQL's parser built it (an AlterTableStmt node, ...), read through
    // analyze/pg_tree.hpp; null when parsing failed. `arena` owns it (any thread may release it).
    std::shared_ptr<void> arena;
    const ::Node* stmt = nullptr;
    // A PL/pgSQL body only (parse_plpgsql_body): libpg_query's JSON function tree; `tree` owns it.
    ParseTree tree;
    Node node;
};

// Parses one statement's text (without its terminating ';'). The tree is allocated in `into`
// (from new_parse_arena: one per file keeps a statement's cost to its tree) or, when null, in an
// arena of its own.
[[nodiscard]] ParsedStatement parse_statement(std::string_view sql, const std::shared_ptr<void>& into = nullptr);
// Parses a PL/pgSQL assignment's text, `target := value` (or `=`), as PostgreSQL does: a
// PLAssignStmt, its target's subscripts in `indirection`, its value a SelectStmt.
[[nodiscard]] ParsedStatement parse_plpgsql_assignment(std::string_view text, const std::shared_ptr<void>& into = nullptr);
// The name (its parts as written) of every function call in `node`'s tree, whatever field or
// node kind holds it: libpg_query's writer of every node as JSON, read back. Nothing when the
// tree is too deep to read back.
[[nodiscard]] std::optional<std::vector<std::vector<std::string>>> function_calls_in(const ::Node* node);
// The same for every operator an expression of `node`'s tree names (`a ### b`, `OPERATOR(s.###)`,
// `x = ANY(...)`): the name's parts as written.
[[nodiscard]] std::optional<std::vector<std::vector<std::string>>> operators_in(const ::Node* node);
// Both at once, from one reading of the tree (the names as the two above give them).
struct CallsAndOperators {
    std::vector<std::vector<std::string>> calls;
    std::vector<std::vector<std::string>> operators;
};
[[nodiscard]] std::optional<CallsAndOperators> calls_and_operators_in(const ::Node* node);
// An arena for parse trees; freeing the last reference frees them all (from any thread).
[[nodiscard]] std::shared_ptr<void> new_parse_arena();
// The bytes an arena from new_parse_arena holds (its blocks, used or not).
[[nodiscard]] std::size_t parse_arena_bytes(const std::shared_ptr<void>& arena);

// A SELECT of constants only (`SELECT 1`, `SELECT 'a' AS x, 2`): every target a constant and no
// other clause (no FROM, INTO, WITH, WHERE, locking, set operation). It names no relation,
// function or setting, so no other statement's analysis depends on what is in it. A file of a
// million of them would keep a million trees until its rules ran; the analyzer keeps each as
// constant_select_stand_in() instead (a SelectStmt with those clauses and no targets, shared and
// read only) and gives the tree's nodes back to its arena (release_constant_select); the rules
// check the statement on its tree parsed again from its text (rules/engine.cpp).
[[nodiscard]] bool is_constant_select(const ::Node* stmt);
[[nodiscard]] const ::Node* constant_select_stand_in();
// Frees the nodes of a tree is_constant_select accepted (a constant's own text is left to the
// arena); `stmt` must not be read again.
void release_constant_select(const ::Node* stmt);

// Parses the PL/pgSQL body of a DO block (as PostgreSQL's plpgsql parser would compile it)
// into libpg_query's JSON function tree; a failure carries PostgreSQL's message.
[[nodiscard]] ParsedStatement parse_plpgsql_body(std::string_view body);
// The same for a whole CREATE FUNCTION / PROCEDURE ... LANGUAGE plpgsql statement: its return
// type and parameters as written (RETURN x needs a function that returns something).
[[nodiscard]] ParsedStatement parse_plpgsql_function(std::string_view create_sql);

// Server version number the parser implements (e.g. 180006).
[[nodiscard]] int parser_version();
// What parses, for `pgfence version`: "libpg_query 18.1.0-2 (Debian package), PostgreSQL 18.6 grammar".
[[nodiscard]] std::string parser_description();

}  // namespace pgfence::analyze
