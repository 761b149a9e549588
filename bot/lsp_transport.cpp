#include "bot/lsp_transport.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>

namespace pgfence::bot::lsp {

namespace {

constexpr std::size_t k_max_header_line = 8192;
constexpr int k_max_header_lines = 32;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

Frame broken(std::string why) {
    Frame frame;
    frame.kind = Frame::Kind::Broken;
    frame.error = std::move(why);
    return frame;
}

}  // namespace

bool FrameReader::fill() {
    if (m_at < m_size) return true;
    ssize_t n = 0;
    do n = ::read(m_fd, m_buffer, sizeof m_buffer);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    m_at = 0;
    m_size = static_cast<std::size_t>(n);
    return true;
}

int FrameReader::get() { return fill() ? static_cast<unsigned char>(m_buffer[m_at++]) : -1; }

bool FrameReader::read_exact(std::string& out, std::size_t n) {
    out.clear();
    out.reserve(n);
    while (out.size() < n) {
        if (!fill()) return false;
        std::size_t take = std::min(n - out.size(), m_size - m_at);
        out.append(m_buffer + m_at, take);
        m_at += take;
    }
    return true;
}

bool FrameReader::skip(std::size_t n) {
    while (n > 0) {
        if (!fill()) return false;
        std::size_t take = std::min(n, m_size - m_at);
        m_at += take;
        n -= take;
    }
    return true;
}

Frame FrameReader::next() {
    std::optional<std::size_t> length;
    std::string line;
    bool started = false;
    for (int lines = 0;; ++lines) {
        line.clear();
        for (int c = get();; c = get()) {
            if (c < 0) {
                if (!started) return Frame{};
                return broken("the input ended inside a message's header");
            }
            started = true;
            if (c == '\n') break;
            if (line.size() >= k_max_header_line) return broken("a header line longer than 8 KiB");
            line += static_cast<char>(c);
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) break;
        if (lines >= k_max_header_lines) return broken("more than 32 header lines");
        std::size_t colon = line.find(':');
        if (colon == std::string::npos) return broken("a header line without ':' (not LSP framing)");
        if (lower(trim(std::string_view(line).substr(0, colon))) != "content-length") continue;
        std::string_view value = trim(std::string_view(line).substr(colon + 1));
        if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string_view::npos) {
            return broken("a Content-Length that is not a number of bytes");
        }
        // Two lengths: which one frames the body is anyone's guess; the stream is not read on.
        if (length) return broken("two Content-Length headers");
        length = std::stoull(std::string(value));
    }
    if (!length) return broken("a message header without Content-Length");
    Frame frame;
    frame.length = *length;
    if (*length > m_max_body) {
        if (!skip(*length)) return broken("the input ended inside an oversized message");
        frame.kind = Frame::Kind::Oversized;
        return frame;
    }
    if (!read_exact(frame.body, *length)) return broken("the input ended inside a message's body");
    frame.kind = Frame::Kind::Message;
    return frame;
}

bool FrameWriter::write(std::string_view body) {
    std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    frame.append(body);
    std::lock_guard lock(m_mutex);
    if (m_broken) return false;
    for (std::size_t at = 0; at < frame.size();) {
        ssize_t n = ::write(m_fd, frame.data() + at, frame.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            m_broken = true;
            return false;
        }
        at += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace pgfence::bot::lsp
