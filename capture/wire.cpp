#include "capture/wire.hpp"

#include <algorithm>
#include <cstring>

namespace pgfence::capture {
namespace {

std::uint32_t be32(const char* p) {
    auto b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

void put32(std::string& out, std::uint32_t v) {
    out += static_cast<char>((v >> 24) & 0xff);
    out += static_cast<char>((v >> 16) & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
}

}  // namespace

bool Splitter::feed(std::string_view bytes, std::vector<Message>& out) {
    if (m_broken) return false;
    while (!bytes.empty()) {
        if (!m_in_body) {
            // Untyped: length(4) only; typed: type(1) + length(4).
            const std::size_t need = m_untyped ? 4 : 5;
            const std::size_t take = std::min(need - m_header_have, bytes.size());
            std::memcpy(m_header + m_header_have, bytes.data(), take);
            m_header_have += take;
            bytes.remove_prefix(take);
            if (m_header_have < need) return true;
            const std::uint32_t length = be32(m_header + (m_untyped ? 0 : 1));
            if (length < 4) {
                m_broken = true;
                m_error = "a message declares a length of " + std::to_string(length) + " bytes (at least 4)";
                return false;
            }
            if (m_untyped && length > k_max_startup) {
                m_broken = true;
                m_error = "a startup message declares " + std::to_string(length) + " bytes (PostgreSQL takes at most " +
                          std::to_string(k_max_startup) + ")";
                return false;
            }
            m_current = Message{};
            m_current.type = m_untyped ? 0 : m_header[0];
            m_current.length = length - 4;
            m_body_left = m_current.length;
            m_keep_current = m_untyped || m_keep_all || m_keep.find(m_current.type) != std::string::npos;
            m_in_body = true;
            m_header_have = 0;
            m_untyped = false;  // only the first message (and the one after an 'N') is untyped
        }
        const std::size_t take = std::min<std::size_t>(m_body_left, bytes.size());
        if (m_keep_current) {
            const std::size_t room = m_max_kept > m_current.body.size() ? m_max_kept - m_current.body.size() : 0;
            const std::size_t kept = std::min(room, take);
            m_current.body.append(bytes.data(), kept);
            if (kept < take) m_current.truncated = true;
        } else if (take > 0) {
            m_current.truncated = true;
        }
        m_body_left -= static_cast<std::uint32_t>(take);
        bytes.remove_prefix(take);
        if (m_body_left == 0) {
            out.push_back(std::move(m_current));
            m_current = Message{};
            m_in_body = false;
        }
    }
    return true;
}

std::optional<std::string> BodyReader::cstring() {
    const std::size_t nul = m_rest.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    std::string s(m_rest.substr(0, nul));
    m_rest.remove_prefix(nul + 1);
    return s;
}

std::optional<std::int16_t> BodyReader::int16() {
    if (m_rest.size() < 2) return std::nullopt;
    auto b = reinterpret_cast<const unsigned char*>(m_rest.data());
    auto v = static_cast<std::int16_t>((b[0] << 8) | b[1]);
    m_rest.remove_prefix(2);
    return v;
}

std::optional<std::int32_t> BodyReader::int32() {
    if (m_rest.size() < 4) return std::nullopt;
    auto v = static_cast<std::int32_t>(be32(m_rest.data()));
    m_rest.remove_prefix(4);
    return v;
}

std::optional<std::string_view> BodyReader::bytes(std::size_t n) {
    if (m_rest.size() < n) return std::nullopt;
    std::string_view v = m_rest.substr(0, n);
    m_rest.remove_prefix(n);
    return v;
}

std::string Startup::parameter(std::string_view name) const {
    for (const auto& [k, v] : parameters) {
        if (k == name) return v;
    }
    return {};
}

std::optional<Startup> decode_startup(const Message& m) {
    if (m.type != 0 || m.truncated) return std::nullopt;
    BodyReader r(m.body);
    auto code = r.int32();
    if (!code) return std::nullopt;
    Startup s;
    s.code = static_cast<std::uint32_t>(*code);
    if (s.code != k_protocol_3) return s;  // the request codes carry no parameters we read
    while (!r.empty()) {
        auto name = r.cstring();
        if (!name) return std::nullopt;
        if (name->empty()) break;  // the list's terminator
        auto value = r.cstring();
        if (!value) return std::nullopt;
        s.parameters.emplace_back(std::move(*name), std::move(*value));
    }
    return s;
}

std::optional<Parse> decode_parse(const Message& m) {
    if (m.type != 'P' || m.truncated) return std::nullopt;
    BodyReader r(m.body);
    auto name = r.cstring();
    auto query = name ? r.cstring() : std::nullopt;
    if (!query) return std::nullopt;
    auto count = r.int16();
    if (!count || *count < 0) return std::nullopt;
    if (!r.bytes(std::size_t(*count) * 4)) return std::nullopt;
    return Parse{std::move(*name), std::move(*query)};
}

std::optional<Bind> decode_bind(const Message& m) {
    if (m.type != 'B' || m.truncated) return std::nullopt;
    BodyReader r(m.body);
    Bind b;
    auto portal = r.cstring();
    auto statement = portal ? r.cstring() : std::nullopt;
    if (!statement) return std::nullopt;
    b.portal = std::move(*portal);
    b.statement = std::move(*statement);
    auto formats = r.int16();
    if (!formats || *formats < 0) return std::nullopt;
    std::vector<std::int16_t> codes;
    for (int i = 0; i < *formats; ++i) {
        auto f = r.int16();
        if (!f) return std::nullopt;
        codes.push_back(*f);
    }
    auto count = r.int16();
    if (!count || *count < 0) return std::nullopt;
    // Zero format codes: all text; one: it applies to all; else one per parameter.
    if (codes.size() > 1 && codes.size() != std::size_t(*count)) return std::nullopt;
    for (int i = 0; i < *count; ++i) {
        auto length = r.int32();
        if (!length) return std::nullopt;
        Parameter p;
        p.binary = codes.empty() ? false : codes[codes.size() == 1 ? 0 : std::size_t(i)] == 1;
        if (*length >= 0) {
            auto value = r.bytes(std::size_t(*length));
            if (!value) return std::nullopt;
            p.value = std::string(*value);
        } else if (*length != -1) {
            return std::nullopt;
        }
        b.parameters.push_back(std::move(p));
    }
    return b;
}

std::optional<std::string> decode_execute(const Message& m) {
    if (m.type != 'E' || m.truncated) return std::nullopt;
    BodyReader r(m.body);
    auto portal = r.cstring();
    if (!portal || !r.int32()) return std::nullopt;
    return portal;
}

std::optional<std::pair<char, std::string>> decode_close(const Message& m) {
    if (m.type != 'C' || m.truncated) return std::nullopt;
    BodyReader r(m.body);
    auto kind = r.bytes(1);
    auto name = kind ? r.cstring() : std::nullopt;
    if (!name || ((*kind)[0] != 'S' && (*kind)[0] != 'P')) return std::nullopt;
    return std::make_pair((*kind)[0], std::move(*name));
}

std::optional<std::string> decode_string(const Message& m) {
    if (m.truncated) return std::nullopt;
    BodyReader r(m.body);
    return r.cstring();
}

std::optional<char> decode_ready(const Message& m) {
    if (m.type != 'Z' || m.body.size() != 1) return std::nullopt;
    const char s = m.body[0];
    if (s != 'I' && s != 'T' && s != 'E') return std::nullopt;
    return s;
}

std::optional<ServerError> decode_error(const Message& m) {
    if (m.type != 'E') return std::nullopt;
    BodyReader r(m.body);
    ServerError e;
    std::string localized;
    while (!r.empty()) {
        auto code = r.bytes(1);
        if (!code) return std::nullopt;
        if ((*code)[0] == '\0') break;
        auto value = r.cstring();
        if (!value) return e.message.empty() ? std::nullopt : std::optional<ServerError>(e);
        switch ((*code)[0]) {
            case 'V': e.severity = *value; break;
            case 'S': localized = *value; break;
            case 'C': e.sqlstate = *value; break;
            case 'M': e.message = *value; break;
            case 'D': e.detail = *value; break;
            default: break;
        }
    }
    if (e.severity.empty()) e.severity = localized;
    return e;
}

std::string untyped_message(std::uint32_t code, std::string_view rest) {
    std::string out;
    put32(out, static_cast<std::uint32_t>(8 + rest.size()));
    put32(out, code);
    out += rest;
    return out;
}

std::string typed_message(char type, std::string_view body) {
    std::string out(1, type);
    put32(out, static_cast<std::uint32_t>(4 + body.size()));
    out += body;
    return out;
}

}  // namespace pgfence::capture
