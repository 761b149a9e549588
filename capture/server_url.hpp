#pragma once
// Where a `--server URL` listens, read from the URL as libpq reads it (libpq's "Connection
// Strings": postgresql://[user[:password]@][host][:port][/dbname][?param=value...] or
// key=value pairs), for the proxy to connect to. The first host of a list is used; a host that
// starts with '/' is a socket folder; none means $PGHOST, else Debian's /var/run/postgresql.
#include <optional>
#include <string>

#include "capture/proxy.hpp"

namespace pgfence::capture {

// nullopt when the URL cannot be read (its error is the connection's, said by libpq).
[[nodiscard]] std::optional<Upstream> upstream_of(const std::string& url);

}  // namespace pgfence::capture
