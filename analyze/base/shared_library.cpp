#include "analyze/base/shared_library.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

namespace pgfence {

std::optional<std::string> open_lazy_library(const LazyLibraryInfo& info, std::span<const LazySymbol> symbols) {
    // One outcome per library, decided by the first caller.
    static std::mutex mutex;
    static std::map<std::string, std::optional<std::string>> outcomes;
    std::lock_guard lock(mutex);
    if (auto known = outcomes.find(info.soname); known != outcomes.end()) return known->second;

    const char* chosen = std::getenv(info.environment);
    const char* file = chosen != nullptr && *chosen != '\0' ? chosen : info.soname;
    std::optional<std::string> error;
    void* handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        error = std::string(info.soname) + " is needed for " + info.needed_for + " and cannot be opened (" +
                (why != nullptr ? why : "unknown reason") + "): install the Debian package " + info.package +
                " (or its equivalent), or name the file in " + info.environment;
    } else {
        for (const LazySymbol& s : symbols) {
            void* address = dlsym(handle, s.name);
            if (address == nullptr) {
                error = std::string(file) + " has no function " + s.name + ": it is not the version pgfence was built with (" +
                        info.soname + ")";
                break;
            }
            std::memcpy(s.slot, &address, sizeof address);  // a function pointer, as POSIX allows
        }
    }
    outcomes.emplace(info.soname, error);
    return error;
}

void throw_missing_library(const std::string& error) { throw std::runtime_error(error); }

}  // namespace pgfence
