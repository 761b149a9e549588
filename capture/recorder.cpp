#include "capture/recorder.hpp"

#include <cctype>

namespace pgfence::capture {

Event& Recorder::add(Event e) {
    e.status_before = m_status;
    m_session.events.push_back(std::move(e));
    return m_session.events.back();
}

Recorder::Pending* Recorder::current() {
    for (auto& p : m_pending) {
        if (p.kind == Pending::Kind::sync) return nullptr;  // its answer is the ReadyForQuery
        if (p.kind == Pending::Kind::query || !p.done) return &p;
    }
    return nullptr;
}

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The startup message's parameters that set the session's settings. The server splits `options`
// at unescaped whitespace, a backslash taking the next character literally
// (src/backend/utils/init/postinit.c, pg_split_opts), and reads each word as a command-line
// switch: "-c name=value", "-cname=value" or "--name=value" set a setting (process_postgres_switches).
void read_settings(const Startup& startup, Session& session) {
    for (const auto& [name, value] : startup.parameters) {
        const std::string n = lower(name);
        if (n == "user" || n == "database" || n == "application_name" || n == "datestyle" || n == "timezone" ||
            n == "extra_float_digits") {
            continue;
        }
        if (n == "client_encoding") {
            const std::string v = lower(value);
            if (v == "utf8" || v == "utf-8" || v == "unicode") continue;
        }
        if (n != "options") {
            session.settings.emplace_back(name, value);
            continue;
        }
        std::vector<std::string> words;
        std::string word;
        bool in_word = false;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const char c = value[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                if (in_word) words.push_back(std::move(word));
                word.clear();
                in_word = false;
                continue;
            }
            in_word = true;
            if (c == '\\' && i + 1 < value.size()) {
                word += value[++i];
            } else {
                word += c;
            }
        }
        if (in_word) words.push_back(std::move(word));
        for (std::size_t i = 0; i < words.size(); ++i) {
            std::string pair;
            if (words[i] == "-c" && i + 1 < words.size()) {
                pair = words[++i];
            } else if (words[i].starts_with("-c") && words[i].size() > 2) {
                pair = words[i].substr(2);
            } else if (words[i].starts_with("--") && words[i].size() > 2) {
                pair = words[i].substr(2);
            }
            const std::size_t eq = pair.find('=');
            if (pair.empty() || eq == std::string::npos || eq == 0) {
                if (!session.unread_options.empty()) session.unread_options += ' ';
                session.unread_options += words[i];
                continue;
            }
            std::string setting = pair.substr(0, eq);
            for (auto& ch : setting) ch = ch == '-' ? '_' : ch;  // --lock-timeout=... as lock_timeout
            session.settings.emplace_back(std::move(setting), pair.substr(eq + 1));
        }
    }
}

}  // namespace

