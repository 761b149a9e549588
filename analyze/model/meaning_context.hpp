#pragma once
// What decides which objects a statement's text names and what it does to them, beyond its text:
// the settings in force that change what it does (search_path, TimeZone, session_replication_role,
// and the role "$user" in search_path names: session_role.hpp), as a suffix for the identities of
// its findings (a baseline entry, a SARIF or GitLab fingerprint): `SET search_path = public` above
// a baselined `DROP TABLE orders` drops another table, a new finding (red team R83 F4), and so does
// the same DROP moved below `RESET ROLE` (R83b H4). "" when none is set, so the identities of
// statements under default settings are what they were.
#include <string>

#include "analyze/model/facts.hpp"

namespace pgfence::analyze {

[[nodiscard]] std::string meaning_context(const StatementFacts& statement);

}  // namespace pgfence::analyze
