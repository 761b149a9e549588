#include "capture/record_json.hpp"

#include <nlohmann/json.hpp>

#include "analyze/parse/json_depth.hpp"
#include "annotate/json_writer.hpp"

namespace pgfence::capture {
namespace {

std::string status(char s) { return s == 0 ? std::string() : std::string(1, s); }

std::string hex(std::string_view bytes) {
    static const char* k_hex = "0123456789abcdef";
    std::string out = "\\x";
    for (unsigned char b : bytes) {
        out += k_hex[b >> 4];
        out += k_hex[b & 15];
    }
    return out;
}

void write_error(annotate::JsonWriter& w, const std::optional<ServerError>& e) {
    if (!e) {
        w.null();
        return;
    }
    w.begin_object();
    w.member("message", e->message);
    w.member("severity", e->severity);
    w.member("sqlstate", e->sqlstate);
    w.end_object();
}

const char* kind_name(Event::Kind k) {
    switch (k) {
        case Event::Kind::query: return "query";
        case Event::Kind::execute: return "execute";
        case Event::Kind::function_call: return "function_call";
    }
    return "";
}

}  // namespace

void write_record_json(const std::vector<Session>& sessions, const RunFacts& run, std::ostream& out) {
    std::string text;
    annotate::JsonWriter w(text);
    w.begin_object();
    w.member("bypass_unchecked", run.bypass_unchecked);
    w.member("bypassed_sessions", static_cast<std::int64_t>(run.bypassed_sessions));
    w.key("command");
    w.begin_object();
    w.member("exit_code", static_cast<std::int64_t>(run.exit_code));
    w.member("exited", run.exited);
    w.member("signal", static_cast<std::int64_t>(run.signal));
    w.member("timed_out", run.timed_out);
    w.end_object();
    w.member("outlived_by", static_cast<std::int64_t>(run.outlived_by));
    w.key("sessions");
    w.begin_array();
    for (const auto& s : sessions) {
        w.begin_object();
        w.member("application_name", s.application_name);
        w.member("authenticated", s.authenticated);
        w.member("cancel_request", s.cancel_request);
        w.member("database", s.database);
        w.key("error");
        write_error(w, s.error);
        w.key("events");
        w.begin_array();
        for (const auto& e : s.events) {
            w.begin_object();
            {
                bool any = false;
                for (const auto& p : e.parameters) any = any || p.binary;
                if (any) {
                    // Which of them are binary (their value is hex after "\\x"): read back as such.
                    w.key("binary_parameters");
                    w.begin_array();
                    for (std::size_t i = 0; i < e.parameters.size(); ++i) {
                        if (e.parameters[i].binary) w.number(static_cast<std::int64_t>(i));
                    }
                    w.end_array();
                }
            }
            w.member("copy_in_bytes", static_cast<unsigned long long>(e.copy_in_bytes));
            w.key("error");
            write_error(w, e.error);
            w.member("kind", kind_name(e.kind));
            w.key("parameters");
            w.begin_array();
            for (const auto& p : e.parameters) {
                if (!p.value) w.null();
                else w.string(p.binary ? hex(*p.value) : *p.value);
            }
            w.end_array();
            w.member("skipped", e.skipped);
            w.member("sql", e.sql);
            w.key("status_after");
            w.string_or_null(status(e.status_after));
            w.member("status_before", status(e.status_before));
            w.key("tags");
            w.begin_array();
            for (const auto& t : e.tags) w.string(t);
            w.end_array();
            w.key("unreadable");
            w.string_or_null(e.unreadable);
            w.end_object();
        }
        w.end_array();
        w.member("id", s.id);
        w.key("protocol_error");
        w.string_or_null(s.protocol_error);
        w.member("refused_encryption", s.refused_encryption);
        w.key("settings");
        w.begin_array();
        for (const auto& [name, value] : s.settings) {
            w.begin_object();
            w.member("name", name);
            w.member("value", value);
            w.end_object();
        }
        w.end_array();
        w.member("unread_options", s.unread_options);
        w.member("user", s.user);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    out << text << "\n";
}

}  // namespace pgfence::capture

// ---- reading it back (`pgfence pr --capture FILE`) ----

namespace pgfence::capture {
namespace {

using nlohmann::json;

struct Malformed {
    std::string what;
};

const json& at(const json& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end()) throw Malformed{where + " has no \"" + key + "\""};
    return *it;
}

std::string string_at(const json& o, const char* key, const std::string& where, bool nullable = false) {
    const json& v = at(o, key, where);
    if (nullable && v.is_null()) return {};
    if (!v.is_string()) throw Malformed{where + "." + key + " must be a string"};
    return v.get<std::string>();
}

bool bool_at(const json& o, const char* key, const std::string& where) {
    const json& v = at(o, key, where);
    if (!v.is_boolean()) throw Malformed{where + "." + key + " must be true or false"};
    return v.get<bool>();
}

char status_at(const json& o, const char* key, const std::string& where) {
    std::string s = string_at(o, key, where, true);
    if (s.empty()) return 0;
    if (s != "I" && s != "T" && s != "E") throw Malformed{where + "." + key + " must be \"I\", \"T\", \"E\" or null"};
    return s[0];
}

std::optional<ServerError> error_at(const json& o, const char* key, const std::string& where) {
    const json& v = at(o, key, where);
    if (v.is_null()) return std::nullopt;
    if (!v.is_object()) throw Malformed{where + "." + key + " must be an object or null"};
    ServerError e;
    e.message = string_at(v, "message", where + "." + key);
    e.severity = string_at(v, "severity", where + "." + key);
    e.sqlstate = string_at(v, "sqlstate", where + "." + key);
    return e;
}

std::string unhex(const std::string& s, const std::string& where) {
    if (!s.starts_with("\\x") || s.size() % 2 != 0) throw Malformed{where + ": a binary parameter must be \\x and hex digits"};
    auto digit = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw Malformed{where + ": a binary parameter must be \\x and lower-case hex digits"};
    };
    std::string out;
    out.reserve(s.size() / 2 - 1);
    for (std::size_t i = 2; i < s.size(); i += 2) out += static_cast<char>(digit(s[i]) * 16 + digit(s[i + 1]));
    return out;
}

Event event_from(const json& e, const std::string& where) {
    if (!e.is_object()) throw Malformed{where + " must be an object"};
    Event out;
    const std::string kind = string_at(e, "kind", where);
    if (kind == "query") out.kind = Event::Kind::query;
    else if (kind == "execute") out.kind = Event::Kind::execute;
    else if (kind == "function_call") out.kind = Event::Kind::function_call;
    else throw Malformed{where + ".kind must be query, execute or function_call"};
    out.sql = string_at(e, "sql", where);
    out.unreadable = string_at(e, "unreadable", where, true);
    out.status_before = status_at(e, "status_before", where);
    if (out.status_before == 0) throw Malformed{where + ".status_before must be \"I\", \"T\" or \"E\""};
    out.status_after = status_at(e, "status_after", where);
    out.error = error_at(e, "error", where);
    out.skipped = bool_at(e, "skipped", where);
    const json& copied = at(e, "copy_in_bytes", where);
    if (!copied.is_number_unsigned() && !(copied.is_number_integer() && copied.get<long long>() >= 0)) {
        throw Malformed{where + ".copy_in_bytes must be a count"};
    }
    out.copy_in_bytes = copied.get<std::uint64_t>();
    const json& tags = at(e, "tags", where);
    if (!tags.is_array()) throw Malformed{where + ".tags must be an array"};
    for (const auto& t : tags) {
        if (!t.is_string()) throw Malformed{where + ".tags must hold strings"};
        out.tags.push_back(t.get<std::string>());
    }
    const json& parameters = at(e, "parameters", where);
    if (!parameters.is_array()) throw Malformed{where + ".parameters must be an array"};
    for (const auto& p : parameters) {
        Parameter parameter;
        if (p.is_string()) parameter.value = p.get<std::string>();
        else if (!p.is_null()) throw Malformed{where + ".parameters must hold strings or null"};
        out.parameters.push_back(std::move(parameter));
    }
    if (auto binary = e.find("binary_parameters"); binary != e.end()) {
        if (!binary->is_array()) throw Malformed{where + ".binary_parameters must be an array"};
        for (const auto& i : *binary) {
            if (!i.is_number_unsigned() || i.get<std::size_t>() >= out.parameters.size()) {
                throw Malformed{where + ".binary_parameters must hold indexes of its parameters"};
            }
            Parameter& parameter = out.parameters[i.get<std::size_t>()];
            parameter.binary = true;
            if (parameter.value) parameter.value = unhex(*parameter.value, where);
        }
    }
    return out;
}

Session session_from(const json& s, const std::string& where) {
    if (!s.is_object()) throw Malformed{where + " must be an object"};
    Session out;
    const json& id = at(s, "id", where);
    if (!id.is_number_integer()) throw Malformed{where + ".id must be a number"};
    out.id = id.get<int>();
    out.user = string_at(s, "user", where);
    out.database = string_at(s, "database", where);
    out.application_name = string_at(s, "application_name", where);
    out.authenticated = bool_at(s, "authenticated", where);
    out.cancel_request = bool_at(s, "cancel_request", where);
    out.refused_encryption = bool_at(s, "refused_encryption", where);
    out.error = error_at(s, "error", where);
    out.protocol_error = string_at(s, "protocol_error", where, true);
    // A record without them (written before they were) leaves none; a session's startup settings
    // then go unseen, which is why `pr --capture` needs them present (below).
    const json& settings = at(s, "settings", where);
    if (!settings.is_array()) throw Malformed{where + ".settings must be an array"};
    for (const auto& kv : settings) {
        if (!kv.is_object()) throw Malformed{where + ".settings must hold objects"};
        out.settings.emplace_back(string_at(kv, "name", where + ".settings"), string_at(kv, "value", where + ".settings"));
    }
    out.unread_options = string_at(s, "unread_options", where);
    const json& events = at(s, "events", where);
    if (!events.is_array()) throw Malformed{where + ".events must be an array"};
    for (std::size_t i = 0; i < events.size(); ++i) out.events.push_back(event_from(events[i], where + ".events[" + std::to_string(i) + "]"));
    return out;
}

}  // namespace

