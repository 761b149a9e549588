// The one adapter over libcrypto (STYLE "Errors"): its failures become Error values.
#include "bot/sha256.hpp"

#include <openssl/evp.h>

#include "bot/libcrypto_lazy.hpp"

namespace pgfence::bot {

namespace {

analyze::Error failed() { return analyze::Error{"libcrypto could not compute a SHA-256", "", std::nullopt}; }

std::string hex(const unsigned char* digest, unsigned int size) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(k_hex[digest[i] >> 4]);
        out.push_back(k_hex[digest[i] & 0xf]);
    }
    return out;
}

}  // namespace

analyze::Result<std::string> sha256_hex(std::string_view bytes) {
    if (auto missing = open_libcrypto()) return analyze::Error{*missing, "", std::nullopt};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1 || size != 32) return failed();
    return hex(digest, size);
}

RunningSha256::~RunningSha256() {
    if (m_ctx) EVP_MD_CTX_free(m_ctx);
}

analyze::Result<bool> RunningSha256::start() {
    if (m_ctx) return true;
    if (auto missing = open_libcrypto()) return analyze::Error{*missing, "", std::nullopt};
    m_ctx = EVP_MD_CTX_new();
    if (!m_ctx || EVP_DigestInit_ex(m_ctx, EVP_sha256(), nullptr) != 1) return failed();
    return true;
}

analyze::Result<bool> RunningSha256::update(std::string_view bytes) {
    if (auto started = start(); !started) return started.error();
    if (!bytes.empty() && EVP_DigestUpdate(m_ctx, bytes.data(), bytes.size()) != 1) return failed();
    return true;
}

analyze::Result<std::string> RunningSha256::hex_with(std::string_view suffix) const {
    if (!m_ctx) return sha256_hex(suffix);
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    if (!copy) return failed();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    const bool done = EVP_MD_CTX_copy_ex(copy, m_ctx) == 1 &&
                      (suffix.empty() || EVP_DigestUpdate(copy, suffix.data(), suffix.size()) == 1) &&
                      EVP_DigestFinal_ex(copy, digest, &size) == 1 && size == 32;
    EVP_MD_CTX_free(copy);
    if (!done) return failed();
    return hex(digest, size);
}

}  // namespace pgfence::bot
