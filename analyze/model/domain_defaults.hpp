#pragma once
// A domain whose DEFAULT is volatile (CREATE DOMAIN d AS float8 DEFAULT random()): a column of it
// added without a default of its own takes that default, one value per row, so ADD COLUMN rewrites
// the table (tablecmds.c ATExecAddColumn). analyze/model/misc.cpp keeps why the default is volatile
// among the Catalog's object uses under this key (no name PostgreSQL stores holds a NUL byte);
// analyze/model/alter_table.cpp names it in the rewrite's reason.
#include <string>
#include <string_view>

namespace pgfence::analyze::model {

[[nodiscard]] inline std::string domain_volatile_default_key(std::string_view domain) {
    return std::string("\0domain-volatile-default:", 25) + std::string(domain);
}

// The key under which the Catalog keeps the functions a domain's DEFAULT calls, beside its CHECKs'
// (Catalog::add_domain_functions; function_attach.cpp attaches them to the columns of the domain).
inline constexpr std::string_view k_domain_default_prefix{"\0domain-default:", 16};
[[nodiscard]] inline std::string domain_default_key(std::string_view domain) {
    return std::string(k_domain_default_prefix) + std::string(domain);
}

}  // namespace pgfence::analyze::model
