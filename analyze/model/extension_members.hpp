#pragma once
// Extension membership (issue 53, red team h1 item 6). `ALTER EXTENSION e ADD TABLE orders` makes
// orders a member of e: `DROP EXTENSION e` (with or without CASCADE) then drops it with its rows
// (PostgreSQL's extension.c / dependency.c: a member has a DEPENDENCY_EXTENSION on its extension,
// and dropping the extension drops its members). The catalog remembers each ADD, across the files
// before this one and --history, so that a later DROP EXTENSION, in another file or pull request,
// is judged by what it drops (the drop-extension-members rule).
#include <string_view>

#include "analyze/model/model.hpp"

namespace pgfence::analyze::model {

// ALTER EXTENSION e ADD <object>: remembered in the catalog. ALTER EXTENSION e DROP <object> is
// not taken back (the member list is kept as a list of uses): a later DROP EXTENSION may report an
// object no longer a member, never miss one.
void remember_extension_member(const AlterExtensionContentsStmt* stmt, Context& ctx);

// DROP EXTENSION: a note for the drop-extension-members rule for each member the catalog holds.
void note_extension_members(const DropStmt* stmt, StatementFacts& facts, Context& ctx);

inline constexpr std::string_view k_extension_member_note = "drops extension member: ";

}  // namespace pgfence::analyze::model
