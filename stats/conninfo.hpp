#pragma once
// Connection strings as the user gives them (postgresql:// URLs or key=value pairs), shown
// back without their password: nothing pgfence prints may carry it.
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::stats {

// "postgresql://app:***@db:5432/app", "host=db password=*** dbname=app"; anything else unchanged.
[[nodiscard]] std::string redact_conninfo(std::string_view conninfo);

// The password written in the string, as written and percent-decoded (empty when none).
[[nodiscard]] std::vector<std::string> passwords_in(std::string_view conninfo);

// `message` with every occurrence of each secret replaced by ***.
[[nodiscard]] std::string scrub(std::string message, const std::vector<std::string>& secrets);

// True when a URL has an '@' after a '/', '?' or '#': a password with one of those unencoded,
// which libpq would read as part host, port or database (and quote in its error); an '@' in
// the path or query (which %40 spells as well) cannot be told from it.
[[nodiscard]] bool userinfo_needs_encoding(std::string_view conninfo);

// True for "postgresql://..." / "postgres://..." URLs.
[[nodiscard]] bool is_url(std::string_view conninfo);

}  // namespace pgfence::stats
