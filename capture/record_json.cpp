#include "capture/record_json.hpp"

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

void write_record_json(const std::vector<Session>& sessions, std::ostream& out) {
    std::string text;
    annotate::JsonWriter w(text);
    w.begin_object();
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
        w.member("user", s.user);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    out << text << "\n";
}

}  // namespace pgfence::capture
