#pragma once
// SHA-256 through libcrypto (opened on first use, bot/libcrypto_lazy.hpp): the upload's file
// hashes, content hash and idempotency key (notes: docs/json-format.md, README "Uploads").
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace pgfence::bot {

// The 64 lowercase hex digits of SHA-256(bytes), or why libcrypto could not compute it.
[[nodiscard]] analyze::Result<std::string> sha256_hex(std::string_view bytes);

// SHA-256 over bytes fed in pieces, whose digest of what was fed so far plus a suffix can be
// taken at any point without hashing the prefix again: each statement's context hash is the
// running hash of the file up to its end (bot/governance_envelope.cpp), linear in the file's size.
class RunningSha256 {
public:
    RunningSha256() = default;
    RunningSha256(const RunningSha256&) = delete;
    RunningSha256& operator=(const RunningSha256&) = delete;
    ~RunningSha256();

    [[nodiscard]] analyze::Result<bool> update(std::string_view bytes);
    // SHA-256(everything fed so far + suffix), in hex; the running state is left as it was.
    [[nodiscard]] analyze::Result<std::string> hex_with(std::string_view suffix) const;

private:
    [[nodiscard]] analyze::Result<bool> start();
    ::evp_md_ctx_st* m_ctx = nullptr;
};

}  // namespace pgfence::bot
