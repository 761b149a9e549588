#include "annotate/runner_commands.hpp"

#include "annotate/escape.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pgfence::annotate {
namespace {

// Bytes a trim before the runner's "::" test may remove: ASCII whitespace, and
// (conservatively) every other control byte and every non-ASCII byte, since U+00A0, U+2000..
// and U+3000 are whitespace to .NET's String.TrimStart() too. A line is guarded if "::"
// follows only such bytes.
bool trimmable(unsigned char c) { return c <= 0x20 || c >= 0x80; }

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

namespace {

// Where "::" next occurs in `text` from `from` (npos if nowhere). JSON has a ':' after every
// key, so a memchr for ':' (string_view::find) stops every few bytes: sixteen bytes are looked
// at per step instead, a byte and the byte after it at once.
std::size_t find_double_colon(std::string_view text, std::size_t from) {
    std::size_t i = from;
#if defined(__SSE2__)
    const __m128i colon = _mm_set1_epi8(':');
    for (; i + 17 <= text.size(); i += 16) {
        __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
        __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i + 1));
        int pairs = _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, colon), _mm_cmpeq_epi8(next, colon)));
        if (pairs != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(pairs)));
    }
#endif
    return i >= text.size() ? std::string_view::npos : text.find("::", i);
}

// Where the next line break ('\n' or '\r') is in `text` from `from` (npos if none).
// string_view::find_first_of calls memchr over its two-byte set once per byte of text; the
// lines this looks through hold whole statements, so sixteen bytes are looked at per step.
std::size_t find_line_break(std::string_view text, std::size_t from) {
    std::size_t i = from;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i carriage = _mm_set1_epi8('\r');
    for (; i + 16 <= text.size(); i += 16) {
        __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
        int breaks = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(here, newline), _mm_cmpeq_epi8(here, carriage)));
        if (breaks != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(breaks)));
    }
#endif
    for (; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') return i;
    }
    return std::string_view::npos;
}

// Where the last line break in `text` is (npos if none).
std::size_t find_last_line_break(std::string_view text) {
    for (std::size_t i = text.size(); i > 0; --i) {
        if (text[i - 1] == '\n' || text[i - 1] == '\r') return i - 1;
    }
    return std::string_view::npos;
}

// Passes `text` (whole lines) to `emit` in pieces, with a zero-width space before each line
// that would start a command and every "##[" broken. This runs over all output: it looks for
// "::" (memchr for each ':'), not at every line.
template <class Emit>
void guard_lines(std::string_view text, Emit&& emit) {
    auto emit_piece = [&](std::string_view piece) {
        if (piece.find("##[") == std::string_view::npos) emit(piece);
        else emit(std::string_view(break_legacy_commands(piece)));
    };
    // A line is a command only if "::" follows nothing but trimmable bytes from its start, so
    // only the lines holding a "::" are looked at: from each such "::" back to its line's start.
    // A line looked at once is not looked at again (its first "::" decides), so this stays
    // linear however many "::" a line has.
    std::size_t copied = 0;
    std::size_t decided_until = 0;  // lines starting before this are decided
    for (std::size_t at = find_double_colon(text, 0); at != std::string_view::npos; at = find_double_colon(text, at + 1)) {
        if (at < decided_until) continue;
        std::size_t start = at;
        while (start > 0 && text[start - 1] != '\n' && text[start - 1] != '\r' &&
               trimmable(static_cast<unsigned char>(text[start - 1]))) {
            --start;
        }
        bool line_start = start == 0 || text[start - 1] == '\n' || text[start - 1] == '\r';
        if (line_start) {
            // A zero-width space goes after a line break, so no "##[" spans the cut.
            emit_piece(text.substr(copied, start - copied));
            emit(k_zero_width_space);
            copied = start;
        }
        // The rest of this line is decided: its first "::" was a command, or came after a byte
        // the runner does not trim.
        std::size_t brk = find_line_break(text, at);
        if (brk == std::string_view::npos) break;
        decided_until = brk + 1;
        at = brk;
    }
    emit_piece(text.substr(copied));
}

}  // namespace

std::string break_runner_commands(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    guard_lines(text, [&](std::string_view piece) { out.append(piece); });
    return out;
}

RunnerGuard::~RunnerGuard() {
    emit_lines(true);
    send_buffered();
    m_target->pubsync();
}

void RunnerGuard::send(std::string_view piece) {
    if (m_out.size() + piece.size() > m_out_limit) send_buffered();
    if (piece.size() >= m_out_limit) {
        m_target->sputn(piece.data(), static_cast<std::streamsize>(piece.size()));
    } else {
        m_out.append(piece);
    }
}

void RunnerGuard::send_buffered() {
    if (m_out.empty()) return;
    m_target->sputn(m_out.data(), static_cast<std::streamsize>(m_out.size()));
    m_out.clear();
}

void RunnerGuard::emit_lines(bool partial_too) {
    std::size_t end = m_pending.size();
    if (!partial_too) {
        while (end > 0 && m_pending[end - 1] != '\n' && m_pending[end - 1] != '\r') --end;  // through the last break
        if (end == 0) return;
    }
    if (end == 0) return;
    guard_lines(std::string_view(m_pending).substr(0, end), [&](std::string_view piece) { send(piece); });
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
    if (!m_pending.empty()) {
        // The waiting line ends in this piece: it goes out with the piece's first line, and the
        // rest of the piece is not copied (a file's JSON follows the last line of the one before).
        std::size_t first_break = find_line_break(piece, 0);
        if (first_break != std::string_view::npos && first_break + 1 < piece.size()) {
            m_pending.append(piece.substr(0, first_break + 1));
            emit_lines(false);
            piece.remove_prefix(first_break + 1);
        }
    }
    if (m_pending.empty()) {
        // Nothing waits: the piece's whole lines go out from the caller's buffer (a file's
        // report comes in one piece), and only what follows its last line break is kept.
        std::size_t last_break = find_last_line_break(piece);
        if (last_break != std::string_view::npos) {
            guard_lines(piece.substr(0, last_break + 1), [&](std::string_view out) { send(out); });
            m_pending.assign(piece.substr(last_break + 1));
            return n;
        }
    }
    m_pending.append(piece);
    // Lines go out as they end; a piece without a line break only waits for one.
    if (find_line_break(piece, 0) != std::string_view::npos) emit_lines(false);
    return n;
}

int RunnerGuard::sync() {
    // A partial line stays: guarding it needs its start, and its end may bring "##[".
    emit_lines(false);
    send_buffered();
    return m_target->pubsync();
}

void RunnerGuard::write_command(std::string_view line) {
    // Whatever came before ends first, on a line of its own.
    bool partial = !m_pending.empty() && m_pending.back() != '\n' && m_pending.back() != '\r';
    emit_lines(true);
    std::string out = partial ? "\n" : "";
    out += break_legacy_commands(line);
    out += '\n';
    send(out);
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
