// libcrypto, opened when `pr --upload` first hashes a file (analyze/shared_library.hpp says why).
#include <openssl/evp.h>

#include <array>

#include "bot/libcrypto_lazy.hpp"
#include "analyze/base/shared_library.hpp"

// Every libcrypto function pgfence calls: return type, name, parameters, arguments. A new call
// needs its line here (the link fails without it); a line that differs from OpenSSL's own
// declaration does not compile.
#define PGFENCE_LIBCRYPTO_FUNCTIONS(X) \
    X(int, EVP_Digest, (const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type, ENGINE *impl), (data, count, md, size, type, impl)) \
    X(const EVP_MD *, EVP_sha256, (void), ()) \
    X(EVP_MD_CTX *, EVP_MD_CTX_new, (void), ()) \
    X(void, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx)) \
    X(int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl), (ctx, type, impl)) \
    X(int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *d, size_t cnt), (ctx, d, cnt)) \
    X(int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s), (ctx, md, s)) \
    X(int, EVP_MD_CTX_copy_ex, (EVP_MD_CTX *out, const EVP_MD_CTX *in), (out, in))

namespace {

struct Table {
    PGFENCE_LIBCRYPTO_FUNCTIONS(PGFENCE_LAZY_SLOT)
};
Table g_table;

constexpr pgfence::LazyLibraryInfo k_info{PGFENCE_LIBCRYPTO_SONAME, "PGFENCE_LIBCRYPTO",
                                          "pgfence pr --upload (the files' SHA-256)", PGFENCE_LIBCRYPTO_PACKAGE};

}  // namespace

namespace pgfence::bot {

std::optional<std::string> open_libcrypto() {
    static const auto symbols = std::to_array<LazySymbol>({
        PGFENCE_LIBCRYPTO_FUNCTIONS(PGFENCE_LAZY_ENTRY)
    });
    return open_lazy_library(k_info, symbols);
}

}  // namespace pgfence::bot

namespace {
std::optional<std::string> lazy_open() { return pgfence::bot::open_libcrypto(); }
}  // namespace

PGFENCE_LIBCRYPTO_FUNCTIONS(PGFENCE_LAZY_FORWARD)
