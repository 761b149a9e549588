#include "capture/command.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <cerrno>
#include <cstring>

namespace pgfence::capture {
namespace {

bool secret(std::string_view name) {
    return name == "GITHUB_TOKEN" || name == "GH_TOKEN" || name == "ACTIONS_RUNTIME_TOKEN" ||
           name.starts_with("ACTIONS_ID_TOKEN_REQUEST_") || name.starts_with("INPUT_") || name.starts_with("PGFENCE_") ||
           name == "DATABASE_URL" || (name.starts_with("PG") && name.size() > 2);
}

}  // namespace

std::vector<std::string> command_environment(char** environ, const Target& t) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry(*e);
        const std::size_t eq = entry.find('=');
        if (eq == std::string_view::npos || secret(entry.substr(0, eq))) continue;
        env.emplace_back(entry);
    }
    const std::string port = std::to_string(t.port);
    // The names are pgfence's (hex and letters): nothing in them needs escaping in a URL.
    env.push_back("DATABASE_URL=postgresql://" + t.user + ":" + t.password + "@127.0.0.1:" + port + "/" + t.database);
    env.push_back("PGHOST=127.0.0.1");
    env.push_back("PGPORT=" + port);
    env.push_back("PGUSER=" + t.user);
    env.push_back("PGPASSWORD=" + t.password);
    env.push_back("PGDATABASE=" + t.database);
    return env;
}

analyze::Result<pid_t> start_command(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    if (argv.empty()) return analyze::Error{"no command to run", "", std::nullopt};
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    // The PATH execvpe searches is the command's environment's.
    std::string path;
    for (const auto& e : env) {
        if (e.starts_with("PATH=")) path = e.substr(5);
    }
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return analyze::Error{"pipe: " + std::string(std::strerror(errno)), "", std::nullopt};
    pid_t pid = fork();
    if (pid < 0) return analyze::Error{"fork: " + std::string(std::strerror(errno)), "", std::nullopt};
    if (pid == 0) {
        setpgid(0, 0);  // its own process group: whatever it starts is stopped with it
        close(ready[0]);
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) dup2(null_fd, 0);
        dup2(2, 1);
        if (!path.empty()) setenv("PATH", path.c_str(), 1);
        execvpe(args[0], args.data(), envp.data());
        int err = errno;
        (void)!write(ready[1], &err, sizeof err);
        _exit(127);
    }
    setpgid(pid, pid);  // also here, so that it holds before the caller signals the group
    close(ready[1]);
    int err = 0;
    ssize_t n = read(ready[0], &err, sizeof err);
    close(ready[0]);
    if (n == static_cast<ssize_t>(sizeof err)) {
        return analyze::Error{"cannot run '" + argv[0] + "': " + std::strerror(err), "", std::nullopt};
    }
    return pid;
}

void become_subreaper() { (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

std::vector<std::pair<pid_t, bool>> own_children() {
    std::vector<std::pair<pid_t, bool>> out;
    const pid_t self = getpid();
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return out;
    while (const dirent* d = readdir(proc)) {
        if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
        std::ifstream stat(std::string("/proc/") + d->d_name + "/stat");
        std::string text;
        if (!std::getline(stat, text)) continue;
        // pid (comm) state ppid ...: comm may hold anything, so read after its last ')'.
        const std::size_t close = text.rfind(')');
        if (close == std::string::npos || close + 4 >= text.size()) continue;
        const std::size_t ppid_at = text.find(' ', close + 3);
        if (ppid_at == std::string::npos) continue;
        if (std::atol(text.c_str() + ppid_at + 1) == self) out.emplace_back(static_cast<pid_t>(std::atol(d->d_name)), text[close + 2] == 'Z');
    }
    closedir(proc);
    return out;
}

std::size_t kill_leftovers(const std::vector<pid_t>& before) {
    std::vector<pid_t> seen;
    for (int round = 0; round < 100; ++round) {
        bool any = false;
        for (const auto& [p, ended] : own_children()) {
            if (std::find(before.begin(), before.end(), p) != before.end()) continue;
            any = true;
            if (ended) {
                (void)waitpid(p, nullptr, WNOHANG);
                continue;
            }
            if (std::find(seen.begin(), seen.end(), p) == seen.end()) seen.push_back(p);
            const pid_t group = getpgid(p);
            if (group > 0 && group != getpgrp()) kill(-group, SIGKILL);
            kill(p, SIGKILL);
            (void)waitpid(p, nullptr, WNOHANG);
        }
        if (!any) break;
        usleep(50000);
    }
    return seen.size();
}

}  // namespace pgfence::capture
