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

}  // namespace pgfence::capture
