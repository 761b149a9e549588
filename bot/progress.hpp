#pragma once
// A one-line note on standard error while work that takes seconds goes on (tracing a history,
// rehearsing plans, analysing thousands of files): "trace: 12/684 db/0012_users.sql". Only when
// standard error is a terminal, only once the work has taken a second (PGFENCE_PROGRESS_AFTER_MS
// sets that, for tests), at most five times a second, and the line is cleared when it ends, so a
// report or a log never holds it.
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace pgfence::bot {

class Progress {
public:
    Progress(std::ostream& err, std::string label, std::size_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    // `done` of the total are finished; `what` is the one being worked on.
    void step(std::size_t done, std::string_view what);
    // Clears the line now (before other output on standard error).
    void clear();

private:
    std::ostream* m_err = nullptr;  // null: not shown
    std::string m_label;
    std::size_t m_total = 0;
    int m_width = 80;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last;
    std::chrono::milliseconds m_after{1000};
};

}  // namespace pgfence::bot
