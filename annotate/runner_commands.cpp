#include "annotate/runner_commands.hpp"

#include "annotate/escape.hpp"

namespace pgfence::annotate {
namespace {

// Bytes a trim before the runner's "::" test may remove: ASCII whitespace, and
// (conservatively) every other control byte and every non-ASCII byte, since U+00A0, U+2000..
// and U+3000 are whitespace to .NET's String.TrimStart() too. A line is guarded if "::"
// follows only such bytes.
bool trimmable(unsigned char c) { return c <= 0x20 || c >= 0x80; }

// Whether the line starting at `start` is one the runner would read as a command.
bool starts_command(std::string_view text, std::size_t start) {
    std::size_t i = start;
    while (i < text.size() && text[i] != '\n' && text[i] != '\r' && trimmable(static_cast<unsigned char>(text[i]))) ++i;
    return text.substr(i, 2) == "::";
}

// Whether `text` holds anything the runner could read as a command: a line's "::" needs a
// "::" somewhere, the legacy form "##[". Most output has neither and is passed on as it is.
bool may_hold_commands(std::string_view text) {
    return text.find("::") != std::string_view::npos || text.find("##[") != std::string_view::npos;
}

}  // namespace

std::string break_legacy_commands(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t from = 0;
    for (std::size_t at = text.find("##["); at != std::string_view::npos; at = text.find("##[", at + 1)) {
        out.append(text, from, at + 1 - from);  // through the first '#'
        out += k_zero_width_space;
        from = at + 1;
    }
    out.append(text, from);
    return out;
}

std::string json_without_legacy_commands(std::string json) {
    for (std::size_t at = json.find("##["); at != std::string::npos; at = json.find("##[", at + 2)) {
        json.replace(at + 2, 1, "\\u005b");
    }
    return json;
}

std::string break_runner_commands(std::string_view text) {
    if (!may_hold_commands(text)) return std::string(text);
    // The runner splits lines at \n and at \r: a zero-width space before each line that would
    // start a command, copied through in runs between them.
    std::string out;
    out.reserve(text.size() + 8);
    std::size_t copied = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i != 0 && text[i - 1] != '\n' && text[i - 1] != '\r') continue;  // not a line's start
        if (!starts_command(text, i)) continue;
        out.append(text, copied, i - copied);
        out += k_zero_width_space;
        copied = i;
    }
    out.append(text, copied);
    return out.find("##[") == std::string::npos ? out : break_legacy_commands(out);
}

RunnerGuard::~RunnerGuard() {
    emit_lines(true);
    m_target->pubsync();
}

void RunnerGuard::emit_lines(bool partial_too) {
    std::size_t end = m_pending.size();
    if (!partial_too) {
        while (end > 0 && m_pending[end - 1] != '\n' && m_pending[end - 1] != '\r') --end;  // through the last break
        if (end == 0) return;
    }
    if (end == 0) return;
    std::string_view lines = std::string_view(m_pending).substr(0, end);
    if (may_hold_commands(lines)) {
        std::string safe = break_runner_commands(lines);
        m_target->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
    } else {
        m_target->sputn(lines.data(), static_cast<std::streamsize>(lines.size()));
    }
    m_pending.erase(0, end);
}

RunnerGuard::int_type RunnerGuard::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    m_pending += traits_type::to_char_type(c);
    if (c == '\n' || c == '\r') emit_lines(false);
    return c;
}

std::streamsize RunnerGuard::xsputn(const char* s, std::streamsize n) {
    std::string_view piece(s, static_cast<std::size_t>(n));
    m_pending.append(piece);
    // Lines go out as they end; a piece without a line break only waits for one.
    if (piece.find('\n') != std::string_view::npos || piece.find('\r') != std::string_view::npos) emit_lines(false);
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