void Recorder::frontend(const Message& m) {
    auto too_large = [&] { return "a message of " + std::to_string(m.length) + " bytes, over the capture's limit"; };
    switch (m.type) {
        case 0: {
            auto startup = decode_startup(m);
            if (!startup) {
                protocol_error("a startup message that is not PostgreSQL's");
                return;
            }
            if (startup->code == k_cancel_request) m_session.cancel_request = true;
            if (startup->code == k_protocol_3) {
                m_session.user = startup->parameter("user");
                m_session.database = startup->parameter("database");
                if (m_session.database.empty()) m_session.database = m_session.user;
                m_session.application_name = startup->parameter("application_name");
                read_settings(*startup, m_session);
            }
            return;
        }
        case 'Q': {
            Event e;
            e.kind = Event::Kind::query;
            if (auto sql = decode_string(m)) e.sql = std::move(*sql);
            else e.unreadable = m.truncated ? too_large() : "a Query message that is not well formed";
            add(std::move(e));
            m_pending.push_back({m_session.events.size() - 1, Pending::Kind::query});
            return;
        }
        case 'P': {
            auto parse = decode_parse(m);
            // A statement that cannot be read is remembered as such: its Execute says why.
            std::string name;
            if (parse) m_statements[parse->statement] = std::move(parse->query);
            else if (BodyReader r(m.body); auto n = r.cstring()) m_statements[*n] = "\x01" + (m.truncated ? too_large() : "a Parse message that is not well formed");
            return;
        }
        case 'B': {
            auto bind = decode_bind(m);
            if (!bind) {
                BodyReader r(m.body);
                if (auto portal = r.cstring()) m_portals[*portal] = Portal{"", {}, m.truncated ? too_large() : "a Bind message that is not well formed"};
                return;
            }
            Portal p;
            auto it = m_statements.find(bind->statement);
            if (it == m_statements.end()) p.unreadable = "a Bind of a statement this session did not prepare";
            else if (!it->second.empty() && it->second[0] == '\x01') p.unreadable = it->second.substr(1);
            else p.sql = it->second;
            p.parameters = std::move(bind->parameters);
            m_portals[bind->portal] = std::move(p);
            return;
        }
        case 'E': {
            Event e;
            e.kind = Event::Kind::execute;
            auto portal = decode_execute(m);
            auto it = portal ? m_portals.find(*portal) : m_portals.end();
            if (!portal) e.unreadable = "an Execute message that is not well formed";
            else if (it == m_portals.end()) e.unreadable = "an Execute of a portal this session did not bind";
            else {
                e.sql = it->second.sql;
                e.parameters = it->second.parameters;
                e.unreadable = it->second.unreadable;
            }
            add(std::move(e));
            m_pending.push_back({m_session.events.size() - 1, Pending::Kind::execute});
            return;
        }
        case 'F': {
            Event e;
            e.kind = Event::Kind::function_call;
            e.unreadable = "a fast-path FunctionCall message (a function run by its OID, no SQL)";
            add(std::move(e));
            m_pending.push_back({m_session.events.size() - 1, Pending::Kind::execute});
            return;
        }
        case 'S':
            m_pending.push_back({0, Pending::Kind::sync});
            return;
        case 'C':
            if (auto close = decode_close(m)) {
                if (close->first == 'S') m_statements.erase(close->second);
                else m_portals.erase(close->second);
            }
            return;
        case 'd':
            if (m_copy_in) m_session.events[*m_copy_in].copy_in_bytes += m.length;
            return;
        case 'c':
        case 'f':
            m_copy_in.reset();
            return;
        default:
            // Describe, Flush, Terminate, and the password messages ('p'), which are never recorded.
            return;
    }
}

void Recorder::backend(const Message& m) {
    switch (m.type) {
        case 'R':
            if (m.body.size() >= 4 && m.body.compare(0, 4, std::string("\0\0\0\0", 4)) == 0) m_session.authenticated = true;
            return;
        case 'E': {
            auto error = decode_error(m);
            if (!error) return;
            if (Pending* p = current()) {
                Event& e = m_session.events[p->event];
                if (!e.error) e.error = *error;
                p->done = true;
                if (p->kind == Pending::Kind::execute) m_failed_until_sync = true;
            } else if (!m_session.error) {
                m_session.error = *error;
            }
            m_copy_in.reset();
            return;
        }
        case 'C':
        case 'I':  // EmptyQueryResponse
        case 's':  // PortalSuspended
            if (Pending* p = current()) {
                if (m.type == 'C') {
                    if (auto tag = decode_string(m)) m_session.events[p->event].tags.push_back(std::move(*tag));
                }
                p->done = true;
            }
            return;
        case 'G':
            if (Pending* p = current()) m_copy_in = p->event;
            return;
        case 'Z': {
            auto status = decode_ready(m);
            if (!status) return;
            m_status = *status;
            // The first one ends the startup (protocol-flow.html, "Start-up"): it answers no request.
            if (!m_started) {
                m_started = true;
                return;
            }
            // A ReadyForQuery answers one Query, or every Execute up to and including a Sync.
            while (!m_pending.empty()) {
                Pending p = m_pending.front();
                m_pending.pop_front();
                if (p.kind == Pending::Kind::sync) break;
                Event& e = m_session.events[p.event];
                e.status_after = *status;
                if (p.kind == Pending::Kind::execute && !p.done && m_failed_until_sync) e.skipped = true;
                if (p.kind == Pending::Kind::query) break;
            }
            m_failed_until_sync = false;
            m_copy_in.reset();
            return;
        }
        default:
            return;
    }
}

}  // namespace pgfence::capture
