#include "bot/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "annotate/printable.hpp"

namespace pgfence::bot {

Progress::Progress(std::ostream& err, std::string label, std::size_t total) : m_label(std::move(label)), m_total(total) {
    m_start = m_last = std::chrono::steady_clock::now();
    if (&err != &std::cerr || !isatty(STDERR_FILENO) || total == 0) return;
    m_err = &err;
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) m_width = size.ws_col;
    if (const char* after = std::getenv("PGFENCE_PROGRESS_AFTER_MS"); after != nullptr && *after != '\0') {
        m_after = std::chrono::milliseconds(std::strtol(after, nullptr, 10));
    }
}

Progress::~Progress() { clear(); }

void Progress::step(std::size_t done, std::string_view what) {
    if (m_err == nullptr) return;
    auto now = std::chrono::steady_clock::now();
    if (now - m_start < m_after || (m_shown && now - m_last < std::chrono::milliseconds(200))) return;
    m_last = now;
    std::string line = m_label + ": " + std::to_string(done) + "/" + std::to_string(m_total) + " " + annotate::printable(what);
    // One line, never wider than the terminal (code points counted), so \r returns to its start.
    std::string cut;
    int shown = 0;
    for (char c : line) {
        bool starts = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (starts && ++shown > m_width - 1) break;
        cut += c;
    }
    *m_err << "\r\x1b[K" << cut << std::flush;
    m_shown = true;
}

void Progress::clear() {
    if (m_err == nullptr || !m_shown) return;
    *m_err << "\r\x1b[K" << std::flush;
    m_shown = false;
}

}  // namespace pgfence::bot
