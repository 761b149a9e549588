#pragma once
// A folder for files pgfence writes for itself (`pr --trace`'s copy of the head commit): made by
// mkdtemp (mode 0700) under $TMPDIR or /tmp, never inside the checkout, which may be read-only
// and which a later step of the workflow may commit or read. Removed with the object; when
// pgfence is gone first (SIGTERM from a CI's timeout, Ctrl-C, SIGKILL), a watchdog process that
// outlives it removes it, as the trace's server folder is removed (pg_instance.cpp).
#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "analyze/base/error.hpp"

namespace pgfence::trace {

class TemporaryFolder {
public:
    // `prefix`: the folder's name before mkdtemp's six characters ("pgfence-trace-").
    [[nodiscard]] static analyze::Result<std::unique_ptr<TemporaryFolder>> make(std::string_view prefix);
    ~TemporaryFolder();
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;

    // Absolute, its links resolved (as AnalyzeOptions::confine_to takes a folder).
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    TemporaryFolder() = default;
    std::string m_path;
    pid_t m_watchdog = 0;
    int m_watchdog_fd = -1;  // write end of the watchdog's pipe: closed without "removed", it removes the folder
};

}  // namespace pgfence::trace
