#pragma once
// A script made from a file's commands, line for line (other_runners.hpp task_file_commands,
// deploy_tool_files.hpp deploy_tool_commands): each line of the script holds what that line of the
// file runs, so that what the deploy command reader finds keeps the file's line numbers.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::analyze::tools {

class CommandLines {
public:
    static constexpr std::size_t k_most_bytes = 4096;  // one line's commands as read; longer is cut

    explicit CommandLines(std::string_view text) : m_lines(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1) {}

    // `command` run at `line` (from 1): after any already there, as `a ; b`; an empty one adds nothing.
    void add(int line, std::string_view command) {
        if (line < 1 || static_cast<std::size_t>(line) > m_lines.size() || command.empty()) return;
        std::string& l = m_lines[static_cast<std::size_t>(line) - 1];
        if (l.size() >= k_most_bytes) return;
        if (!l.empty()) l += " ; ";
        // A newline inside one string value (`\n` in JSON, HCL, a script's literal) ends a command as the shell's does.
        for (char c : command.substr(0, k_most_bytes)) l += c == '\n' || c == '\r' ? ';' : c;
    }

    [[nodiscard]] std::string text() const {
        std::string out;
        for (const auto& l : m_lines) out += l + "\n";
        return out;
    }

private:
    std::vector<std::string> m_lines;
};

}  // namespace pgfence::analyze::tools
