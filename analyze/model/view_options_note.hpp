#pragma once
// CREATE OR REPLACE VIEW of a view whose old statement the migrations show: the options the old view
// had (security_invoker, check_option, security_barrier), which the new statement replaces whole
// (src/backend/commands/view.c DefineVirtualRelation: an AT_ReplaceRelOptions of the new list, so
// an option the new statement leaves out is reset). analyze/model/create.cpp notes them,
// view-options-changed compares them with the new statement's.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::analyze {

inline constexpr std::string_view k_view_old_options_note = "view options before CREATE OR REPLACE VIEW, as the migrations show them: ";

// A view statement's options, name -> value as PostgreSQL stores it ("true", "false", "local",
// "cascaded"); WITH [LOCAL | CASCADED] CHECK OPTION counts as check_option (view.c DefineView).
// A value PostgreSQL would read otherwise is kept as written.
[[nodiscard]] std::map<std::string, std::string> view_options(const ViewStmt* view);

// The options of view `relname` as `old_sql` (a CREATE [OR REPLACE] VIEW, or a CREATE SCHEMA holding
// one) made them; nullopt when it cannot be read again.
[[nodiscard]] std::optional<std::map<std::string, std::string>> view_options_of(std::string_view old_sql, std::string_view relname);
// The same with the old statement parsed already (`old_stmt`, null when it does not parse).
[[nodiscard]] std::optional<std::map<std::string, std::string>> view_options_of(const pg::Node* old_stmt, std::string_view relname);

// The note for view `display`, its old options in "name=value" form separated by ", ".
[[nodiscard]] std::string view_old_options_note(std::string_view display, const std::map<std::string, std::string>& options);
// The old options the model noted on `statement` for `display`; nullopt when none was noted.
[[nodiscard]] std::optional<std::map<std::string, std::string>> view_old_options(const StatementFacts& statement,
                                                                                std::string_view display);

}  // namespace pgfence::analyze
