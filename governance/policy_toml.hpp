#pragma once
// The policy read from a TOML document parsed by someone else: the service's governance.toml,
// whose other tables it checks itself. Only `policy` and `repositories` are read here.
#include <string>

#include <toml++/toml.h>

#include "governance/policy.hpp"

namespace pgfence::governance {

[[nodiscard]] analyze::Result<Policy> policy_from_toml(const toml::table& root, const std::string& file);

}  // namespace pgfence::governance
