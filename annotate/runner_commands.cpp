#include "annotate/runner_commands.hpp"

#include "annotate/escape.hpp"

namespace pgfence::annotate {
namespace {

// Bytes a trim before the runner's "::" test may remove: ASCII whitespace, and
// (conservatively) every other control byte and every non-ASCII byte, since U+00A0, U+2000..
// and U+3000 are whitespace to .NET's String.TrimStart() too. A line is guarded if "::"
// follows only such bytes.
bool trimmable(unsigned char c) { return c <= 0x20 || c >= 0x80; }

void append_line(std::string& out, std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && trimmable(static_cast<unsigned char>(line[i]))) ++i;
    if (line.substr(i, 2) == "::") out += k_zero_width_space;
    out += break_legacy_commands(line);
}

}  // namespace

std::string break_legacy_commands(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '#' && text.substr(i + 1, 2) == "#[") out += k_zero_width_space;
    }
    return out;
}

std::string json_without_legacy_commands(std::string json) {
    for (std::size_t at = json.find("##["); at != std::string::npos; at = json.find("##[", at + 2)) {
        json.replace(at + 2, 1, "\\u005b");
    }
    return json;
}

std::string break_runner_commands(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            append_line(out, text.substr(start));
            break;
        }
        append_line(out, text.substr(start, end - start));
        out += text[end];
        start = end + 1;
    }
    return out;
}

RunnerGuard::~RunnerGuard() {
    emit_lines(true);
    m_target->pubsync();
}

void RunnerGuard::emit_lines(bool partial_too) {
    std::size_t end = m_pending.size();
    if (!partial_too) {
        std::size_t last = m_pending.find_last_of("\r\n");
        if (last == std::string::npos) return;
        end = last + 1;  // through the last line break
    }
    if (end == 0) return;
    std::string safe = break_runner_commands(std::string_view(m_pending).substr(0, end));
    m_target->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
    m_pending.erase(0, end);
}

RunnerGuard::int_type RunnerGuard::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    m_pending += traits_type::to_char_type(c);
    if (c == '\n' || c == '\r') emit_lines(false);
    return c;
}

std::streamsize RunnerGuard::xsputn(const char* s, std::streamsize n) {
    m_pending.append(s, static_cast<std::size_t>(n));
    emit_lines(false);
    return n;
}

int RunnerGuard::sync() {
    // A partial line stays: guarding it needs its start, and its end may bring "##[".
    emit_lines(false);
    return m_target->pubsync();
}

void RunnerGuard::write_command(std::string_view line) {
    // Whatever came before ends first, on a line of its own.
    bool partial = !m_pending.empty() && m_pending.back() != '\n' && m_pending.back() != '\r';
    emit_lines(true);
    std::string out = partial ? "\n" : "";
    out += break_legacy_commands(line);
    out += '\n';
    m_target->sputn(out.data(), static_cast<std::streamsize>(out.size()));
}

void write_workflow_command(std::ostream& out, std::string_view line) {
    out.flush();
    if (auto* guard = dynamic_cast<RunnerGuard*>(out.rdbuf())) {
        guard->write_command(line);
    } else {
        out << break_legacy_commands(line) << '\n';
    }
}

}  // namespace pgfence::annotate
