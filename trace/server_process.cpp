#include "trace/server_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

extern char** environ;

namespace pgfence::trace {
namespace {

// Everything the child needs, built before the fork: after it, only async-signal-safe calls.
struct Prepared {
    std::vector<char*> argv;
    std::vector<char*> envp;
    int log_fd = -1;
    int null_fd = -1;
    const Account* as = nullptr;
    int stop_signal = SIGQUIT;
    long stop_grace_ms = 5000;
    int keep_fd = -1;
};

// fork() without glibc's atfork work (no malloc locks taken: safe in a threaded process),
// with namespace flags when asked. The child continues on a copy of the stack, as with fork.
long raw_fork(unsigned long flags) { return syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0); }

long now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void sleep_ms(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, nullptr);
}

// Reaps what has exited; true once the init has no child left at all.
bool reap_all() {
    for (;;) {
        pid_t r = waitpid(-1, nullptr, WNOHANG);
        if (r > 0) continue;
        return r < 0 && errno == ECHILD;
    }
}

// Fallback path: SIGKILLs every child (orphans of the server are re-parented to us, the
// subreaper) until none is left. /proc/thread-self/children lists this thread's children.
void kill_children_once() {
    int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = '\0';
    long pid = 0;
    for (ssize_t i = 0; i <= n; ++i) {
        if (buf[i] >= '0' && buf[i] <= '9') {
            pid = pid * 10 + (buf[i] - '0');
        } else {
            if (pid > 0) kill(static_cast<pid_t>(pid), SIGKILL);
            pid = 0;
        }
    }
}

void kill_descendants(bool pid1) {
    const long deadline = now_ms() + 20000;
    while (!reap_all() && now_ms() < deadline) {
        // Process 1 of a namespace: kill(-1) reaches every other process in it, and no other.
        if (pid1) kill(-1, SIGKILL);
        else kill_children_once();
        sleep_ms(2);
    }
}

// /proc/<init>/environ shows the memory the environment was first given in: blank it, so
// that even a process of the same account cannot read pgfence's environment from the init.
void scrub_own_environment() {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) std::memset(*e, 0, std::strlen(*e));
}

[[noreturn]] void exec_server(const Prepared& p) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < 32; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    }
    if (p.null_fd >= 0) dup2(p.null_fd, 0);
    if (p.log_fd >= 0) {
        dup2(p.log_fd, 1);
        dup2(p.log_fd, 2);
    }
    if (p.as != nullptr) {
        if (setgroups(1, &p.as->gid) != 0 || setgid(p.as->gid) != 0 || setuid(p.as->uid) != 0) _exit(126);
    }
    if (p.keep_fd >= 0) fcntl(p.keep_fd, F_SETFD, 0);
    // After the uid change (which clears it): the server dies with its init.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execve(p.argv[0], p.argv.data(), p.envp.data());
    _exit(127);
}

[[noreturn]] void run_init(const Prepared& p, bool pid1, int alive_fd) {
    sigset_t stop_set;
    sigemptyset(&stop_set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&stop_set, sig);
    sigprocmask(SIG_BLOCK, &stop_set, nullptr);
    setsid();
    if (!pid1) prctl(PR_SET_CHILD_SUBREAPER, 1);
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // pgfence gone, even by SIGKILL: clean up
    // Gone already, before the line above: every writer of the pipe has closed it. No server then.
    pollfd parent{alive_fd, POLLIN, 0};
    if (poll(&parent, 1, 0) > 0) _exit(0);
    scrub_own_environment();

    long server = raw_fork(0);
    if (server == 0) exec_server(p);
    if (server < 0) _exit(125);
    if (p.log_fd >= 0) close(p.log_fd);

    int server_status = 0;
    bool server_gone = false;
    long kill_at = -1;  // once stopping: when the server is SIGKILLed if still there
    while (!server_gone) {
        timespec tick{0, 100 * 1000000L};
        siginfo_t info;
        int sig = sigtimedwait(&stop_set, &info, &tick);
        if (sig > 0 && sig != SIGCHLD && kill_at < 0) {
            kill(static_cast<pid_t>(server), p.stop_signal);  // immediate or fast shutdown
            kill_at = now_ms() + p.stop_grace_ms;
        }
        for (;;) {
            int status = 0;
            pid_t r = waitpid(-1, &status, WNOHANG);
            if (r <= 0) break;
            if (r == server) server_gone = true, server_status = status;
        }
        if (kill_at >= 0 && now_ms() > kill_at) kill(static_cast<pid_t>(server), SIGKILL);
    }
    kill_descendants(pid1);
    _exit(WIFEXITED(server_status) ? WEXITSTATUS(server_status) : 1);
}

}  // namespace

bool namespace_disabled_for_tests() {
    const char* v = std::getenv("PGFENCE_TRACE_NO_NAMESPACE");
    return v != nullptr && std::strcmp(v, "1") == 0;
}

std::vector<std::string> minimal_environment(const std::string& home) {
    return {"PATH=/usr/bin:/bin", "LC_ALL=C", "LANG=C", "TZ=UTC", "HOME=" + home};
}

Result<ServerProcess> launch_contained(const ServerLaunch& launch) {
    if (launch.argv.empty()) return Error{"launch_contained: nothing to run", "", std::nullopt};
    Prepared p;
    for (const auto& a : launch.argv) p.argv.push_back(const_cast<char*>(a.c_str()));
    p.argv.push_back(nullptr);
    for (const auto& e : launch.env) p.envp.push_back(const_cast<char*>(e.c_str()));
    p.envp.push_back(nullptr);
    p.as = launch.as;
    p.stop_signal = launch.stop_signal;
    p.stop_grace_ms = launch.stop_grace_ms;
    p.keep_fd = launch.keep_fd;
    p.log_fd = open(launch.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (p.log_fd < 0) return Error{"cannot open " + launch.log_path + ": " + std::strerror(errno), "", std::nullopt};
    if (launch.as != nullptr) (void)fchown(p.log_fd, launch.as->uid, launch.as->gid);
    p.null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    int alive[2];
    if (pipe2(alive, O_CLOEXEC) != 0) {
        const int err = errno;
        close(p.log_fd);
        if (p.null_fd >= 0) close(p.null_fd);
        return Error{"pipe: " + std::string(std::strerror(err)), "", std::nullopt};
    }
    ServerProcess out;
    long pid = -1;
    if (launch.try_namespace) {
        pid = raw_fork(CLONE_NEWPID | CLONE_NEWIPC);
        out.namespaced = pid >= 0;
    }
    if (pid < 0) pid = raw_fork(0);
    if (pid == 0) {
        close(alive[1]);
        run_init(p, out.namespaced, alive[0]);
    }
    int err = errno;
    close(alive[0]);
    close(p.log_fd);
    if (p.null_fd >= 0) close(p.null_fd);
    if (pid < 0) {
        close(alive[1]);
        return Error{"fork: " + std::string(std::strerror(err)), "", std::nullopt};
    }
    out.init = static_cast<pid_t>(pid);
    out.alive_fd = alive[1];
    return out;
}

}  // namespace pgfence::trace
