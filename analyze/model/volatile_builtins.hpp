#pragma once
// Built-in functions that may act outside the statement that calls them: PostgreSQL marks them
// VOLATILE (analyze/volatile_functions.txt, generated from a PostgreSQL 15 server's pg_proc and
// checked against one by the hostile_volatile_functions ctest), and pgfence neither models them
// nor knows them harmless. An allowlist, so that a volatile built-in nobody listed is judged.
#include <string_view>

namespace pgfence::analyze {

// Why a call of the built-in `name` (lower case, no schema) must be judged by a person: "" when
// it computes or reads only, or when a rule models what it does; else what it may do.
[[nodiscard]] std::string_view unmodelled_volatile_builtin(std::string_view name);

}  // namespace pgfence::analyze
