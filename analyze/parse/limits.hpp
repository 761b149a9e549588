#pragma once
// Bounds that keep hostile input from crashing or exhausting pgfence. PostgreSQL's parser,
// libpg_query's JSON output, our decoder and the walkers over both recurse once per nesting
// level, so each statement is parsed on a thread with a large stack, and statements nested
// beyond what that stack holds are refused before they reach the parser.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pgfence::analyze {

// Stack of the threads that parse and walk statements. Reserved address space, not memory:
// only the pages a deep statement touches are ever resident.
inline constexpr std::size_t k_large_stack_bytes = std::size_t{512} << 20;

// Brackets ( [ nested inside each other, and operators chained at one level (1+1+..., a||b||...,
// x::t::t, NOT NOT ..., UNION ...), each of which nests one level deeper in the parse tree.
// A statement's nesting is its bracket depth plus the chain lengths of every level it is in.
inline constexpr int k_max_sql_nesting = 1000;

// The same for JavaScript/TypeScript migrations: brackets, blocks, functions, ternaries,
// template literals inside template literals, and chains (a + b + ..., a.b.c..., f()()...).
inline constexpr int k_max_js_nesting = 1000;

// Runs fn on a thread with a k_large_stack_bytes stack, or right here when the calling thread
// already is one. An exception fn throws is rethrown to the caller.
void run_on_large_stack(const std::function<void()>& fn);

// Whether the calling thread runs on a large stack (set by run_on_large_stack).
[[nodiscard]] bool on_large_stack();

struct TooDeep {
    std::string message;     // "too deeply nested: ..."
    std::size_t offset = 0;  // byte offset where the limit was passed
};

// A cheap lexical pre-scan of one SQL statement (quotes, comments and dollar quotes skipped):
// the first place its nesting passes k_max_sql_nesting, or nullopt.
[[nodiscard]] std::optional<TooDeep> sql_too_deep(std::string_view sql);

}  // namespace pgfence::analyze
