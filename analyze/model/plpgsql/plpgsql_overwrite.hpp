#pragma once
// What a PL/pgSQL trigger function does to NEW whatever the row: the assignments at the top level
// of its body, before its first RETURN, that throw the row's written values away (NEW := OLD, or
// NEW.col := a constant or NULL). rules/create-trigger.cpp makes a BEFORE UPDATE trigger that runs
// such a function HIGH: every later write of the application is silently rewritten.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze {

// The destructive assignments, as written ("NEW.balance := 0", "NEW := OLD"), in order; empty when
// none, or when the body does not parse or has an exception handler. An assignment inside IF,
// CASE or a loop is conditional and not counted, nor is a boolean constant (a flag marking the row
// changed, `NEW.synced := false`, is a common intent) or an expression (`NEW.updated_at := now()`).
[[nodiscard]] std::vector<std::string> trigger_overwrites_new(std::string_view body);

}  // namespace pgfence::analyze
