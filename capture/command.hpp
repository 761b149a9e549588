#pragma once
// Running the project's migrate command under capture: its own environment is kept (it is the
// user's application), with the connection settings pointing at the proxy and pgfence's own
// secrets taken out.
#include <sys/types.h>

#include <string>
#include <vector>

#include "analyze/base/error.hpp"

namespace pgfence::capture {

// Where the command connects: the proxy, as the database and role capture made.
struct Target {
    int port = 0;
    std::string user;
    std::string password;
    std::string database;
};

// `environ` minus pgfence's secrets (GITHUB_TOKEN, GH_TOKEN, ACTIONS_RUNTIME_TOKEN,
// ACTIONS_ID_TOKEN_REQUEST_*, INPUT_* and every PGFENCE_* variable) and every libpq variable
// (PG*: a PGHOSTADDR or PGSERVICE of the caller's would send the tool elsewhere), plus
// DATABASE_URL and PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE naming the proxy.
[[nodiscard]] std::vector<std::string> command_environment(char** environ, const Target& target);

// Starts `argv` (argv[0] looked up on the environment's PATH) with `env`, standard input from
// /dev/null and standard output onto pgfence's standard error (the report owns standard output),
// in a process group of its own whose id is its pid (signal -pid to reach what it started).
[[nodiscard]] analyze::Result<pid_t> start_command(const std::vector<std::string>& argv, const std::vector<std::string>& env);

// Makes pgfence the subreaper of what it starts (prctl PR_SET_CHILD_SUBREAPER): a process the
// command starts in another process group or session (Ruby's `Process.spawn(..., pgroup: true)`,
// setsid, a double fork) is re-parented to pgfence when its parent ends, not to init, so it can be
// found. Call before start_command.
void become_subreaper();

// pgfence's own child processes now (from /proc: each process whose parent is pgfence), each with
// whether it has already ended (a zombie, not yet reaped).
[[nodiscard]] std::vector<std::pair<pid_t, bool>> own_children();

// Kills (SIGKILL, with their process groups) and reaps every child of pgfence not in `before`, again
// while more appear (what they started, re-parented as they die), for at most about 5 seconds.
// Returns how many were still running when first seen: processes the command started that outlived
// it (one that had ended, unreaped, is only reaped).
std::size_t kill_leftovers(const std::vector<pid_t>& before);

}  // namespace pgfence::capture
