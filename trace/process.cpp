#include "trace/process.hpp"

#include "trace/server_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pgfence::trace {
namespace {

std::optional<Account> lookup(const std::string& name) {
    passwd* pw = getpwnam(name.c_str());
    if (pw == nullptr) return std::nullopt;
    return Account{name, pw->pw_uid, pw->pw_gid};
}

std::string log_tail(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

}  // namespace

Result<Account> system_account(const std::string& name) {
    if (auto found = lookup(name)) return *found;
    Status made = run_program({"/usr/sbin/useradd", "--system", "--user-group", "--no-create-home",
                               "--shell", "/usr/sbin/nologin", name},
                              "/dev/null");
    if (!made) return Error{"cannot create system user " + name + ": " + made.error().message, "", std::nullopt};
    if (auto found = lookup(name)) return *found;
    return Error{"system user " + name + " is missing after useradd", "", std::nullopt};
}

Status run_program(const std::vector<std::string>& argv, const std::string& log_path, const Account* as,
                   const std::string& home, int keep_fd) {
    if (argv.empty()) return Error{"run_program: nothing to run", "", std::nullopt};
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env = minimal_environment(home);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) return Error{"fork: " + std::string(std::strerror(errno)), "", std::nullopt};
    if (pid == 0) {
        int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) dup2(null_fd, 0);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (as != nullptr) {
            // Only the primary group: the server needs nothing else, and setgroups is safe after fork.
            if (setgroups(1, &as->gid) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0) _exit(126);
        }
        if (keep_fd >= 0) fcntl(keep_fd, F_SETFD, 0);
        // Nothing of pgfence's environment (tokens, INPUT_*, GITHUB_*) reaches the program.
        execve(args[0], args.data(), envp.data());
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return Error{"waitpid: " + std::string(std::strerror(errno)), "", std::nullopt};
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Done{};
    std::string what = WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status)) : "killed by a signal";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) what += " (cannot execute " + argv[0] + ")";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 126) what += " (cannot switch to user " + as->name + ")";
    std::string tail = log_path == "/dev/null" ? std::string() : log_tail(log_path);
    return Error{argv[0] + " failed with " + what + (tail.empty() ? "" : ":\n" + tail), "", std::nullopt};
}

}  // namespace pgfence::trace
