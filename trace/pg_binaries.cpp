#include "trace/pg_binaries.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>

#include "trace/pg_instance.hpp"

namespace fs = std::filesystem;

namespace pgfence::trace {
namespace {

std::vector<int> installed_versions(const std::string& lib_root) {
    std::vector<int> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(lib_root, ec)) {
        const std::string name = entry.path().filename().string();
        char* end = nullptr;
        long v = std::strtol(name.c_str(), &end, 10);
        if (!name.empty() && *end == '\0' && PgInstance::binaries_present((entry.path() / "bin").string())) {
            out.push_back(static_cast<int>(v));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> on_path() {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return std::nullopt;
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;
        std::error_code ec;
        fs::path initdb = fs::canonical(fs::path(dir) / "initdb", ec);
        if (ec) continue;
        std::string bin = initdb.parent_path().string();
        if (PgInstance::binaries_present(bin)) return bin;
    }
    return std::nullopt;
}

std::string list(const std::vector<int>& versions) {
    if (versions.empty()) return "none";
    std::string out;
    for (int v : versions) out += (out.empty() ? "" : ", ") + std::to_string(v);
    return out;
}

}  // namespace

Result<std::string> find_server_binaries(const std::string& bin_dir, int version, const std::string& lib_root) {
    if (!bin_dir.empty()) {
        if (PgInstance::binaries_present(bin_dir)) return bin_dir;
        return Error{"--pg-bin " + bin_dir + ": no initdb and postgres there", "", std::nullopt};
    }
    auto versions = installed_versions(lib_root);
    if (version != 0) {
        std::string dir = lib_root + "/" + std::to_string(version) + "/bin";
        if (PgInstance::binaries_present(dir)) return dir;
        return Error{"PostgreSQL " + std::to_string(version) + " is not installed (no server binaries in " + dir +
                         "; installed: " + list(versions) + ")",
                     "", std::nullopt};
    }
    if (auto found = on_path()) return *found;
    if (!versions.empty()) return lib_root + "/" + std::to_string(versions.back()) + "/bin";
    return Error{"no PostgreSQL server binaries found (initdb on PATH, or " + lib_root +
                     "/<version>/bin); install them, or use --pg-bin DIR or --docker-image IMAGE",
                 "", std::nullopt};
}

}  // namespace pgfence::trace
