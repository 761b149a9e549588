#include "analyze/model/session_role.hpp"

#include <algorithm>
#include <vector>

namespace pgfence::analyze {

std::optional<std::string> role_value(std::optional<std::string> value) {
    // variable.c check_role: strcmp(*newval, "none"), exactly ("NONE" quoted is a role's name).
    if (value && *value == "none") return std::nullopt;
    return value;
}

const std::optional<std::string>& effective_role(const Settings& settings) {
    return settings.role ? settings.role : settings.session_authorization;
}

std::string role_meaning(const Settings& settings) {
    const std::optional<std::string>& role = effective_role(settings);
    if (!role) return {};
    if (settings.search_path) {
        const std::vector<std::string> schemas = search_path_schemas(*settings.search_path);
        if (std::find(schemas.begin(), schemas.end(), "$user") == schemas.end()) return {};
    }
    return "\x1f" "current_user=" + *role;
}

}  // namespace pgfence::analyze
