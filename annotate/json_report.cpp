#include "annotate/json_report.hpp"

#include "analyze/pg_parser.hpp"
#include "annotate/parallel.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.1.0"
#endif

namespace pgfence::annotate {
namespace {

using nlohmann::json;
using namespace pgfence::analyze;

json position(Position p) { return json{{"line", p.line}, {"column", p.column}}; }

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

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

json blocks_json(Blocks b) { return json{{"reads", b.reads}, {"writes", b.writes}, {"ddl", b.ddl}}; }

json effects(const std::vector<TableEffect>& list) {
    json out = json::array();
    for (const auto& e : list) out.push_back({{"relation", e.relation}, {"reason", e.reason}, {"certain", e.certain}});
    return out;
}

json size_json(const SizeFacts& z) {
    auto optional_number = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    return json{{"relation", z.relation},
                {"table", z.table.empty() ? json(nullptr) : json(z.table)},
                {"status", z.status},
                {"size_class", z.size_class},
                {"rows", optional_number(z.rows)},
                {"table_bytes", z.table_bytes},
                {"total_bytes", z.total_bytes},
                {"base_risk", std::string(risk_name(z.base_risk))},
                {"work", z.work.empty() ? json(nullptr) : json(z.work)},
                {"lock", z.lock.empty() ? json(nullptr) : json(z.lock)},
                {"blocking_seconds", optional_number(z.blocking_seconds)},
                {"throughput_bytes_per_second", z.throughput_bytes_per_second}};
}

json finding_json(const Finding& f) {
    json recipe = nullptr;
    if (f.recipe) {
        json steps = json::array();
        for (const auto& st : f.recipe->steps) {
            steps.push_back({{"title", st.title}, {"sql", st.sql}, {"in_transaction", st.in_transaction}});
        }
        recipe = {{"summary", f.recipe->summary}, {"steps", steps}};
    }
    json out{{"rule", f.rule},
                {"risk", std::string(risk_name(f.risk))},
                {"message", f.message},
                {"statement", f.statement >= 0 ? json(f.statement) : json(nullptr)},
                {"start", position(f.start)},
                {"end", position(f.stop)},
                {"relation", f.relation.empty() ? json(nullptr) : json(f.relation)},
                {"fix", f.fix.empty() ? json(nullptr) : json(f.fix)},
                {"pre_existing", f.pre_existing},
                {"recipe", recipe}};
    // Only with a stats snapshot (analyze --stats-file): additive, absent otherwise.
    if (f.size) out["size"] = size_json(*f.size);
    return out;
}

json statement_json(const StatementFacts& s) {
    json locks = json::array();
    Blocks all = s.blocks();
    for (const auto& l : s.locks) {
        Blocks b = blocks_of(l.mode);
        locks.push_back({{"relation", l.relation}, {"mode", std::string(lock_mode_name(l.mode))},
                         {"kind", l.kind}, {"new", l.is_new}, {"cascades", l.cascades},
                         {"reason", l.reason}, {"blocks", blocks_json(b)}});
    }
    json rewrites = json::array();
    for (const auto& r : s.rewrites) rewrites.push_back(r.relation);
    json parse_error = nullptr;
    if (s.parse_error) {
        parse_error = {{"message", s.parse_error->message},
                       {"line", s.parse_error->where ? s.parse_error->where->line : s.span.start.line},
                       {"column", s.parse_error->where ? s.parse_error->where->column : s.span.start.column}};
    }
    return json{
        {"index", s.index},
        {"span", {{"start", position(s.span.start)}, {"end", position(s.span.stop)},
                  {"offset", s.span.begin}, {"length", s.span.end - s.span.begin}}},
        {"sql", s.sql},
        {"kind", s.kind.empty() ? json(nullptr) : json(s.kind)},
        {"tag", s.tag.empty() ? json(nullptr) : json(s.tag)},
        {"status", std::string(status_name(s.status))},
        {"risk", std::string(risk_name(s.risk))},
        {"parse_error", parse_error},
        {"locks", locks},
        {"blocks", blocks_json(all)},
        {"rewrites", rewrites},
        {"rewrite_details", effects(s.rewrites)},
        {"scans", effects(s.scans)},
        {"transaction", {{"state", std::string(transaction_name(s.transaction))},
                         {"savepoint_depth", s.savepoint_depth},
                         {"no_transaction_block", s.no_transaction_block}}},
        {"settings", {{"lock_timeout", optional_string(s.settings.lock_timeout)},
                      {"statement_timeout", optional_string(s.settings.statement_timeout)},
                      {"idle_in_transaction_session_timeout", optional_string(s.settings.idle_in_transaction_session_timeout)},
                      {"application_name", optional_string(s.settings.application_name)}}},
        {"runs_user_code", s.runs_user_code},
        {"notes", s.notes},
    };
}

}  // namespace

namespace {

struct Totals {
    std::size_t statements = 0, unparsable = 0, unknown = 0, errors = 0;
};

json file_json(const FileReport& f, Totals& totals) {
    json list = json::array();
    for (const auto& s : f.statements) {
        ++totals.statements;
        if (s.status == StatementStatus::Unparsable) ++totals.unparsable;
        if (s.status == StatementStatus::Unknown) ++totals.unknown;
        list.push_back(statement_json(s));
        // ORM scripts only (additive): a call whose SQL cannot be known statically.
        if (s.unanalysable) {
            list.back()["unanalysable"] = {{"message", s.unanalysable->message},
                                           {"line", s.unanalysable->where ? s.unanalysable->where->line : s.span.start.line},
                                           {"column", s.unanalysable->where ? s.unanalysable->where->column : s.span.start.column}};
        }
    }
    if (f.error) ++totals.errors;
    json findings = json::array();
    for (const auto& finding : f.findings) findings.push_back(finding_json(finding));
    json suppressed = json::array();
    for (const auto& finding : f.suppressed) suppressed.push_back(finding_json(finding));
    json out{{"path", f.path}, {"tool", std::string(tool_name(f.tool))},
                {"risk", std::string(risk_name(f.risk))},
                {"findings", findings},
                {"suppressed", suppressed},
                {"wrapped_in_transaction", f.wrapped_in_transaction}, {"skipped", f.skipped},
                {"skip_reason", f.skipped ? json(f.skip_reason) : json(nullptr)},
                {"error", f.error ? json(f.error->message) : json(nullptr)},
                {"statements", list}};
    // ORM scripts only (additive): which ORM, and how much of it could be read statically.
    if (f.source_kind != "sql") {
        const Coverage& c = f.coverage;
        out["source_kind"] = f.source_kind;
        out["coverage"] = {{"found", c.found}, {"analysed", c.analysed}, {"unknown", c.unknown},
                           {"unparsable", c.unparsable}, {"calls", c.calls}, {"literal_calls", c.literal_calls},
                           {"literal_parsed", c.literal_parsed}};
    }
    return out;
}

json header_json(const Report& report, const Totals& totals) {
    return json{{"schema_version", k_json_schema_version},
                {"tool", {{"name", "pgfence"}, {"version", PGFENCE_VERSION}}},
                {"pg_version", report.pg_version},
                {"parser_version", parser_version()},
                {"summary", {{"files", report.files.size()}, {"statements", totals.statements},
                             {"unparsable", totals.unparsable}, {"unknown", totals.unknown},
                             {"file_errors", totals.errors}}}};
}

}  // namespace

json report_to_json(const Report& report) {
    Totals totals;
    json files = json::array();
    for (const auto& f : report.files) files.push_back(file_json(f, totals));
    json out = header_json(report, totals);
    out["files"] = std::move(files);
    return out;
}

void write_json_report(const Report& report, std::ostream& out) {
    // One file's tree at a time: the whole document never sits in memory at once.
    Totals totals;
    for (const auto& f : report.files) {
        for (const auto& s : f.statements) {
            ++totals.statements;
            totals.unparsable += s.status == StatementStatus::Unparsable;
            totals.unknown += s.status == StatementStatus::Unknown;
        }
        totals.errors += f.error.has_value();
    }
    // A file that is not UTF-8 must not end the document half-way: invalid bytes become U+FFFD.
    std::string head = header_json(report, totals).dump(2, ' ', false, json::error_handler_t::replace);
    head.pop_back();  // the closing brace: "files" follows
    while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
    out << head << ",\n  \"files\": [";
    auto texts = render_each<FileReport>(report.files, [](const FileReport& file, std::size_t) {
        Totals unused;
        std::string text = file_json(file, unused).dump(2, ' ', false, json::error_handler_t::replace);
        std::string indented = "\n    ";
        for (char c : text) {
            indented += c;
            if (c == '\n') indented += "    ";
        }
        return indented;
    });
    for (std::size_t i = 0; i < texts.size(); ++i) out << (i == 0 ? "" : ",") << texts[i];
    out << (report.files.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

}  // namespace pgfence::annotate
