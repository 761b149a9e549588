#pragma once
// Running PostgreSQL's command-line programs (initdb, pg_ctl), optionally as another
// system account: the server refuses to run as root.
#include <string>
#include <sys/types.h>
#include <vector>

#include "trace/pq_connection.hpp"

namespace pgfence::trace {

struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

// The system account `name`; created with useradd when it does not exist (needs root).
[[nodiscard]] Result<Account> system_account(const std::string& name);

// Runs argv[0] (an absolute path) with its arguments and waits for it. Its stdout and
// stderr go to `log_path`; a non-zero exit becomes an Error carrying the log's tail.
// With `as`, the child drops to that account before exec. The program gets a minimal
// environment (minimal_environment(home)), nothing inherited but `keep_fd` when given (a data
// folder's lock: held by the program until it ends, even if pgfence is killed meanwhile).
[[nodiscard]] Status run_program(const std::vector<std::string>& argv, const std::string& log_path,
                                 const Account* as = nullptr, const std::string& home = "/", int keep_fd = -1);

}  // namespace pgfence::trace
