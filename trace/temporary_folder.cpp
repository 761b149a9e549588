#include "trace/temporary_folder.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace pgfence::trace {
namespace {

// Runs in its own session, immune to Ctrl-C and SIGTERM (a CI's timeout may signal the whole
// process group): it reads its stdin until pgfence says the folder is removed, or until the
// socket closes without that (pgfence is gone, even by SIGKILL), and then removes the folder
// $1. rm -rf removes a link inside it, never what the link names.
constexpr const char* k_watchdog_script =
    "while read -r line; do [ \"$line\" = removed ] && exit 0; done\n"
    "rm -rf -- \"$1\"\n";

analyze::Error failure(const std::string& what) {
    return analyze::Error{what + ": " + std::strerror(errno), "", std::nullopt};
}

}  // namespace

analyze::Result<std::unique_ptr<TemporaryFolder>> TemporaryFolder::make(std::string_view prefix) {
    // $TMPDIR (or TMP, TEMP, TEMPDIR), else /tmp: where the trace's server folder goes too.
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) return analyze::Error{"no temporary folder: " + ec.message(), "", std::nullopt};
    base = fs::absolute(base, ec);
    std::string pattern = (base / (std::string(prefix) + "XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) return failure("cannot make a temporary folder in " + base.string());
    std::unique_ptr<TemporaryFolder> folder(new TemporaryFolder);
    fs::path resolved = fs::weakly_canonical(pattern, ec);
    folder->m_path = ec || resolved.empty() ? pattern : resolved.string();
    // A socket rather than a pipe: the last word is sent with MSG_NOSIGNAL, so a watchdog that is
    // gone costs no SIGPIPE. Both ends close on exec: the processes the trace starts hold neither.
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return failure("socketpair");
    const char* path = folder->m_path.c_str();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return failure("fork");
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here.
        setsid();
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        if (fds[0] == 0) fcntl(0, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
        else dup2(fds[0], 0);
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) {
            dup2(null_fd, 1);
            dup2(null_fd, 2);
        }
        char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
        execle("/bin/sh", "sh", "-c", k_watchdog_script, "pgfence-watchdog", path, static_cast<char*>(nullptr), envp);
        _exit(127);
    }
    close(fds[0]);
    folder->m_watchdog = pid;
    folder->m_watchdog_fd = fds[1];
    return folder;
}

TemporaryFolder::~TemporaryFolder() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
    if (m_watchdog_fd < 0) return;
    // Removed here: the watchdog has nothing left to do and ends at once. Otherwise it tries
    // once the socket closes, on its own time.
    const bool removed = !ec && send(m_watchdog_fd, "removed\n", 8, MSG_NOSIGNAL) == 8;
    close(m_watchdog_fd);
    while (waitpid(m_watchdog, nullptr, removed ? 0 : WNOHANG) < 0 && errno == EINTR) {
    }
}

}  // namespace pgfence::trace
