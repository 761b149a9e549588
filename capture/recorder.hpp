#pragma once
// What one connection of the migration tool sent, in order, with what the server answered about
// each (its error, the transaction state after it). Fed the messages of both directions as the
// proxy forwards them (capture/wire.hpp); it never changes a byte. The server's answers arrive in
// the order of the requests (protocol-flow.html, "Extended Query": responses to Execute come in
// order, and after an error the server discards messages until Sync).
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capture/wire.hpp"

namespace pgfence::capture {

// One statement the tool ran: a simple Query (which may hold several statements) or an Execute
// of the extended protocol, with the values its Bind sent.
struct Event {
    enum class Kind { query, execute, function_call };
    Kind kind = Kind::query;
    std::string sql;                    // as sent; for a function call, empty
    std::vector<Parameter> parameters;  // Execute: the values bound, in order
    // The message was over the capture's size limit, or malformed, or bound a statement this
    // session never prepared: `sql` is not what ran, and `unreadable` says why.
    std::string unreadable;
    char status_before = 'I';  // ReadyForQuery's status before it was sent: I, T or E
    char status_after = 0;     // the status of the ReadyForQuery that ended it (0: none came)
    std::optional<ServerError> error;
    bool skipped = false;       // after an error of its Sync, the server did not run it
    std::vector<std::string> tags;  // CommandComplete tags ("CREATE INDEX")
    std::uint64_t copy_in_bytes = 0;  // COPY FROM STDIN: the CopyData bytes sent
};

struct Session {
    int id = 0;
    std::string user;
    std::string database;
    std::string application_name;
    // Run-time settings the startup message set for the whole session (its `options` -c pairs,
    // and any other parameter the server takes as a setting), as SET would; settings that change
    // nothing pgfence judges (DateStyle, TimeZone, extra_float_digits, client_encoding UTF8) are
    // left out. `unread_options`: the part of `options` that is not a setting (another switch).
    std::vector<std::pair<std::string, std::string>> settings;
    std::string unread_options;
    bool refused_encryption = false;  // SSLRequest or GSSENCRequest answered 'N'
    bool cancel_request = false;      // the connection only carried a CancelRequest
    bool authenticated = false;       // AuthenticationOk seen
    std::optional<ServerError> error;  // an error outside any statement (authentication, say)
    std::string protocol_error;        // the tool's bytes were not PostgreSQL's protocol: why
    std::vector<Event> events;
};

class Recorder {
public:
    explicit Recorder(int id) { m_session.id = id; }
    void frontend(const Message& m);
    void backend(const Message& m);
    // The proxy answered an SSLRequest or GSSENCRequest with 'N'.
    void refused_encryption() { m_session.refused_encryption = true; }
    void protocol_error(std::string why) { if (m_session.protocol_error.empty()) m_session.protocol_error = std::move(why); }
    [[nodiscard]] const Session& session() const { return m_session; }
    [[nodiscard]] Session take() { return std::move(m_session); }

private:
    struct Pending {
        std::size_t event = 0;
        enum class Kind { query, execute, sync } kind = Kind::query;
        bool done = false;  // an Execute's CommandComplete (or error) came
    };
    Event& add(Event e);
    // The oldest request whose answer has not come: a Query, or an Execute not yet completed.
    Pending* current();

    Session m_session;
    std::map<std::string, std::string> m_statements;  // prepared statement name -> text
    struct Portal {
        std::string sql;
        std::vector<Parameter> parameters;
        std::string unreadable;
    };
    std::map<std::string, Portal> m_portals;
    std::deque<Pending> m_pending;
    char m_status = 'I';
    bool m_failed_until_sync = false;
    bool m_started = false;  // the startup's ReadyForQuery came
    std::optional<std::size_t> m_copy_in;  // the event whose COPY FROM STDIN is under way
};

}  // namespace pgfence::capture
