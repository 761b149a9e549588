#pragma once
// One process owns a data folder (the embedded PostgreSQL's, `data_dir`): the one holding an
// exclusive lock (flock) on DIR/pgfence.lock. The lock belongs to the open file, not to a pid, so a
// PID namespace cannot make it look stale (as it does postmaster.pid), and the kernel releases it
// when the last process holding it is gone: the embedded server and what it starts inherit it
// (trace::InstanceOptions::lock_fd), so a folder is free only once its server has stopped.
#include <sys/types.h>

#include <atomic>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "analyze/base/error.hpp"

namespace pgfence::serve {

class DataLock {
public:
    // The lock, taken at once; nothing when another process holds it. Creates DIR (0700) when it
    // is missing; refuses a lock file that is a link.
    [[nodiscard]] static analyze::Result<std::optional<DataLock>> try_take(const std::string& dir);

    DataLock(DataLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
    DataLock& operator=(DataLock&& other) noexcept;
    DataLock(const DataLock&) = delete;
    ~DataLock();

    // For trace::InstanceOptions::lock_fd (close-on-exec: only what is meant to inherit it does).
    [[nodiscard]] int fd() const { return m_fd; }

private:
    explicit DataLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

// A process working in `data` (its current directory, as a PostgreSQL server's processes are)
// although we hold the lock: a server started by hand or by a pgfence from before the lock. The
// first one found in /proc; nothing when there is none (or /proc does not show it to us).
[[nodiscard]] std::optional<pid_t> process_working_in(const std::string& data);

// What a command that needs the folder's database gets: the lock (it runs here, on a PostgreSQL
// of its own), or the answer of the service that owns the folder to `request` (serve/admin.hpp).
struct Folder {
    std::optional<DataLock> lock;
    std::optional<nlohmann::json> answer;
};

// While the folder is held by a process that does not answer (a service starting, or a server
// finishing its shutdown after its owner was killed), waits for it, up to `wait_seconds`; saying so
// on stderr after two. Gives up early, with neither, once `stop` is set (a signal).
[[nodiscard]] analyze::Result<Folder> reach_folder(const std::string& dir, const nlohmann::json& request,
                                                   const std::atomic<bool>* stop = nullptr, int wait_seconds = 60);

}  // namespace pgfence::serve
