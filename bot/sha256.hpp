#pragma once
// SHA-256 through libcrypto (opened on first use, bot/libcrypto_lazy.hpp): the upload's file
// hashes, content hash and idempotency key (notes: docs/json-format.md, README "Uploads").
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

namespace pgfence::bot {

// The 64 lowercase hex digits of SHA-256(bytes), or why libcrypto could not compute it.
[[nodiscard]] analyze::Result<std::string> sha256_hex(std::string_view bytes);

}  // namespace pgfence::bot
