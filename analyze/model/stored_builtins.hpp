#pragma once
// PostgreSQL's own functions with side effects kept in an object the application uses (issue 53,
// red team h1 item 2): a CHECK (NOT VALID too), a domain's CHECK or DEFAULT, a column DEFAULT, a
// generated column, an index expression, a trigger's WHEN, a view, a policy. From the moment the
// statement commits, every application statement that evaluates it takes the advisory lock,
// terminates or cancels a backend, sleeps, changes its session's settings (search_path,
// default_transaction_read_only), or resets a sequence: directly, or through a function of the
// migrations whose body calls one (that body only reads, so stored-call-writes does not see it).
// The stored-builtin-side-effect rule reports it (HIGH).
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze {

// What a call of the built-in `name` (lower case, no schema) kept in a stored expression does to
// the application statements that evaluate it: "" when it computes, reads, or returns a new value
// (random(), now(), nextval(): a DEFAULT's everyday calls); else what it does.
[[nodiscard]] std::string_view stored_builtin_effect(std::string_view name);

// The note on a statement for the stored-builtin-side-effect rule: the finding's message follows.
inline constexpr std::string_view k_stored_builtin_note = "stored built-in with side effects: ";

// The catalog's key (Catalog::add_object_use) under which CREATE OPERATOR keeps the function an
// operator runs (its schema as written, a NUL byte, its name), so that an expression stored later, in this file or a
// later one, that uses the operator is judged by that function: `CREATE OPERATOR ### (RIGHTARG =
// int, FUNCTION = pg_cancel_backend)` then `CHECK ((### pid) IS NOT NULL)`. A NUL byte starts it:
// no function has such a name.
[[nodiscard]] inline std::string operator_function_key(std::string_view op) {
    return std::string("\0operator-function:", 19) + std::string(op);
}

// The catalog's key under which CREATE AGGREGATE keeps an aggregate's name (its qualified name as
// the value): a call of that name may be the aggregate (PostgreSQL 15 picks a public.format(text,
// int) aggregate for format('SELECT %s', 1)), which EXECUTE's folding must not read as the built-in.
[[nodiscard]] inline std::string aggregate_key(std::string_view name) {
    return std::string("\0aggregate:", 11) + std::string(name);
}

// The catalog's key under which CREATE CAST keeps each cast the migrations made ("source target",
// last names): PostgreSQL has no pg_cast entry for integer or numeric to text (it converts through
// their output functions), so CREATE CAST (integer AS text) WITH FUNCTION f is allowed, and then
// `5::text` and `'t' || 5` run f (textanycat, behind `text || anynonarray`, is `SELECT $1 ||
// $2::pg_catalog.text`): checked on PostgreSQL 15, both gave f's text. Folding then reads no number.
[[nodiscard]] inline std::string created_casts_key() { return std::string("\0casts", 6); }

}  // namespace pgfence::analyze
