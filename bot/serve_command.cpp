#include "bot/serve_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace pgfence::bot {
namespace {

constexpr const char* k_program = "pgfence-serve";

// Named by the environment, else beside this executable or in ../lib/pgfence/ from it (installed
// and built alike). Never a search path: it is only taken from where pgfence itself came from.
std::vector<std::filesystem::path> candidates() {
    if (const char* named = std::getenv("PGFENCE_SERVE_PROGRAM"); named != nullptr && *named != '\0') return {named};
    std::error_code ec;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return {self.parent_path() / k_program, self.parent_path().parent_path() / "lib" / "pgfence" / k_program};
}

}  // namespace

int run_serve_program(const std::vector<std::string>& args, std::ostream& err) {
    std::vector<std::string> argv_storage = {"pgfence"};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string tried;
    for (const auto& path : candidates()) {
        if (access(path.c_str(), X_OK) != 0) {
            tried += (tried.empty() ? "" : ", ") + path.string();
            continue;
        }
        execv(path.c_str(), argv.data());
        err << "error: cannot run " << path.string() << ": " << std::strerror(errno) << "\n";
        return 2;
    }
    err << "error: the governance service is the program " << k_program
        << ", installed beside pgfence or in ../lib/pgfence/ from it (or named in PGFENCE_SERVE_PROGRAM); not found at "
        << (tried.empty() ? "any place" : tried) << "\n";
    return 2;
}

}  // namespace pgfence::bot