analyze::Result<Record> read_record_json(std::string_view text, const std::string& source) {
    // Written by `pgfence capture --record`: objects three deep, arrays four.
    if (!analyze::json_nesting_within(text, 8)) return analyze::Error{"not a capture record: nested deeper than one is", source, std::nullopt};
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return analyze::Error{"not JSON: is it a record written by `pgfence capture --record`?", source, std::nullopt};
    try {
        const json& sessions = at(doc, "sessions", "the record");
        if (!sessions.is_array()) throw Malformed{"the record's \"sessions\" must be an array"};
        Record out;
        for (std::size_t i = 0; i < sessions.size(); ++i) out.sessions.push_back(session_from(sessions[i], "sessions[" + std::to_string(i) + "]"));
        // The run's facts: a record without them (an older pgfence's) cannot say whether a session
        // bypassed the proxy or a process outlived the command, so it is refused.
        auto count = [&](const json& o, const char* key, const std::string& where) {
            const json& v = at(o, key, where);
            if (!v.is_number_integer() || v.get<long long>() < 0) throw Malformed{where + "." + key + " must be a count"};
            return v.get<long long>();
        };
        const std::string where = "the record (capture again with this pgfence)";
        out.run.bypassed_sessions = count(doc, "bypassed_sessions", where);
        out.run.bypass_unchecked = bool_at(doc, "bypass_unchecked", where);
        out.run.outlived_by = count(doc, "outlived_by", where);
        const json& command = at(doc, "command", where);
        if (!command.is_object()) throw Malformed{"the record's \"command\" must be an object"};
        out.run.exited = bool_at(command, "exited", "the record's command");
        out.run.exit_code = static_cast<int>(count(command, "exit_code", "the record's command"));
        out.run.signal = static_cast<int>(count(command, "signal", "the record's command"));
        out.run.timed_out = bool_at(command, "timed_out", "the record's command");
        return out;
    } catch (const Malformed& m) {
        return analyze::Error{"not a capture record: " + m.what, source, std::nullopt};
    } catch (const json::exception& e) {
        return analyze::Error{std::string("not a capture record: ") + e.what(), source, std::nullopt};
    }
}

}  // namespace pgfence::capture
