#include "bot/lsp_features.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "analyze/analyzer.hpp"
#include "annotate/escape.hpp"
#include "annotate/printable.hpp"
#include "annotate/rule_docs.hpp"
#include "bot/suggestions.hpp"
#include "stats/units.hpp"

namespace pgfence::bot::lsp {

using nlohmann::json;
using namespace pgfence::analyze;

namespace {

json position_json(LspPosition p) { return json{{"line", p.line}, {"character", p.character}}; }

int severity(Risk risk) {
    switch (risk) {
        case Risk::Critical:
        case Risk::High: return 1;  // Error
        case Risk::Medium: return 2;  // Warning
        case Risk::Low: return 3;  // Information
        case Risk::None: break;
    }
    return 4;  // Hint
}

json finding_diagnostic(const Analysis& a, const Finding& f) {
    // Text from the file (identifiers in messages) reaches editors that print it in terminals:
    // no control or bidirectional characters.
    std::string message = annotate::printable(f.message);
    if (!f.fix.empty()) message += "\nfix: " + annotate::printable(f.fix);
    json d = {{"range", a.range(f.start, f.stop)}, {"severity", severity(f.risk)}, {"code", f.rule},
              {"source", "pgfence"}, {"message", message}};
    if (!annotate::rule_doc(f.rule).empty()) d["codeDescription"] = {{"href", rule_url(f.rule)}};
    return d;
}

json at_start(std::string message, int severity) {
    json zero = position_json({});
    return json{{"range", {{"start", zero}, {"end", zero}}}, {"severity", severity}, {"source", "pgfence"},
                {"message", std::move(message)}};
}

const StatementFacts* statement_at(const FileReport& report, std::size_t offset) {
    const StatementFacts* found = nullptr;
    for (const auto& s : report.statements) {
        if (s.span.begin <= offset && offset <= s.span.end && s.span.end > s.span.begin) found = &s;
        if (s.span.begin > offset) break;
    }
    return found;
}

std::string lock_line(const LockFact& lock) {
    std::string line = "- **" + std::string(lock_mode_name(lock.mode)) + "** on " + annotate::md_code_span(lock.relation);
    if (!lock.kind.empty()) line += " (" + annotate::md_text(lock.kind) + ")";
    if (lock.is_new) line += ", new in this migration: blocks nobody";
    else line += ": blocks " + blocks_text(blocks_of(lock.mode));
    if (lock.conditional) line += " (taken only in some cases)";
    if (!lock.reason.empty()) line += " — " + annotate::md_text(lock.reason);
    return line + "\n";
}

std::string effect_line(std::string_view verb, const TableEffect& e) {
    std::string line = "- " + std::string(e.certain ? "" : "may ") + std::string(verb) + " " + annotate::md_code_span(e.relation);
    if (!e.reason.empty()) line += ": " + annotate::md_text(e.reason);
    return line + "\n";
}

std::string size_line(const SizeFacts& z) {
    std::string line = "- " + annotate::md_code_span(z.table.empty() ? z.relation : z.table) + ": ";
    if (z.status == "measured") {
        line += stats::format_bytes(static_cast<double>(z.total_bytes)) + " (" + annotate::md_text(z.size_class) + ")";
        if (z.blocking_seconds) {
            line += ", estimated blocking " + stats::format_seconds(*z.blocking_seconds) + " (" + annotate::md_text(z.work) +
                    " under " + annotate::md_text(z.lock) + ")";
        }
    } else if (z.status == "new") {
        line += "new in this migration";
    } else {
        line += "not in the stats snapshot";
    }
    return line + "\n";
}

json workspace_edit(const Analysis& a, const json& edits, bool document_changes) {
    if (document_changes) {
        return json{{"documentChanges", json::array({json{{"textDocument", {{"uri", a.uri}, {"version", a.version}}}, {"edits", edits}}})}};
    }
    return json{{"changes", json{{a.uri, edits}}}};
}

// The pgfence-ignore line for `rule` above `statement` (docs/configuration.md "Suppressions"):
// on a line of its own, indented like the statement; the reason is for the author to write.
json suppression_edit(const Analysis& a, const StatementFacts& statement, const std::string& rule) {
    const std::string& text = *a.text;
    std::size_t begin = std::min(statement.span.begin, text.size());
    std::size_t line_start = text.find_last_of("\r\n", begin == 0 ? std::string::npos : begin - 1);
    line_start = line_start == std::string::npos || begin == 0 ? 0 : line_start + 1;
    std::string indent = text.substr(line_start, begin - line_start);
    // The line break the file uses where the comment goes: that of the line before the
    // statement's, else the file's first (CRLF, LF or a lone CR).
    auto eol_near = [&](std::size_t at) -> std::string {
        std::size_t brk = at > 0 ? text.find_last_of("\r\n", at - 1) : std::string::npos;
        if (brk == std::string::npos) brk = text.find_first_of("\r\n");
        if (brk == std::string::npos) return "\n";
        if (text[brk] == '\n') return brk > 0 && text[brk - 1] == '\r' ? "\r\n" : "\n";
        return brk + 1 < text.size() && text[brk + 1] == '\n' ? "\r\n" : "\r";
    };
    const std::string eol = eol_near(line_start);
    const std::string comment = "-- pgfence-ignore: " + rule + " -- reason=\"<why this is safe>\"";
    const bool alone = indent.find_first_not_of(" \t") == std::string::npos;
    std::size_t at = alone ? line_start : begin;
    std::string insert = alone ? indent + comment + eol : eol + comment + eol;
    return json{{"range", a.range_of_bytes(at, at)}, {"newText", insert}};
}

}  // namespace

json Analysis::range_of_bytes(std::size_t begin, std::size_t end) const {
    return json{{"start", position_json(index->position(begin))}, {"end", position_json(index->position(std::max(begin, end)))}};
}

json Analysis::range(Position start, Position stop) const {
    if (start.line < 1) return range_of_bytes(0, 0);
    std::size_t begin = index->offset(start);
    std::size_t end = stop.line >= start.line ? index->after_character(index->offset(stop)) : begin;
    return range_of_bytes(begin, end);
}

std::string rule_url(const std::string& rule) {
    return "https://github.com/pgfence/pgfence/blob/main/docs/rules/" + annotate::percent_encode(rule, "-._~") + ".md";
}

std::unique_ptr<Analysis> analyse(const FileContext& context, const std::string& uri, long long version,
                                  std::shared_ptr<const std::string> text, Encoding encoding) {
    auto a = std::make_unique<Analysis>();
    a->uri = uri;
    a->version = version;
    a->text = std::move(text);
    a->index = std::make_unique<TextIndex>(*a->text, encoding);
    a->context_error = context.error;
    a->fail_on_unparsable = context.settings.fail_on_unparsable;
    if (context.excluded || !context.reads(*a->text)) return a;
    FileReport report = analyze_text_at(context.path, *a->text, context.settings.options);
    if (context.settings.stats) (void)context.settings.stats->apply(report, context.settings.size);
    a->report = std::move(report);
    return a;
}

json diagnostics(const Analysis& a) {
    json out = json::array();
    if (a.context_error) out.push_back(at_start("pgfence: " + *a.context_error, 1));
    if (!a.report) return out;
    const FileReport& r = *a.report;
    if (r.error) out.push_back(at_start("pgfence: " + r.error->message, 1));
    for (const auto& s : r.statements) {
        if (s.status == StatementStatus::Unparsable && s.parse_error) {
            Position start = s.parse_error->where.value_or(s.span.start);
            json d = {{"range", a.range(start, s.span.stop.line >= start.line ? s.span.stop : start)},
                      {"severity", a.fail_on_unparsable ? 1 : 2}, {"source", "pgfence"},
                      {"message", s.parse_error->message + " (statement not analysed)"}};
            out.push_back(std::move(d));
        } else if (s.unanalysable) {
            Position start = s.unanalysable->where.value_or(s.span.start);
            out.push_back(json{{"range", a.range(start, start)}, {"severity", 2}, {"source", "pgfence"},
                               {"message", s.unanalysable->message + " (SQL not visible statically; not analysed)"}});
        }
    }
    for (const auto& f : r.findings) out.push_back(finding_diagnostic(a, f));
    return out;
}

json hover(const Analysis& a, LspPosition position) {
    if (!a.report) return nullptr;
    const StatementFacts* s = statement_at(*a.report, a.index->offset(position));
    if (s == nullptr) return nullptr;
    std::string md = "**" + annotate::md_text(s->tag.empty() ? std::string("statement") : s->tag, 200) + "** · pgfence\n\n";
    if (s->status == StatementStatus::Unparsable && s->parse_error) {
        md += "Does not parse: " + annotate::md_text(s->parse_error->message, 500) + "\n";
    } else if (s->status == StatementStatus::Unknown) {
        md += "Not in pgfence's lock model: what it locks is not known.\n";
    } else if (s->locks.empty()) {
        md += "Takes no table lock.\n";
    }
    for (const auto& lock : s->locks) md += lock_line(lock);
    for (const auto& e : s->rewrites) md += effect_line("rewrites", e);
    for (const auto& e : s->scans) md += effect_line("scans", e);
    if (s->no_transaction_block) md += "- cannot run inside a transaction block\n";
    if (s->runs_user_code) md += "- runs user code: the locks taken inside it are not seen\n";
    std::set<std::string> sized;
    std::string sizes, findings;
    for (const auto& f : a.report->findings) {
        if (f.statement != s->index) continue;
        if (f.size && sized.insert(f.size->relation).second) sizes += size_line(*f.size);
        findings += "- **" + std::string(risk_name(f.risk)) + "** " + annotate::md_code_span(f.rule) + ": " +
                    annotate::md_text(f.message, 2000) + "\n";
        if (!f.fix.empty()) findings += "  fix: " + annotate::md_text(f.fix, 2000) + "\n";
    }
    if (!sizes.empty()) md += "\nFrom the stats snapshot:\n\n" + sizes;
    if (!findings.empty()) md += "\n---\n\n" + findings;
    return json{{"contents", {{"kind", "markdown"}, {"value", md}}},
                {"range", a.range_of_bytes(s->span.begin, s->span.end)}};
}

json code_lenses(const Analysis& a) {
    json out = json::array();
    if (!a.report) return out;
    for (const auto& s : a.report->statements) {
        const LockFact* lock = s.strongest_lock();
        if (lock == nullptr) continue;
        std::string title = std::string(lock_mode_name(lock->mode)) + " " + annotate::printable(lock->relation);
        if (lock->is_new) title += " (new)";
        out.push_back(json{{"range", a.range_of_bytes(s.span.begin, s.span.begin)},
                           {"command", {{"title", title}, {"command", ""}}}});
    }
    return out;
}

json code_actions(const Analysis& a, const FileContext& context, const ActionRequest& request) {
    json out = json::array();
    if (!a.report) return out;
    const FileReport& r = *a.report;
    const std::size_t from = a.index->offset(LspPosition{request.start.line, 0});
    const long long next_line = request.end.line < std::numeric_limits<long long>::max() ? request.end.line + 1 : request.end.line;
    const std::size_t to = a.index->offset(LspPosition{next_line, 0});
    std::optional<FileStart> start;  // made once, for the first edit to prove
    std::set<std::pair<int, std::string>> ignored;
    bool plan_offered = false;
    // A plan analyze declines (the runner is not known, a library's embedded migrations, a
    // comment the tool substitutes): no rewrite of the file is offered either. The edit (add
    // CONCURRENTLY) is the plan's first step; what makes the plan unprovable makes it so too
    // (fider's runner wraps each file in a transaction, which refuses CONCURRENTLY).
    const bool declined = r.plan && !r.plan->declined.empty();
    for (const auto& f : r.findings) {
        std::size_t begin = f.start.line < 1 ? 0 : a.index->offset(f.start);
        std::size_t end = f.stop.line < 1 ? begin : a.index->offset(f.stop);
        if (end < from || begin > to) continue;
        const json diagnostic = finding_diagnostic(a, f);
        if (f.edit && f.statement >= 0 && !declined) {
            if (!start) {
                start.emplace();
                start->catalog = context.settings.options.history ? *context.settings.options.history : Catalog{};
                start->text = *a.text;
                start->metadata = context.metadata;
            }
            if (proves_edit(*start, context.path, r, f, context.settings.options)) {
                json edit = {{"range", a.range_of_bytes(f.edit->begin, f.edit->end)}, {"newText", f.edit->text}};
                out.push_back(json{{"title", "pgfence: " + (f.edit->label.empty() ? f.fix : f.edit->label)},
                                   {"kind", "quickfix"}, {"isPreferred", true}, {"diagnostics", json::array({diagnostic})},
                                   {"edit", workspace_edit(a, json::array({edit}), request.document_changes)}});
            }
        }
        if (r.source_kind == "sql" && f.statement >= 0 && static_cast<std::size_t>(f.statement) < r.statements.size() &&
            ignored.emplace(f.statement, f.rule).second) {
            json edit = suppression_edit(a, r.statements[static_cast<std::size_t>(f.statement)], f.rule);
            out.push_back(json{{"title", "pgfence: ignore " + f.rule + " on this statement (say why)"}, {"kind", "quickfix"},
                               {"diagnostics", json::array({diagnostic})},
                               {"edit", workspace_edit(a, json::array({edit}), request.document_changes)}});
        }
        if (!plan_offered && r.plan && r.plan->declined.empty() && !r.plan->steps.empty()) {
            plan_offered = true;
            const std::size_t n = r.plan->steps.size();
            std::string title = "pgfence: write the migration plan (" + std::to_string(n) + (n == 1 ? " migration" : " migrations") +
                                ") to pgfence-plan/";
            out.push_back(json{{"title", title}, {"kind", "quickfix"}, {"diagnostics", json::array({diagnostic})},
                               {"command", {{"title", title}, {"command", k_write_plan_command},
                                            {"arguments", json::array({json{{"uri", a.uri}, {"version", a.version}}})}}}});
        }
    }
    return out;
}

}  // namespace pgfence::bot::lsp
