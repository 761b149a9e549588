#pragma once
// The Language Server Protocol's framing (LSP 3.17 "Base Protocol"): a header of
// `Name: value\r\n` lines ending with an empty line, of which Content-Length counts the bytes
// of the JSON body after it. The peer is an editor, and the buffers it sends are a repository's:
// every length is bounded, and nothing it sends makes the reader wait for more than it said.
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace pgfence::bot::lsp {

// A body larger than this is read and dropped (its header was well formed, so the stream stays
// in step); the editor is told. 64 MiB: four times the largest migration analysed by default.
inline constexpr std::size_t k_max_body_bytes = std::size_t{64} << 20;

struct Frame {
    enum class Kind {
        Message,    // `body` holds it
        Oversized,  // the body was over k_max_body_bytes and was skipped; `body` is empty
        End,        // the input closed between messages
        Broken,     // the framing cannot be trusted any more; `error` says why
    };
    Kind kind = Kind::End;
    std::string body;
    std::size_t length = 0;  // the Content-Length given
    std::string error;
};

// Reads frames from a file descriptor (standard input), one at a time, on one thread.
class FrameReader {
public:
    explicit FrameReader(int fd, std::size_t max_body = k_max_body_bytes) : m_fd(fd), m_max_body(max_body) {}
    [[nodiscard]] Frame next();

private:
    // Whether the buffer holds a byte, after reading more if it was empty; false at the end of
    // the input (or an error reading it).
    [[nodiscard]] bool fill();
    // One byte, or -1 at the end of the input.
    int get();
    [[nodiscard]] bool read_exact(std::string& out, std::size_t n);
    [[nodiscard]] bool skip(std::size_t n);

    int m_fd;
    std::size_t m_max_body;
    char m_buffer[65536];
    std::size_t m_at = 0, m_size = 0;
};

// Writes whole frames to a file descriptor (standard output) from any thread, one at a time.
class FrameWriter {
public:
    explicit FrameWriter(int fd) : m_fd(fd) {}
    // False once the peer has gone (a closed pipe).
    bool write(std::string_view body);

private:
    int m_fd;
    std::mutex m_mutex;
    bool m_broken = false;
};

}  // namespace pgfence::bot::lsp
