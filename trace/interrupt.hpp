#pragma once
// Interrupted (Ctrl-C, SIGTERM from CI or ctest, SIGHUP): destructors will not run, so the
// handler stops the server at once and re-raises the signal; the instance's watchdog removes
// the temporary folder as soon as the process is gone (it does the same after a SIGKILL).
#include "trace/pg_instance.hpp"

namespace pgfence::trace {

// Installs the handlers for `instance` (nullptr: restores the defaults).
void stop_server_on_signals(const PgInstance* instance);

}  // namespace pgfence::trace
