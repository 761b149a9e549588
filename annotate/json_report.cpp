#include "annotate/json_report.hpp"

#include "analyze/parse/pg_parser.hpp"
#include "annotate/json_writer.hpp"

#include <algorithm>
#include <functional>

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.1.0"
#endif

namespace pgfence::annotate {
namespace {

using namespace pgfence::analyze;

// Members are written in byte order of their keys (the writer checks it): the layout of the
// documented format, which nlohmann's sorted objects once produced.

std::string_view status_name(StatementStatus s) {
    switch (s) {
        case StatementStatus::Analyzed: return "analyzed";
        case StatementStatus::Unparsable: return "unparsable";
        case StatementStatus::Unknown: return "unknown";
    }
    return "unknown";
}

std::string_view transaction_name(Transaction t) {
    switch (t) {
        case Transaction::None: return "none";
        case Transaction::Explicit: return "explicit";
        case Transaction::Implicit: return "implicit";
    }
    return "none";
}

void position(JsonWriter& w, std::string_view key, Position p) {
    w.key(key);
    w.begin_object();
    w.member("column", p.column).member("line", p.line);
    w.end_object();
}

void optional_string(JsonWriter& w, std::string_view key, const std::optional<std::string>& s) {
    w.key(key);
    if (s) w.string(*s);
    else w.null();
}

void optional_number(JsonWriter& w, std::string_view key, const std::optional<double>& v) {
    w.key(key);
    if (v) w.number(*v);
    else w.null();
}

void blocks(JsonWriter& w, Blocks b) {
    w.key("blocks");
    w.begin_object();
    w.member("ddl", b.ddl).member("reads", b.reads).member("writes", b.writes);
    w.end_object();
}

void effects(JsonWriter& w, std::string_view key, const std::vector<TableEffect>& list) {
    w.key(key);
    w.begin_array();
    for (const auto& e : list) {
        w.begin_object();
        w.member("certain", e.certain).member("reason", e.reason).member("relation", e.relation);
        w.end_object();
    }
    w.end_array();
}

// A located message: parse errors and unanalysable ORM calls.
void located(JsonWriter& w, std::string_view key, const Error& e, Position fallback) {
    w.key(key);
    w.begin_object();
    w.member("column", e.where ? e.where->column : fallback.column);
    w.member("line", e.where ? e.where->line : fallback.line);
    w.member("message", e.message);
    w.end_object();
}

void size_facts(JsonWriter& w, const SizeFacts& z) {
    w.key("size");
    w.begin_object();
    w.member("base_risk", risk_name(z.base_risk));
    optional_number(w, "blocking_seconds", z.blocking_seconds);
    w.key("lock").string_or_null(z.lock);
    w.member("relation", z.relation);
    optional_number(w, "rows", z.rows);
    w.member("size_class", z.size_class).member("status", z.status);
    w.key("table").string_or_null(z.table);
    w.member("table_bytes", z.table_bytes).member("throughput_bytes_per_second", z.throughput_bytes_per_second);
    w.member("total_bytes", z.total_bytes);
    w.key("work").string_or_null(z.work);
    w.end_object();
}

// `no_sql`, when not empty, stands for every SQL text (an upload without SQL); `subject` is the
// upload's subject_sha256 of the finding, `on_base` its suppression_on_base (suppressed entries).
void finding(JsonWriter& w, const Finding& f, std::string_view no_sql = {}, std::string_view subject = {},
             std::optional<bool> on_base = std::nullopt) {
    w.begin_object();
    position(w, "end", f.stop);
    w.key("fix").string_or_null(f.fix);
    w.member("message", f.message);
    // Suppressed entries only (additive): what the pgfence-ignore comment that hid it says.
    const auto& by = f.suppressed_by;
    if (by) w.key("owner").string_or_null(by->owner);
    w.member("pre_existing", f.pre_existing);
    if (by) w.key("reason").string_or_null(by->reason);
    w.key("recipe");
    if (f.recipe) {
        w.begin_object();
        w.key("steps").begin_array();
        for (const auto& st : f.recipe->steps) {
            w.begin_object();
            w.member("in_transaction", st.in_transaction).member("sql", no_sql.empty() ? std::string_view(st.sql) : no_sql);
            w.member("title", st.title);
            w.end_object();
        }
        w.end_array();
        w.member("summary", f.recipe->summary);
        w.end_object();
    } else {
        w.null();
    }
    w.key("relation").string_or_null(f.relation);
    w.member("risk", risk_name(f.risk)).member("rule", f.rule);
    // Only with a stats snapshot (analyze --stats-file): additive, absent otherwise.
    if (f.size) size_facts(w, *f.size);
    position(w, "start", f.start);
    w.key("statement");
    if (f.statement >= 0) w.number(static_cast<std::int64_t>(f.statement));
    else w.null();
    if (!subject.empty()) w.member("subject_sha256", subject);
    if (by) w.member("suppression_line", by->line);
    if (on_base) w.member("suppression_on_base", *on_base);
    if (by) w.key("until").string_or_null(by->until);
    w.end_object();
}

void statement(JsonWriter& w, const StatementFacts& s, std::string_view no_sql = {}, std::string_view context = {}) {
    w.begin_object();
    blocks(w, s.blocks());
    if (!context.empty()) w.member("context_sha256", context);
    w.member("index", s.index);
    w.key("kind").string_or_null(s.kind);
    w.key("locks").begin_array();
    for (const auto& l : s.locks) {
        w.begin_object();
        blocks(w, blocks_of(l.mode));
        w.member("cascades", l.cascades).member("kind", l.kind).member("mode", lock_mode_name(l.mode));
        w.member("new", l.is_new).member("reason", l.reason).member("relation", l.relation);
        if (!l.source.empty()) w.member("source", l.source);
        w.end_object();
    }
    w.end_array();
    w.key("notes").begin_array();
    for (const auto& n : s.notes) w.string(n);
    w.end_array();
    if (s.parse_error) located(w, "parse_error", *s.parse_error, s.span.start);
    else w.key("parse_error").null();
    effects(w, "rewrite_details", s.rewrites);
    w.key("rewrites").begin_array();
    for (const auto& r : s.rewrites) w.string(r.relation);
    w.end_array();
    w.member("risk", risk_name(s.risk)).member("runs_user_code", s.runs_user_code);
    effects(w, "scans", s.scans);
    w.key("settings").begin_object();
    optional_string(w, "application_name", s.settings->application_name);
    optional_string(w, "idle_in_transaction_session_timeout", s.settings->idle_in_transaction_session_timeout);
    optional_string(w, "lock_timeout", s.settings->lock_timeout);
    optional_string(w, "search_path", s.settings->search_path);
    optional_string(w, "session_replication_role", s.settings->session_replication_role);
    optional_string(w, "statement_timeout", s.settings->statement_timeout);
    optional_string(w, "timezone", s.settings->timezone);
    w.end_object();
    w.key("span").begin_object();
    position(w, "end", s.span.stop);
    w.member("length", s.span.end - s.span.begin).member("offset", s.span.begin);
    position(w, "start", s.span.start);
    w.end_object();
    w.member("sql", no_sql.empty() ? std::string_view(s.sql) : no_sql).member("status", status_name(s.status));
    w.key("tag").string_or_null(s.tag);
    w.key("transaction").begin_object();
    w.member("no_transaction_block", s.no_transaction_block).member("savepoint_depth", s.savepoint_depth);
    w.member("state", transaction_name(s.transaction));
    w.end_object();
    // ORM scripts only (additive): a call whose SQL cannot be known statically.
    if (s.unanalysable) located(w, "unanalysable", *s.unanalysable, s.span.start);
    w.end_object();
}

// The file's migration plan (analyze/plan.hpp): null when no finding has a safe rewrite.
void plan(JsonWriter& w, const std::optional<Plan>& p, std::string_view no_sql = {}) {
    w.key("plan");
    if (!p) {
        w.null();
        return;
    }
    w.begin_object();
    if (p->declined.empty()) w.key("declined").null();
    else w.member("declined", p->declined);
    w.key("notes").begin_array();
    for (const auto& n : p->notes) w.string(n);
    w.end_array();
    w.key("replaced").begin_array();
    for (const auto& r : p->replaced) w.string(r);
    w.end_array();
    w.key("steps").begin_array();
    for (const auto& st : p->steps) {
        w.begin_object();
        w.member("after_release", st.after_release);
        w.key("files").begin_array();
        auto file = [&](const std::string& path, const std::string& text) {
            w.begin_object();
            w.member("path", path).member("text", no_sql.empty() ? std::string_view(text) : no_sql);
            w.end_object();
        };
        file(st.path, st.file_text);
        for (const auto& [path, text] : st.extra_files) file(path, text);
        w.end_array();
        w.member("path", st.path).member("run", plan_run_name(st.run)).member("sql", no_sql.empty() ? std::string_view(st.sql) : no_sql);
        w.member("title", st.title);
        w.end_object();
    }
    w.end_array();
    w.member("summary", p->summary);
    w.end_object();
}

// `piece`, when given, is called after each finding and statement: where the text written so
// far may be handed on (JsonReportStream::stream_text). `upload`: what an upload's envelope adds.
void file_report(JsonWriter& w, const FileReport& f, const std::function<void()>& piece = {},
                 const UploadFileExtras* upload = nullptr, std::string_view no_sql = {}) {
    const auto nth = [](const auto& list, std::size_t i) -> std::string_view {
        return i < list.size() ? std::string_view(list[i]) : std::string_view();
    };
    w.begin_object();
    // ORM scripts only (additive): which ORM, and how much of it could be read statically.
    bool orm = f.source_kind != "sql";
    if (orm) {
        const Coverage& c = f.coverage;
        w.key("coverage").begin_object();
        w.member("analysed", c.analysed).member("calls", c.calls).member("found", c.found);
        w.member("literal_calls", c.literal_calls).member("literal_parsed", c.literal_parsed);
        // Every statement pgfence could not see, not only the calls whose SQL it could not read.
        const auto unseen = std::count_if(f.statements.begin(), f.statements.end(),
                                          [](const auto& s) { return s.status == StatementStatus::Unknown; });
        w.member("unknown", std::max(c.unknown, static_cast<int>(unseen))).member("unparsable", c.unparsable);
        w.end_object();
    }
    w.key("error");
    if (f.error) w.string(f.error->message);
    else w.null();
    w.key("findings").begin_array();
    for (std::size_t i = 0; i < f.findings.size(); ++i) {
        finding(w, f.findings[i], no_sql, upload ? nth(upload->subject_sha256, i) : std::string_view());
        if (piece) piece();
    }
    w.end_array();
    w.member("path", f.path);
    plan(w, f.plan, no_sql);
    w.member("risk", risk_name(f.risk));
    if (upload) w.member("sha256", upload->sha256);
    w.key("skip_reason");
    if (f.skipped) w.string(f.skip_reason);
    else w.null();
    w.member("skipped", f.skipped);
    if (orm) w.member("source_kind", f.source_kind);
    w.key("statements").begin_array();
    for (std::size_t i = 0; i < f.statements.size(); ++i) {
        statement(w, f.statements[i], no_sql, upload ? nth(upload->context_sha256, i) : std::string_view());
        if (piece) piece();
    }
    w.end_array();
    w.key("suppressed").begin_array();
    for (std::size_t i = 0; i < f.suppressed.size(); ++i) {
        std::optional<bool> on_base;
        if (upload) on_base = i < upload->suppression_on_base.size() && upload->suppression_on_base[i];
        finding(w, f.suppressed[i], no_sql, {}, on_base);
        if (piece) piece();
    }
    w.end_array();
    // An ORM script's tool is its ORM (the conventions applied are its runner's), not "sql".
    const bool orm_script = f.source_kind != "sql" && f.source_kind != "auto";
    w.member("tool", orm_script ? std::string_view(f.source_kind) : tool_name(f.tool))
        .member("wrapped_in_transaction", f.wrapped_in_transaction);
    w.end_object();
}

}  // namespace

void JsonReportStream::begin(std::ostream& out) {
    std::string head;
    JsonWriter w(head);
    w.begin_object();
    w.member("parser_version", parser_version()).member("pg_version", m_pg_version);
    w.member("schema_version", k_json_schema_version);
    w.key("tool").begin_object();
    w.member("name", "pgfence").member("version", PGFENCE_VERSION);
    w.end_object();
    out << head << ",\n  \"files\": [";
}

namespace {

// Roughly what a file's JSON takes, so that its text grows once, not by doubling (the copies
// were a tenth of a JSON report's time): the SQL and messages, and the keys around them.
std::size_t json_size_guess(const FileReport& file) {
    std::size_t bytes = 1024 + file.path.size();
    for (const auto& s : file.statements) bytes += 1400 + s.sql.size() + s.sql.size() / 4 + 400 * s.locks.size();
    if (file.plan) {
        for (const auto& st : file.plan->steps) bytes += 200 + 3 * st.sql.size() + st.path.size() * 2;
    }
    for (const auto& f : file.findings) {
        bytes += 600 + f.message.size() + f.fix.size();
        if (!f.recipe) continue;
        bytes += 200 + f.recipe->summary.size();
        for (const auto& step : f.recipe->steps) bytes += 120 + step.title.size() + step.sql.size() + step.sql.size() / 8;
    }
    return bytes;
}

}  // namespace

// Invalid UTF-8 (a Latin-1 file) becomes U+FFFD: the document is always valid JSON. Each
// file's text starts with the comma that separates it from the one before; the first file's
// is left out when written. One piece per file: the runner guard passes it on as it is.
std::string JsonReportStream::render_text(const FileReport& file) const {
    std::string text;
    text.reserve(json_size_guess(file));
    text = ",\n    ";
    JsonWriter w(text, 4);
    file_report(w, file);
    return text;
}

void JsonReportStream::write_text(std::ostream& out, const std::string& text) {
    std::string_view piece(text);
    if (totals().files == 0) piece.remove_prefix(1);
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
}

namespace {

// A section over this is written as it is rendered: the JSON of a file of a million short
// statements is over a hundred times the file.
constexpr std::size_t k_large_section = 16u << 20;
constexpr std::size_t k_piece = 1u << 20;  // what is held of it at a time

}  // namespace

bool JsonReportStream::large(const FileReport& file) const { return json_size_guess(file) > k_large_section; }

// The same text as render_text, handed to `out` about a megabyte at a time.
void JsonReportStream::stream_text(std::ostream& out, const FileReport& file) {
    std::string text = ",\n    ";
    text.reserve(k_piece + 64 * 1024);
    bool first = totals().files == 0;
    auto hand_on = [&] {
        std::string_view piece(text);
        if (first) piece.remove_prefix(1);
        first = false;
        out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
        text.clear();
    };
    JsonWriter w(text, 4);
    file_report(w, file, [&] {
        if (text.size() >= k_piece) hand_on();
    });
    hand_on();
}

namespace {

// The report's `summary`.
void summary(JsonWriter& w, const ReportTotals& t, const std::optional<analyze::HistoryCounts>& history,
             const std::optional<analyze::HistoryCounts>& schema, const std::optional<analyze::HistoryCounts>& snapshot,
             const std::string& sizes) {
    w.begin_object();
    w.member("file_errors", t.file_errors).member("files", t.files);
    auto counts = [&](const char* key, const std::optional<analyze::HistoryCounts>& h) {
        if (!h) return;
        w.key(key).begin_object();
        w.member("files", h->files).member("skipped_files", h->skipped_files);
        w.member("skipped_statements", h->skipped_statements).member("statements", h->statements);
        w.end_object();
    };
    counts("history", history);
    counts("schema", schema);
    counts("snapshot", snapshot);
    if (!sizes.empty()) w.member("sizes", sizes);
    w.member("statements", t.statements).member("unknown", t.unknown).member("unparsable", t.unparsable);
    w.end_object();
}

}  // namespace

// `summary` comes last: its counts are known only once every file is written.
void JsonReportStream::end(std::ostream& out) {
    const ReportTotals& t = totals();
    std::string tail = t.files == 0 ? "],\n  \"summary\": " : "\n  ],\n  \"summary\": ";
    JsonWriter w(tail, 2);
    summary(w, t, history(), schema(), snapshot(), sizes());
    out << tail << "\n}\n";
}

void write_json_report(const Report& report, std::ostream& out) {
    JsonReportStream stream(report.pg_version);
    write_report(stream, report, out);
}

void write_upload_report(JsonWriter& w, const UploadReport& upload, const std::function<void()>& piece) {
    const Report& report = *upload.report;
    // The members in byte order, "files" first: the layout of the DOM the envelope once was.
    w.begin_object();
    ReportTotals totals;
    w.key("files").begin_array();
    for (std::size_t i = 0; i < report.files.size(); ++i) {
        const UploadFileExtras* extras = i < upload.files->size() ? &(*upload.files)[i] : nullptr;
        file_report(w, report.files[i], piece, extras, upload.sql_left_out);
        totals.add(report.files[i]);
        if (piece) piece();
    }
    w.end_array();
    w.member("parser_version", parser_version()).member("pg_version", report.pg_version);
    w.member("schema_version", k_json_schema_version);
    w.key("summary");
    summary(w, totals, report.history, report.schema, report.snapshot, {});
    w.key("tool").begin_object();
    w.member("name", "pgfence").member("version", PGFENCE_VERSION);
    w.end_object();
    w.end_object();
}

}  // namespace pgfence::annotate
