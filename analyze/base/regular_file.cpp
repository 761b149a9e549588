#include "analyze/base/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <filesystem>

namespace pgfence::analyze {
namespace {

// Closes the descriptor on every path out.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

std::string limit_text(std::uintmax_t bytes) {
    if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace

Result<std::string> read_regular_file(const std::string& path, std::uintmax_t max_bytes, std::string_view what) {
    const std::string thing(what);
    Fd file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (file.fd < 0) return Error{"cannot read " + thing + ": " + std::strerror(errno), path, std::nullopt};
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) return Error{"cannot read " + thing + ": " + std::strerror(errno), path, std::nullopt};
    if (S_ISDIR(st.st_mode)) return Error{thing + " is a directory, not a file", path, std::nullopt};
    if (!S_ISREG(st.st_mode)) return Error{thing + " is not a regular file (a device, FIFO or socket)", path, std::nullopt};
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
        return Error{thing + " is larger than " + limit_text(max_bytes), path, std::nullopt};
    }
    // Back to blocking reads: a regular file never waits, and O_NONBLOCK only served the open.
    ::fcntl(file.fd, F_SETFL, ::fcntl(file.fd, F_GETFL) & ~O_NONBLOCK);
    std::string text;
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t have = 0;
    char spare[4096];
    for (;;) {
        // The file may grow while it is read: never past the limit.
        char* into = have < text.size() ? text.data() + have : spare;
        std::size_t room = have < text.size() ? text.size() - have : sizeof spare;
        ssize_t n = ::read(file.fd, into, room);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error{"cannot read " + thing + ": " + std::strerror(errno), path, std::nullopt};
        if (n == 0) break;
        if (into == spare) text.append(spare, static_cast<std::size_t>(n));
        have += static_cast<std::size_t>(n);
        if (have > max_bytes) return Error{thing + " is larger than " + limit_text(max_bytes), path, std::nullopt};
    }
    text.resize(have);
    return text;
}

bool path_inside(const std::string& path, const std::string& root) {
    std::error_code ec;
    std::filesystem::path real = std::filesystem::weakly_canonical(path, ec);
    if (ec) return false;
    std::filesystem::path top(root);
    auto [end, _] = std::mismatch(top.begin(), top.end(), real.begin(), real.end());
    return end == top.end();
}

}  // namespace pgfence::analyze
