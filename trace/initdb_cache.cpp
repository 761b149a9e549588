#include "trace/initdb_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <filesystem>
#include <functional>

namespace fs = std::filesystem;

namespace pgfence::trace {

std::optional<std::string> initdb_cache_folder() {
    const char* v = std::getenv("PGFENCE_TRACE_INITDB_CACHE");
    if (v == nullptr || *v != '/') return std::nullopt;
    struct stat st{};
    if (stat(v, &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    return std::string(v);
}

Status initdb_from_cache(const std::string& cache, const std::vector<std::string>& initdb, const std::string& target,
                         const std::string& log_path, const Account* as, const std::string& home) {
    if (initdb.size() < 3 || initdb[1] != "-D") return Error{"initdb_from_cache: no -D folder", "", std::nullopt};
    // One cluster per set of arguments (the binaries' folder among them) and account.
    std::string key = std::to_string(as != nullptr ? as->uid : geteuid());
    for (std::size_t i = 0; i < initdb.size(); ++i) {
        if (i != 2) key += '\n' + initdb[i];
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(key));
    const std::string cached = cache + "/initdb-" + hex;
    std::error_code ec;
    if (!fs::exists(cached + "/PG_VERSION", ec)) {
        // Made aside and renamed whole: another process copying meanwhile never sees half of it.
        // Made by pgfence and handed to the account initdb runs as: the cache folder itself need
        // not be writable by that account.
        const std::string aside = cached + ".part-" + std::to_string(getpid());
        fs::remove_all(aside, ec);
        if (mkdir(aside.c_str(), 0700) != 0 || (as != nullptr && chown(aside.c_str(), as->uid, as->gid) != 0)) {
            fs::remove_all(aside, ec);
            return Error{"cannot make " + aside + ": " + std::strerror(errno), "", std::nullopt};
        }
        std::vector<std::string> argv = initdb;
        argv[2] = aside;
        if (Status made = run_program(argv, log_path, as, home); !made) {
            fs::remove_all(aside, ec);
            return made;
        }
        // Another process that made it first wins; this copy goes.
        if (rename(aside.c_str(), cached.c_str()) != 0) fs::remove_all(aside, ec);
    }
    return run_program({"/bin/cp", "-a", "--", cached, target}, log_path, as, home);
}

}  // namespace pgfence::trace
