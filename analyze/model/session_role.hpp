#pragma once
// The role a statement runs as, as far as it changes what the statement's names mean. The
// default search_path, "$user", public, searches first a schema named after current_user
// (PostgreSQL docs, "The Schema Search Path"; namespace.c recomputeNamespacePath reads GetUserId()),
// and SET ROLE / SET SESSION AUTHORIZATION change current_user: `SET ROLE staging; DROP TABLE
// orders` drops staging.orders where the same DROP after RESET ROLE drops public.orders (red team
// R83b H4). Settings keeps both as SET keeps them (analyzer_session.cpp); PostgreSQL 15, checked:
//   SET [LOCAL] ROLE x           current_user x, until RESET ROLE / SET ROLE NONE (or the end
//                                of the transaction, for LOCAL, or its ROLLBACK)
//   SET [LOCAL] SESSION AUTHORIZATION x
//                                session_user and current_user x, and SET ROLE's in the same scope
//                                ends (a ROLLBACK of it puts back the role; SHOW role: none)
//   RESET SESSION AUTHORIZATION, SET SESSION AUTHORIZATION DEFAULT: back to the login role, no role
//   RESET ALL                    keeps both (GUC_NO_RESET_ALL); DISCARD ALL ends both
#include <optional>
#include <string>
#include <string_view>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

// The value SET ROLE keeps: none (SET ROLE NONE, set_config('role', 'none', ...)) is no role.
[[nodiscard]] std::optional<std::string> role_value(std::optional<std::string> value);
// current_user as the statements set it: the role, else the session authorization; nullopt: the
// role the migration tool logs in as, which pgfence does not know.
[[nodiscard]] const std::optional<std::string>& effective_role(const Settings& settings);
// "\x1fcurrent_user=staging" when a role is set and the search_path in force (the default when
// none is set) searches "$user"; "" otherwise, so the identities of statements of a file that
// never sets a role are what they were.
[[nodiscard]] std::string role_meaning(const Settings& settings);

}  // namespace pgfence::analyze
