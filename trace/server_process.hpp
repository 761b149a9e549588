#pragma once
// Starting the PostgreSQL server so that nothing it starts outlives it. The server runs
// repository SQL, and a superuser's COPY ... FROM PROGRAM can start any process, even one
// that leaves the session with setsid or a double fork. So the postmaster is the child of a
// small init process of ours:
//  - where the kernel allows it (root), the init is process 1 of a new PID and IPC namespace:
//    when it exits, the kernel kills every process of the namespace and frees its SysV memory;
//  - elsewhere it is a child subreaper: orphans of the server are re-parented to it, and on
//    shutdown it kills its children until none is left.
// The init stops the server (SIGQUIT or SIGINT, then SIGKILL) when it gets SIGTERM, SIGINT or SIGHUP,
// or when pgfence dies (parent-death signal), then cleans up and exits.
#include <sys/types.h>

#include <csignal>

#include <string>
#include <vector>

#include "trace/process.hpp"

namespace pgfence::trace {

struct ServerLaunch {
    std::vector<std::string> argv;  // argv[0]: absolute path of the program
    std::vector<std::string> env;   // the whole environment, `NAME=value` (nothing is inherited)
    std::string log_path;           // stdout and stderr (append)
    const Account* as = nullptr;    // drop to this account before exec
    bool try_namespace = true;      // false: the subreaper fallback even where namespaces work
    // How the init stops the server: SIGQUIT (immediate: a throwaway server) or SIGINT (fast: a
    // shutdown checkpoint, so the next start needs no recovery), and how long it waits before SIGKILL.
    int stop_signal = SIGQUIT;
    long stop_grace_ms = 5000;
    // A descriptor the server inherits (and the processes it starts): the data folder's lock, held
    // until the last of them has exited. -1: none.
    int keep_fd = -1;
};

struct ServerProcess {
    pid_t init = 0;           // our init process (signal it, wait for it); it exits after the server
    bool namespaced = false;  // in its own PID namespace
    // Keep open until the init has exited, then close: while it is open the init knows we were
    // alive when it asked for its parent-death signal (a kill before that would go unnoticed).
    int alive_fd = -1;
};

[[nodiscard]] Result<ServerProcess> launch_contained(const ServerLaunch& launch);

// The environment the server tools get: a fixed PATH, C locale, UTC, HOME=`home`. Nothing of
// pgfence's own environment (tokens, INPUT_*, GITHUB_*) reaches the server or what it runs.
[[nodiscard]] std::vector<std::string> minimal_environment(const std::string& home);

// Test hook: PGFENCE_TRACE_NO_NAMESPACE=1 in pgfence's environment forces the subreaper
// fallback (the tests check both paths on a machine where namespaces work).
[[nodiscard]] bool namespace_disabled_for_tests();

}  // namespace pgfence::trace
