#pragma once
// PostgreSQL's wire protocol, version 3, as far as capture reads it: a streaming splitter of
// messages and decoders for the few whose content it records. The source is PostgreSQL's
// documentation, "Message Formats" (protocol-message-formats.html) and "Message Flow"
// (protocol-flow.html). Every byte the migration tool sends is untrusted: lengths are checked
// against what arrived and against a cap, and a decoder that finds a message malformed says so
// instead of reading past its end.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgfence::capture {

// Request codes of the untyped first messages (protocol-message-formats: StartupMessage,
// SSLRequest, GSSENCRequest, CancelRequest).
inline constexpr std::uint32_t k_protocol_3 = 196608;  // 3 << 16
inline constexpr std::uint32_t k_ssl_request = 80877103;
inline constexpr std::uint32_t k_gssenc_request = 80877104;
inline constexpr std::uint32_t k_cancel_request = 80877102;
// PostgreSQL refuses a startup packet over 10000 bytes (MAX_STARTUP_PACKET_LENGTH, postmaster.c).
inline constexpr std::uint32_t k_max_startup = 10000;

// One message as the splitter hands it over: its type byte (0 for the untyped startup-phase
// messages), its declared body length, and its body when it was kept (see Splitter).
struct Message {
    char type = 0;
    std::uint32_t length = 0;  // the body's length (the length field minus its own 4 bytes)
    std::string body;          // kept part of the body; `truncated` when shorter than length
    bool truncated = false;
};

// Splits one direction of a connection into messages as bytes arrive, in any chunks. Bodies of
// the types `keep` accepts are kept up to `max_kept` bytes (the rest counted, not stored), so a
// row of a gigabyte costs nothing but its passing; memory is bounded by max_kept.
class Splitter {
public:
    // `startup`: the first message has no type byte (the frontend's StartupMessage and friends).
    Splitter(bool startup, std::size_t max_kept) : m_untyped(startup), m_max_kept(max_kept) {}

    // Feeds bytes; complete messages are appended to `out`. False (and error() says why) when the
    // stream is not PostgreSQL's protocol: a length under 4, an untyped message over
    // k_max_startup. After a false return the stream is not read further.
    [[nodiscard]] bool feed(std::string_view bytes, std::vector<Message>& out);
    // The next message is an untyped one again (after answering SSLRequest or GSSENCRequest 'N').
    void expect_untyped() { m_untyped = true; }
    // Whether a message's body is kept, by its type (default: every one).
    void keep_only(std::string_view types) { m_keep = std::string(types); m_keep_all = false; }
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    bool m_untyped;
    std::size_t m_max_kept;
    std::string m_keep;
    bool m_keep_all = true;
    // The message being read: header bytes so far, then its body.
    char m_header[5] = {};
    std::size_t m_header_have = 0;
    bool m_in_body = false;
    Message m_current;
    std::uint32_t m_body_left = 0;
    bool m_keep_current = false;
    bool m_broken = false;
    std::string m_error;
};

// A reader over one message's body: every read checks the bytes left.
class BodyReader {
public:
    explicit BodyReader(std::string_view body) : m_rest(body) {}
    [[nodiscard]] std::optional<std::string> cstring();  // up to the NUL, which it consumes
    [[nodiscard]] std::optional<std::int16_t> int16();
    [[nodiscard]] std::optional<std::int32_t> int32();
    [[nodiscard]] std::optional<std::string_view> bytes(std::size_t n);
    [[nodiscard]] bool empty() const { return m_rest.empty(); }

private:
    std::string_view m_rest;
};

// StartupMessage: protocol version, then name/value pairs (user, database, options, ...).
struct Startup {
    std::uint32_t code = 0;  // k_protocol_3, k_ssl_request, ...
    std::vector<std::pair<std::string, std::string>> parameters;
    [[nodiscard]] std::string parameter(std::string_view name) const;
};
[[nodiscard]] std::optional<Startup> decode_startup(const Message& m);

// Parse ('P'): statement name, query text, parameter type OIDs.
struct Parse {
    std::string statement;
    std::string query;
};
[[nodiscard]] std::optional<Parse> decode_parse(const Message& m);

// Bind ('B'): portal, statement, each parameter's value as sent (nullopt: NULL) and whether it
// was sent in binary.
struct Parameter {
    std::optional<std::string> value;
    bool binary = false;
};
struct Bind {
    std::string portal;
    std::string statement;
    std::vector<Parameter> parameters;
};
[[nodiscard]] std::optional<Bind> decode_bind(const Message& m);

// Execute ('E' from the frontend): portal, row limit.
[[nodiscard]] std::optional<std::string> decode_execute(const Message& m);
// Close ('C' from the frontend): 'S' statement or 'P' portal, and its name.
[[nodiscard]] std::optional<std::pair<char, std::string>> decode_close(const Message& m);
// Query ('Q') and CopyFail ('f'): one string.
[[nodiscard]] std::optional<std::string> decode_string(const Message& m);
// ReadyForQuery ('Z'): 'I' idle, 'T' in a transaction block, 'E' in a failed one.
[[nodiscard]] std::optional<char> decode_ready(const Message& m);

// ErrorResponse ('E' from the backend): its fields.
struct ServerError {
    std::string severity;  // 'V' (not localized), else 'S'
    std::string sqlstate;  // 'C'
    std::string message;   // 'M'
    std::string detail;    // 'D'
};
[[nodiscard]] std::optional<ServerError> decode_error(const Message& m);

// The bytes of an untyped 8-byte message (an SSLRequest, say), for tests and for the proxy.
[[nodiscard]] std::string untyped_message(std::uint32_t code, std::string_view rest = {});
// A typed message: type, length, body.
[[nodiscard]] std::string typed_message(char type, std::string_view body);

}  // namespace pgfence::capture
