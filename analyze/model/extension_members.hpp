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

// CREATE EXTENSION: remembered in the catalog (with whether CASCADE made what it requires), so that
// DROP EXTENSION x CASCADE knows the extensions it drops with x.
void remember_extension_created(const CreateExtensionStmt* stmt, Context& ctx);

// DROP EXTENSION: a note for the drop-extension-members rule for each member the catalog holds;
// with CASCADE, for each extension the migrations made that requires it (its control file's
// `requires`, for those pgfence knows), and for the members of those.
void note_extension_members(const DropStmt* stmt, StatementFacts& facts, Context& ctx);

inline constexpr std::string_view k_extension_member_note = "drops extension member: ";

// The same class (red team h1 T_SEQOWNEDDROPTAB): `ALTER SEQUENCE s OWNED BY t.c` makes s go with
// t (PostgreSQL's sequence.c process_owned_by records an auto dependency on the column), and with
// s the DEFAULTs that call nextval(s) stop working (every later insert that leaves the id out
// fails). Remembered as for extensions; `DROP TABLE t` then notes each sequence so tied to it, for
// the same rule. OWNED BY of a sequence CREATE SEQUENCE makes, or serial's own, is not recorded.
void remember_sequence_owner(const AlterSeqStmt* stmt, Context& ctx);

}  // namespace pgfence::analyze::model
