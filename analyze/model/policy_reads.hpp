#pragma once
// Does a policy let the roles that read a table keep reading it once row security is on? A
// permissive one for every command or for SELECT, to PUBLIC or to roles other than the ones row
// security never filters anyway (postgres, the default superuser; the migration's own role,
// CURRENT_USER / SESSION_USER / CURRENT_ROLE, "current role" as policy_roles keeps it). A FOR
// INSERT / UPDATE / DELETE policy grants no read, so with only those every SELECT of the
// application returns no rows (checked on PostgreSQL 15, red team F1 P_POLINSONLY, P_POLUPDONLY,
// P_POLROLE: 3 rows, then 0). Roles named otherwise count: pgfence cannot know which role the
// application connects as.
#include <string>
#include <string_view>

namespace pgfence::analyze {

// How the model's row_security_known_note says the table has policies but none that reads.
inline constexpr std::string_view k_no_read_policy = "no policy of it lets a role read it: ";
// ... and that its policies let roles read it, but none shows every row to every role
// (policy_filter.hpp): enabling row security hides the rest.
inline constexpr std::string_view k_filtering_policies = "no policy of it shows every row to every role: ";

// How the model's row_security_known_note (clause "<ENABLE|FORCE> ROW LEVEL SECURITY for writes")
// says which write commands no permissive policy of the table grants: "no permissive policy of it
// grants INSERT, UPDATE, DELETE: <its policies>". Row security denies each of them to every role
// it applies to (an INSERT fails, an UPDATE or DELETE matches no row).
inline constexpr std::string_view k_no_write_policy = "no permissive policy of it grants ";

// Does a policy grant `wanted` ("select", "insert", "update", "delete") to a role row security
// filters (as policy_lets_read for reads)?
[[nodiscard]] inline bool policy_grants(bool permissive, std::string_view command, std::string_view roles, std::string_view wanted) {
    if (!permissive || (command != "all" && command != wanted)) return false;
    if (roles.empty()) return true;  // PUBLIC
    std::size_t at = 0;
    while (at <= roles.size()) {
        const std::size_t comma = roles.find(',', at);
        const std::string_view role = roles.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
        if (role != "postgres" && role != "current role") return true;
        if (comma == std::string_view::npos) break;
        at = comma + 1;
    }
    return false;
}

[[nodiscard]] inline bool policy_lets_read(bool permissive, std::string_view command, std::string_view roles) {
    return policy_grants(permissive, command, roles, "select");
}

}  // namespace pgfence::analyze
