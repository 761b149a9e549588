#include "analyze/model/meaning_context.hpp"

#include <optional>
#include <string_view>

#include "analyze/model/session_role.hpp"

namespace pgfence::analyze {

std::string meaning_context(const StatementFacts& statement) {
    const Settings& s = *statement.settings;
    std::string out;
    const auto add = [&](std::string_view name, const std::optional<std::string>& value) {
        if (value) out.append("\x1f").append(name).append("=").append(*value);
    };
    add("search_path", s.search_path);
    add("TimeZone", s.timezone);
    add("session_replication_role", s.session_replication_role);
    // And the role "$user" names, when one is set (R83b H4); appended last, so that a file that
    // never sets one keeps the identities baselines already hold.
    return out + role_meaning(s);
}

}  // namespace pgfence::analyze
