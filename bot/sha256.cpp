// The one adapter over libcrypto (STYLE "Errors"): its failures become Error values.
#include "bot/sha256.hpp"

#include <openssl/evp.h>

#include "bot/libcrypto_lazy.hpp"

namespace pgfence::bot {

analyze::Result<std::string> sha256_hex(std::string_view bytes) {
    if (auto missing = open_libcrypto()) return analyze::Error{*missing, "", std::nullopt};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1 || size != 32)
        return analyze::Error{"libcrypto could not compute a SHA-256", "", std::nullopt};
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (unsigned int i = 0; i < size; ++i) {
        out.push_back(k_hex[digest[i] >> 4]);
        out.push_back(k_hex[digest[i] & 0xf]);
    }
    return out;
}

}  // namespace pgfence::bot
