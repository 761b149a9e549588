#include "bot/http_transport.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace pgfence::bot::http {
namespace {

constexpr const char* k_module = "pgfence-http.so";

// Where the module may be: named by the environment, else beside this executable or in
// ../lib/pgfence/ from it (bin/ and lib/pgfence/ installed, build/bot/ and build/lib/pgfence/
// built). Never a relative or search path: a module is code, so it is only taken from where
// pgfence itself came from.
std::vector<std::filesystem::path> candidates() {
    std::vector<std::filesystem::path> out;
    if (const char* named = std::getenv("PGFENCE_HTTP_MODULE"); named != nullptr && *named != '\0') {
        out.emplace_back(named);
        return out;
    }
    std::error_code ec;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return out;
    out.push_back(self.parent_path() / k_module);
    out.push_back(self.parent_path().parent_path() / "lib" / "pgfence" / k_module);
    return out;
}

using Open = Transport* (*)(const Options*);

// The module's entry point, opened once per process; or why it cannot be.
analyze::Result<Open> entry_point() {
    static std::once_flag once;
    static Open open = nullptr;
    static std::string error;
    std::call_once(once, [] {
        std::string tried;
        for (const auto& path : candidates()) {
            void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (handle == nullptr) {
                const char* why = dlerror();
                tried += (tried.empty() ? "" : "; ") + std::string(why != nullptr ? why : path.string());
                continue;
            }
            void* symbol = dlsym(handle, "pgfence_http_open");
            if (symbol == nullptr) {
                tried += (tried.empty() ? "" : "; ") + path.string() + " has no pgfence_http_open";
                continue;
            }
            open = reinterpret_cast<Open>(symbol);
            return;
        }
        error = std::string("talking to GitHub needs pgfence's HTTPS module ") + k_module +
                ", installed beside the pgfence binary or in ../lib/pgfence/ from it (or named in PGFENCE_HTTP_MODULE), "
                "with cpp-httplib and OpenSSL: " +
                (tried.empty() ? "no place to look for it" : tried);
    });
    if (open == nullptr) return analyze::Error{error, "", std::nullopt};
    return open;
}

}  // namespace

analyze::Result<std::unique_ptr<Transport>> open_transport(const Options& options) {
    auto open = entry_point();
    if (!open) return open.error();
    Transport* transport = (*open)(&options);
    if (transport == nullptr) return analyze::Error{"the HTTPS module could not set up a connection to " + options.origin, "", std::nullopt};
    return std::unique_ptr<Transport>(transport);
}

}  // namespace pgfence::bot::http
