#pragma once
// HTTPS for the GitHub client. cpp-httplib and OpenSSL (with brotli, five libraries) live in a
// module of their own, pgfence-http.so, opened the first time a command talks to GitHub: a
// run of `pgfence analyze` never pays for loading them (analyze/shared_library.hpp says why).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::bot::http {

struct Options {
    std::string origin;  // scheme://host[:port]
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds read_timeout{30};
    std::string ca_cert_file;  // empty: the system's trust store
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method;
    std::string path;  // already encoded
    Headers headers;
    std::string body;
    // A body too large to hold (a governance upload), instead of `body`: written to the connection
    // by write_body a piece at a time (false from the sink: stop), body_size bytes in all, the
    // same ones on each send.
    std::function<void(const std::function<bool(std::string_view)>&)> write_body;
    std::size_t body_size = 0;
};

// Why no response came.
enum class Failure {
    none,
    connection,  // refused or unreachable: nothing was sent
    tls_trust,   // the certificate does not verify (and will not on a retry)
    other,       // sent, perhaps in part, and no answer came
};

struct Result {
    Failure failure = Failure::none;
    std::string failure_text;  // the library's words for it
    int status = 0;
    std::string body;
    Headers headers;
};

// One connection (kept alive between requests) to one origin; redirects are not followed.
class Transport {
public:
    virtual ~Transport() = default;
    virtual Result send(const Request& request) = 0;
};

// The module's transport, or the error line when the module cannot be opened. It is looked for
// in $PGFENCE_HTTP_MODULE, beside the executable, then in ../lib/pgfence/ from it.
[[nodiscard]] analyze::Result<std::unique_ptr<Transport>> open_transport(const Options& options);

}  // namespace pgfence::bot::http

// The module's one entry point: a transport the caller owns, or nullptr.
extern "C" pgfence::bot::http::Transport* pgfence_http_open(const pgfence::bot::http::Options* options);
