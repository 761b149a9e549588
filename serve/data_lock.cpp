#include "serve/data_lock.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "serve/admin.hpp"

namespace pgfence::serve {
namespace {

analyze::Error failure(const std::string& what) { return analyze::Error{what + ": " + std::strerror(errno), "", std::nullopt}; }

}  // namespace

analyze::Result<std::optional<DataLock>> DataLock::try_take(const std::string& dir) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return failure("cannot create " + dir);
    const std::string path = dir + "/pgfence.lock";
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == ELOOP) return analyze::Error{path + " is a link: refused (it must be a file of the service's)", "", std::nullopt};
        return failure("cannot open " + path);
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return analyze::Error{path + " is not a regular file: refused", "", std::nullopt};
    }
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return std::optional<DataLock>(DataLock(fd));
        if (errno == EINTR) continue;
        const int err = errno;
        close(fd);
        if (err == EWOULDBLOCK) return std::optional<DataLock>();
        errno = err;
        return failure("cannot lock " + path);
    }
}

DataLock& DataLock::operator=(DataLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

DataLock::~DataLock() {
    if (m_fd >= 0) close(m_fd);
}

std::optional<pid_t> process_working_in(const std::string& data) {
    std::error_code ec;
    const std::filesystem::path wanted = std::filesystem::canonical(data, ec);
    if (ec) return std::nullopt;
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return std::nullopt;
    std::optional<pid_t> found;
    const pid_t self = getpid();
    while (dirent* entry = readdir(proc)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0' || pid == self) continue;
        char target[4096];
        const std::string link = std::string("/proc/") + entry->d_name + "/cwd";
        const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n <= 0) continue;
        if (std::string(target, static_cast<std::size_t>(n)) == wanted.string()) {
            found = static_cast<pid_t>(pid);
            break;
        }
    }
    closedir(proc);
    return found;
}

analyze::Result<Folder> reach_folder(const std::string& dir, const nlohmann::json& request, const std::atomic<bool>* stop,
                                     int wait_seconds) {
    const auto start = std::chrono::steady_clock::now();
    bool told = false;
    std::optional<pid_t> stranger;
    for (;;) {
        if (stop != nullptr && stop->load()) return Folder{};
        auto lock = DataLock::try_take(dir);
        if (!lock) return lock.error();
        if (*lock) {
            // Ours, unless a server nobody locked for still works there (it may also be the last
            // process of our previous one, exiting: looked at again until the wait is over).
            stranger = process_working_in(dir + "/data");
            if (!stranger) return Folder{std::move(*lock), std::nullopt};
        } else {
            auto answer = admin_call(dir, request);
            if (!answer) return answer.error();
            if (*answer) return Folder{std::nullopt, std::move(*answer)};
        }
        const auto waited = std::chrono::steady_clock::now() - start;
        if (waited > std::chrono::seconds(wait_seconds)) {
            if (stranger) {
                return analyze::Error{"a PostgreSQL server that pgfence did not start (pid " + std::to_string(*stranger) +
                                          ") runs on " + dir + "/data: stop it first (pg_ctl stop -D " + dir + "/data)",
                                      "", std::nullopt};
            }
            return analyze::Error{dir + " is held by another process that does not answer on " + admin_socket_path(dir) +
                                      " (a pgfence serve starting or stopping): try again",
                                  "", std::nullopt};
        }
        if (!told && waited > std::chrono::seconds(2)) {
            std::cerr << "pgfence: waiting for " << dir << ", held by another process\n";
            told = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace pgfence::serve
