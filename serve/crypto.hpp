#pragma once
// OpenSSL, wrapped once for the governance service: digests, the webhook signature, the App's
// JWT (RS256) and random tokens. Errors are values; keys are owned with RAII.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

namespace pgfence::serve {

[[nodiscard]] std::string sha256_hex(std::string_view data);
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares in time that depends only on the lengths, never on where they first differ.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);
// `bytes` random bytes from the system's generator, as lowercase hex.
[[nodiscard]] analyze::Result<std::string> random_hex(std::size_t bytes);
[[nodiscard]] std::string base64url(std::string_view data);
// Standard base64 (GitHub's file contents, with line breaks), or nothing when it is not base64.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

// An RSA private key read from PEM (the GitHub App's), that signs with RS256.
class SigningKey {
public:
    [[nodiscard]] static analyze::Result<SigningKey> from_pem(std::string_view pem);
    [[nodiscard]] analyze::Result<std::string> sign_rs256(std::string_view data) const;

private:
    struct Free {
        void operator()(void* key) const;
    };
    std::shared_ptr<void> m_key;
};

}  // namespace pgfence::serve
