#include "annotate/terminal.hpp"

#include "annotate/printable.hpp"
#include "analyze/parse/source_text.hpp"

#include <optional>

#include <algorithm>
#include <concepts>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgfence::annotate {
namespace {

using namespace pgfence::analyze;

// One line of SQL, whitespace folded, cut to `width` characters (UTF-8 aware). Folds only as
// much as is shown: a long statement is not copied whole.
std::string one_line(const std::string& sql, int width) {
    std::string out;
    int chars = 0;
    // Appends one byte of the folded text; false once it would start character width + 1.
    auto push = [&](char c) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++chars > width) return false;
        out += c;
        return true;
    };
    bool space = false;
    for (char c : sql) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if ((space && !push(' ')) || !push(c)) {
            // "..." keeps the width; the cut never splits a code point.
            int drop = 0;
            while (!out.empty() && drop < 3) {
                while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
                if (!out.empty()) out.pop_back();
                ++drop;
            }
            return out + "...";
        }
        space = false;
    }
    return out;
}

int display_width(const std::string& s) {
    int n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string pad(const std::string& s, int width) {
    int w = display_width(s);
    return w >= width ? s + " " : s + std::string(static_cast<std::size_t>(width - w), ' ');
}

// A file's section, built with the << of a stream but none of its costs (a locale, a sentry
// and a virtual call per piece): most of a text report's time went there.
// A section's text. With a sink (a large file, TerminalStream::stream_text), what is written
// so far is handed on at each piece() once it reaches about a megabyte.
struct Text {
    std::string s;
    std::ostream* sink = nullptr;
    static constexpr std::size_t k_piece = 1u << 20;
    void piece() {
        if (sink == nullptr || s.size() < k_piece) return;
        sink->write(s.data(), static_cast<std::streamsize>(s.size()));
        s.clear();
    }
    Text& operator<<(std::string_view piece) {
        s.append(piece);
        return *this;
    }
    Text& operator<<(char c) {
        s.push_back(c);
        return *this;
    }
    template <std::integral N>
    Text& operator<<(N n) {
        s += std::to_string(n);
        return *this;
    }
};

struct Paint {
    bool on;
    std::string operator()(const std::string& text, const char* code) const {
        return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
    }
};

const char* mode_color(LockMode m) {
    Blocks b = blocks_of(m);
    if (b.reads) return "1;31";
    if (b.writes) return "33";
    return "32";
}

std::string lock_cell(const StatementFacts& s) {
    const LockFact* l = s.strongest_lock();
    if (l == nullptr) return "-";
    std::string out = std::string(lock_mode_name(l->mode)) + " " + l->relation;
    if (l->is_new) out += " (new)";
    std::size_t others = s.locks.size() - 1;
    if (others > 0) out += " +" + std::to_string(others);
    return out;
}

std::string rewrite_cell(const StatementFacts& s) {
    std::string out;
    for (const auto& r : s.rewrites) {
        if (!out.empty()) out += ", ";
        out += r.relation + (r.certain ? "" : "?");
    }
    if (out.empty()) {
        for (const auto& sc : s.scans) {
            if (!out.empty()) out += ", ";
            out += "scan " + sc.relation;
        }
    }
    return out.empty() ? "-" : out;
}

const char* risk_color(Risk r) {
    switch (r) {
        case Risk::Critical: return "1;31";
        case Risk::High: return "31";
        case Risk::Medium: return "33";
        default: return "36";
    }
}

// Each line indented on its own: a line break of any kind (\r\n, \n, a lone \r, which would
// return the cursor over what is shown) starts the next one.
void sql_lines(std::string_view sql, std::string_view indent, Text& out) {
    const bool has_cr = sql.find('\r') != std::string_view::npos;  // else one memchr per line
    while (!sql.empty()) {
        std::size_t eol = has_cr ? sql.find_first_of("\r\n") : sql.find('\n');
        out << indent << "  " << sql.substr(0, eol) << "\n";
        if (eol == std::string_view::npos) break;
        sql.remove_prefix(sql.compare(eol, 2, "\r\n") == 0 ? eol + 2 : eol + 1);
    }
}

// The file's migration plan: each migration's title, where the tool wants it, and its SQL.
void render_plan(const Plan& plan, Text& out, const Paint& paint) {
    if (!plan.declined.empty()) {
        out << "\n  " << paint("plan", "1") << ": none offered: " << plan.declined << "\n";
        return;
    }
    out << "\n  " << paint("plan", "1") << ": " << plan.summary << "\n";
    constexpr std::string_view indent = "    ";
    for (const auto& step : plan.steps) {
        out << indent << "-- " << step.title << "  -> " << step.path << "\n";
        sql_lines(step.sql, indent, out);
    }
    for (const auto& note : plan.notes) out << indent << "note: " << note << "\n";
}

// Why a file with MEDIUM or higher findings has no plan and no safe rewrite to show (the plan is
// composed only for a finding with a safe rewrite, or a HIGH one: analyze/plan.cpp plan_wanted),
// in one line; "" when it has a plan, a rewrite, or nothing that would want one.
std::string unplanned_reason(const FileReport& file) {
    if (file.plan) return {};
    std::vector<std::string> rules;
    for (const auto& f : file.findings) {
        if (f.recipe) return {};
        if (f.risk < Risk::Medium || std::find(rules.begin(), rules.end(), f.rule) != rules.end()) continue;
        rules.push_back(f.rule);
    }
    if (rules.empty()) return {};
    std::string list;
    for (std::size_t i = 0; i < rules.size() && i < 3; ++i) list += (i ? ", " : "") + rules[i];
    if (rules.size() > 3) list += ", ...";
    return "no finding here (" + list + ") has a safe rewrite to write as migrations: follow each `fix:`";
}

// One line per exemption (a comment with a reason, owner or expiry that hid findings), the
// other suppressed findings counted.
void render_suppressed(const FileReport& file, Text& out) {
    std::size_t plain = 0;
    std::vector<std::pair<int, std::string>> listed;  // comment line, rule: once each
    for (const auto& f : file.suppressed) {
        if (!f.suppressed_by || !f.suppressed_by->exemption()) {
            ++plain;
            continue;
        }
        const SuppressedBy& by = *f.suppressed_by;
        std::pair<int, std::string> key{by.line, f.rule};
        if (std::find(listed.begin(), listed.end(), key) != listed.end()) continue;
        listed.push_back(key);
        out << "  exempt: " << f.rule << " (line " << by.line << ")";
        if (!by.owner.empty()) out << " owner " << by.owner;
        if (!by.until.empty()) out << " until " << by.until;
        if (!by.reason.empty()) out << ": " << by.reason;
        out << "\n";
    }
    if (plain > 0) out << "  (" << plain << " suppressed by pgfence-ignore)\n";
}

void render_findings(const FileReport& file, Text& out, const Paint& paint) {
    if (file.findings.empty()) {
        if (!file.suppressed.empty()) out << "\n";
        render_suppressed(file, out);
        return;
    }
    constexpr std::string_view indent = "                   ";  // 19: the message column
    out << "\n  findings:\n";
    for (const auto& f : file.findings) {
        out.piece();
        std::string where = std::to_string(f.start.line) + ":" + std::to_string(f.start.column);
        out << "  " << pad(where, 8) << paint(pad(std::string(risk_name(f.risk)), 9), risk_color(f.risk))
            << f.rule << "\n" << indent << f.message << "\n";
        if (!f.fix.empty()) out << indent << "fix: " << f.fix << "\n";
        // With a plan, the plan is what to paste; a finding's own recipe is shown only without one.
        if (!f.recipe || file.plan) continue;
        out << indent << "safe rewrite: " << f.recipe->summary << "\n";
        for (const auto& step : f.recipe->steps) {
            out << indent << "  -- " << step.title << (step.in_transaction ? "" : " (outside a transaction)") << "\n";
            sql_lines(step.sql, indent, out);
        }
    }
    render_suppressed(file, out);
    if (file.plan) render_plan(*file.plan, out, paint);
    else if (std::string why = unplanned_reason(file); !why.empty()) out << "\n  " << paint("plan", "1") << ": none offered: " << why << "\n";
}

// Calls fn(text, keep_line_breaks) on every string of a file's report that came from the
// input and is shown whole (file names, parser messages, names and SQL in findings). `File` is FileReport, const or not.
template <class File, class Fn>
void each_input_string(File& f, Fn&& fn) {
    fn(f.path, false);
    fn(f.skip_reason, false);
    if (f.error) fn(f.error->message, false);
    for (auto& s : f.statements) {
        // A statement's SQL is shown as one folded line, which render_file cleans itself.
        if (s.parse_error) fn(s.parse_error->message, false);
        for (auto& l : s.locks) fn(l.relation, false);
        for (auto& e : s.rewrites) fn(e.relation, false);
        for (auto& e : s.scans) fn(e.relation, false);
    }
    for (auto* findings : {&f.findings, &f.suppressed}) {
        for (auto& x : *findings) {
            fn(x.message, false);
            fn(x.fix, false);
            fn(x.relation, false);
            if (x.suppressed_by) fn(x.suppressed_by->reason, false);
            if (!x.recipe) continue;
            fn(x.recipe->summary, false);
            for (auto& step : x.recipe->steps) {
                fn(step.title, false);
                fn(step.sql, true);
            }
        }
    }
    if (f.plan) {
        fn(f.plan->summary, false);
        fn(f.plan->declined, false);
        for (auto& note : f.plan->notes) fn(note, false);
        for (auto& step : f.plan->steps) {
            fn(step.title, false);
            fn(step.path, false);
            fn(step.sql, true);
        }
    }
}


// --- The compact form -------------------------------------------------------------------

// Code points of `s` (UTF-8), each as its bytes.
std::vector<std::string_view> code_points(std::string_view s) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

// `text` (one paragraph) as lines of at most `width` columns, each after `indent`; words
// longer than a line are cut. A `code span` that fits on a line is kept whole (broken inside, it
// reads as other code: "`--" on one line and "pgfence-ignore`" on the next); one longer than a
// line is broken at its spaces.
void wrapped(std::string_view text, std::string_view indent, int width, Text& out) {
    const int room = std::max(20, width - static_cast<int>(indent.size()));
    std::string line;
    int used = 0;
    auto flush = [&] {
        out << indent << line << "\n";
        line.clear();
        used = 0;
    };
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && text[at] == ' ') ++at;
        if (at >= text.size()) break;
        std::size_t end = text.find(' ', at);
        if (end == std::string_view::npos) end = text.size();
        if (std::count(text.begin() + static_cast<std::ptrdiff_t>(at), text.begin() + static_cast<std::ptrdiff_t>(end), '`') % 2 == 1) {
            // The word opens a code span: up to the word that closes it, when that fits a line.
            std::size_t close = text.find('`', end);
            if (close != std::string_view::npos) {
                std::size_t span_end = text.find(' ', close);
                if (span_end == std::string_view::npos) span_end = text.size();
                if (static_cast<int>(code_points(text.substr(at, span_end - at)).size()) <= room) end = span_end;
            }
        }
        auto word = code_points(text.substr(at, end - at));
        at = end;
        int w = static_cast<int>(word.size());
        if (used > 0 && used + 1 + w > room) flush();
        if (used > 0) {
            line += ' ';
            ++used;
        }
        for (auto cp : word) {
            if (used >= room) flush();
            line.append(cp);
            ++used;
        }
    }
    if (used > 0 || line.empty()) flush();
}

// The finding's source line and a caret under its column, as compilers print them:
//       5 | ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
//         |                       ^
// From the statement's own text (a SQL file's bytes); for an ORM script, whose statement is the
// SQL its call sends, from the script's lines that hold it (ScriptCall::source).
void source_excerpt(const FileReport& file, const Finding& f, int width, Text& out, const Paint& paint) {
    if (f.statement < 0 || static_cast<std::size_t>(f.statement) >= file.statements.size()) return;
    const StatementFacts& s = file.statements[static_cast<std::size_t>(f.statement)];
    const bool script = file.source_kind != "sql";
    if (script && static_cast<std::size_t>(f.statement) >= file.script_calls.size()) return;
    int k = f.start.line - s.span.start.line;
    if (k < 0 || f.start.line <= 0) return;
    std::string_view sql = script ? std::string_view(file.script_calls[static_cast<std::size_t>(f.statement)].source) : std::string_view(s.sql);
    if (sql.empty()) return;
    for (int i = 0; i < k; ++i) {
        std::size_t eol = sql.find('\n');
        if (eol == std::string_view::npos) return;
        sql.remove_prefix(eol + 1);
    }
    std::string line(sql.substr(0, sql.find('\n')));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (char& c : line) c = c == '\t' ? ' ' : c;
    if (!is_printable(line, false)) line = printable(line, false);
    // On the statement's first line its text starts at its own column: what comes before it
    // there (another statement, a tab) is not in the report, and is shown as spaces.
    if (!script && k == 0 && s.span.start.column > 1 && s.span.start.column < 10000) line.insert(0, static_cast<std::size_t>(s.span.start.column - 1), ' ');
    int caret = f.start.column - 1;
    auto points = code_points(line);
    if (caret < 0 || caret > static_cast<int>(points.size())) caret = 0;
    std::string number = std::to_string(f.start.line);
    std::string gutter = std::string(number.size() < 5 ? 5 - number.size() : 0, ' ') + number + " | ";
    std::string blank = std::string(gutter.size() - 2, ' ') + "| ";
    const int room = std::max(20, width - static_cast<int>(gutter.size()));
    // A line wider than the room: a window of it that holds the caret, cut ends marked "...".
    std::size_t from = 0, to = points.size();
    if (static_cast<int>(points.size()) > room) {
        if (caret < room - 3) {
            to = static_cast<std::size_t>(room - 3);
        } else {
            from = static_cast<std::size_t>(caret - (room - 6) / 2);
            to = std::min(points.size(), from + static_cast<std::size_t>(room - 6));
        }
    }
    std::string shown = from > 0 ? "..." : "";
    for (std::size_t i = from; i < to; ++i) shown.append(points[i]);
    if (to < points.size()) shown += "...";
    int at = caret - static_cast<int>(from) + (from > 0 ? 3 : 0);
    out << gutter << shown << "\n" << blank << std::string(static_cast<std::size_t>(std::max(0, at)), ' ') << paint("^", "1;32") << "\n";
}

void render_compact(const FileReport& file, Text& out, const TerminalOptions& options) {
    Paint paint{options.color};
    const int width = options.width;
    auto where = [&](const Position& p) { return file.path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": "; };
    if (file.error) {
        wrapped(file.path + ": error: " + file.error->message, "", width, out);
        return;
    }
    if (file.skipped) {
        wrapped(file.path + ": skipped: " + file.skip_reason, "", width, out);
        return;
    }
    for (const auto& s : file.statements) {
        if (s.status != StatementStatus::Unparsable) continue;
        Position p = s.parse_error && s.parse_error->where ? *s.parse_error->where : s.span.start;
        wrapped(where(p) + paint("unparsable", "35") + ": " + (s.parse_error ? s.parse_error->message : std::string("parse error")), "",
                width, out);
    }
    for (const auto& f : file.findings) {
        out.piece();
        std::string head = where(f.start) + std::string(risk_name(f.risk)) + " " + f.rule;
        if (static_cast<int>(code_points(head).size()) <= width) {
            out << paint(where(f.start), "1") << paint(std::string(risk_name(f.risk)), risk_color(f.risk)) << " " << f.rule << "\n";
        } else {
            wrapped(head, "", width, out);
        }
        wrapped(f.message, "  ", width, out);
        source_excerpt(file, f, width, out, paint);
        if (!f.fix.empty()) wrapped("fix: " + f.fix, "  ", width, out);
        out << "\n";
    }
    for (const auto& f : file.suppressed) {
        if (!f.suppressed_by || !f.suppressed_by->exemption()) continue;
        const SuppressedBy& by = *f.suppressed_by;
        std::string text = file.path + ":" + std::to_string(by.line) + ": exempt: " + f.rule;
        if (!by.owner.empty()) text += " owner " + by.owner;
        if (!by.until.empty()) text += " until " + by.until;
        if (!by.reason.empty()) text += ": " + by.reason;
        wrapped(text, "", width, out);
    }
    if (std::string why = unplanned_reason(file); !why.empty()) {
        wrapped(file.path + ": plan: none offered: " + why, "", width, out);
        out << "\n";
    }
    if (file.plan && !file.findings.empty()) {
        if (!file.plan->declined.empty()) {
            wrapped(file.path + ": plan: none offered: " + file.plan->declined, "", width, out);
        } else {
            wrapped(file.path + ": plan: " + file.plan->summary + " (the files: --format plan -o DIR; the SQL: --verbose)", "", width, out);
        }
        out << "\n";
    }
}

// One file's table and findings.
void render_file(const FileReport& input, Text& out, const TerminalOptions& options) {
    // Copy the report only in the rare case that some input string needs cleaning.
    bool clean = true;
    each_input_string(input, [&](const std::string& text, bool keep) { clean = clean && is_printable(text, keep); });
    std::optional<FileReport> cleaned;
    if (!clean) {
        cleaned = input;
        each_input_string(*cleaned, [](std::string& text, bool keep) { text = printable(text, keep); });
    }
    const FileReport& file = cleaned ? *cleaned : input;
    if (options.compact) {
        render_compact(file, out, options);
        return;
    }
    Paint paint{options.color};
    std::string header = file.path;
    std::string detail = file.source_kind != "sql" ? file.source_kind : std::string(tool_name(file.tool));
    if (file.wrapped_in_transaction) detail += ", runs in one transaction";
    // The set's one transaction (node-pg-migrate, Flyway group=true, TypeORM, drizzle, psql -1).
    if (file.wrapped_in_transaction && !file.deployment_transaction.empty()) {
        detail += " with the files before and after it (" + file.deployment_transaction + ")";
    }
    out << paint(header, "1") << "  (" << detail << ")\n";
    if (file.error) {
        out << "  error: " << file.error->message << "\n\n";
        return;
    }
    if (file.skipped) {
        out << "  skipped: " << file.skip_reason << "\n\n";
        return;
    }
    if (file.not_a_file || (file.statements.empty() && !file.findings.empty())) {
        // A link or submodule: nothing was read, its finding (migration-not-a-file) is the report;
        // so are a changed settings file's (migration-tool-settings-changed).
        render_findings(file, out, paint);
        out << "\n";
        return;
    }
    if (file.statements.empty()) {
        out << "  no statements\n\n";
        return;
    }
    out << "  " << pad("line", 8) << pad("statement", options.sql_width + 1) << pad("lock", 40)
        << pad("blocks", 20) << "rewrite/scan\n";
    for (const auto& s : file.statements) {
        out.piece();
        std::string where = std::to_string(s.span.start.line) + ":" + std::to_string(s.span.start.column);
        std::string shown = one_line(s.sql, options.sql_width);
        if (!is_printable(shown, false)) shown = printable(shown, false);
        std::string sql = pad(shown, options.sql_width + 1);
        if (s.status == StatementStatus::Unparsable) {
            Position p = s.parse_error && s.parse_error->where ? *s.parse_error->where : s.span.start;
            out << "  " << pad(where, 8) << sql
                << paint("unparsable: " + (s.parse_error ? s.parse_error->message : std::string("parse error")) +
                             " (" + std::to_string(p.line) + ":" + std::to_string(p.column) + ")",
                         "35")
                << "\n";
            continue;
        }
        const LockFact* strongest = s.strongest_lock();
        std::string lock = pad(lock_cell(s), 40);
        if (strongest) lock = paint(lock, mode_color(strongest->mode));
        std::string blocks = blocks_text(s.blocks());
        out << "  " << pad(where, 8) << sql << lock << pad(blocks, 20) << rewrite_cell(s);
        if (s.status == StatementStatus::Unknown) {
            out << "  " << paint("unknown to the lock model", "35");
        }
        if (s.no_transaction_block && s.transaction != Transaction::None) {
            out << "  " << paint("cannot run inside a transaction block", "1;31");
        }
        out << "\n";
    }
    if (file.source_kind != "sql") {
        const Coverage& c = file.coverage;
        // Unknown: every statement pgfence could not see, not only the calls whose SQL it could not read.
        const auto unseen = std::count_if(file.statements.begin(), file.statements.end(),
                                          [](const auto& s) { return s.status == StatementStatus::Unknown; });
        // The unknown ones once they are some: "0 unknown" is the summary's to say, once.
        const long unknown = std::max<long>(c.unknown, static_cast<long>(unseen));
        out << "  coverage: " << c.analysed << "/" << c.found << " statements analysed";
        if (unknown > 0) out << " (" << unknown << " unknown)";
        out << "\n";
    }
    render_findings(file, out, paint);
    out << "\n";
}

}  // namespace

// About the size of a file's section, reserved up front: a section grows by doubling
// otherwise, each time into fresh pages (a page fault each, dear on a virtual machine).
std::size_t text_size_guess(const FileReport& file, std::size_t sql_width) {
    std::size_t bytes = 256 + 2 * file.path.size();
    bytes += file.statements.size() * (100 + sql_width);
    if (file.plan) {
        for (const auto& step : file.plan->steps) bytes += 64 + step.title.size() + step.path.size() + step.sql.size() + step.sql.size() / 8;
    }
    for (const auto& f : file.findings) {
        bytes += 80 + f.rule.size() + f.message.size() + f.fix.size();
        if (!f.recipe || file.plan) continue;
        bytes += 40 + f.recipe->summary.size();
        for (const auto& step : f.recipe->steps) {
            bytes += 64 + step.title.size() + step.sql.size() + step.sql.size() / 4;
        }
    }
    return bytes;
}

std::string TerminalStream::render_text(const FileReport& file) const {
    Text section;
    section.s.reserve(text_size_guess(file, m_options.sql_width));
    render_file(file, section, m_options);
    return std::move(section.s);
}

bool TerminalStream::large(const FileReport& file) const {
    return text_size_guess(file, m_options.sql_width) > (16u << 20);
}

// The same text as render_text, handed to `out` about a megabyte at a time.
void TerminalStream::stream_text(std::ostream& out, const FileReport& file) {
    Text section;
    section.sink = &out;
    section.s.reserve(Text::k_piece + 64 * 1024);
    render_file(file, section, m_options);
    out.write(section.s.data(), static_cast<std::streamsize>(section.s.size()));
}

void TerminalStream::end(std::ostream& out) {
    const ReportTotals& t = totals();
    if (m_options.compact) {
        end_compact(out, t);
        return;
    }
    std::size_t total = t.findings[1] + t.findings[2] + t.findings[3] + t.findings[4];
    out << "findings: " << total;
    if (total > 0) {
        out << " (";
        bool first = true;
        for (int r = 4; r >= 1; --r) {
            if (t.findings[static_cast<std::size_t>(r)] == 0) continue;
            out << (first ? "" : ", ") << t.findings[static_cast<std::size_t>(r)] << " " << risk_name(static_cast<Risk>(r));
            first = false;
        }
        out << "), highest risk " << risk_name(t.worst);
    }
    out << "\n";
    auto statements = [](std::size_t n) { return n == 1 ? " statement" : " statements"; };
    out << "summary: " << t.files << (t.files == 1 ? " file, " : " files, ") << t.statements << statements(t.statements) << ", "
        << t.unparsable << " unparsable, " << t.unknown << " unknown to the lock model\n";
    auto counts = [&](const char* label, const std::optional<analyze::HistoryCounts>& h) {
        if (!h) return;
        out << label << ": " << h->files << (h->files == 1 ? " file, " : " files, ") << h->statements
            << statements(h->statements) << " replayed; skipped " << h->skipped_statements << statements(h->skipped_statements)
            << " (unparsable or unknown to the lock model), " << h->skipped_files << (h->skipped_files == 1 ? " file\n" : " files\n");
    };
    counts("history", history());
    counts("schema", schema());
    counts("snapshot", snapshot());
    if (!m_options.target.empty()) out << m_options.target << "\n";
    if (!sizes().empty()) out << "sizes: " << sizes() << "\n";
}

// The compact form's closing lines, each within the width.
void TerminalStream::end_compact(std::ostream& out, const ReportTotals& t) const {
    Text text;
    std::size_t total = t.findings[1] + t.findings[2] + t.findings[3] + t.findings[4];
    std::string line = std::to_string(total) + (total == 1 ? " finding" : " findings");
    if (total > 0) {
        line += " (";
        bool first = true;
        for (int r = 4; r >= 1; --r) {
            if (t.findings[static_cast<std::size_t>(r)] == 0) continue;
            line += (first ? "" : ", ") + std::to_string(t.findings[static_cast<std::size_t>(r)]) + " " + std::string(risk_name(static_cast<Risk>(r)));
            first = false;
        }
        line += ")";
    }
    auto count = [](std::size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); };
    line += " in " + count(t.files, "file", "files") + ", " + count(t.statements, "statement", "statements");
    if (t.unparsable > 0) line += ", " + std::to_string(t.unparsable) + " unparsable";
    if (t.unknown > 0) line += ", " + std::to_string(t.unknown) + " unknown to the lock model";
    wrapped(line, "", m_options.width, text);
    auto counts = [&](const char* label, const std::optional<analyze::HistoryCounts>& h) {
        if (!h) return;
        std::string said = std::string(label) + ": " + count(h->files, "file", "files") + ", " +
                           count(h->statements, "statement", "statements") + " replayed";
        if (h->skipped_statements > 0 || h->skipped_files > 0) {
            said += " (skipped: " + count(h->skipped_statements, "statement", "statements") + ", " +
                    count(h->skipped_files, "file", "files") + ")";
        }
        wrapped(said, "", m_options.width, text);
    };
    counts("history", history());
    counts("schema", schema());
    counts("snapshot", snapshot());
    if (!m_options.target.empty()) wrapped(m_options.target, "", m_options.width, text);
    if (!sizes().empty()) wrapped("sizes: " + sizes(), "", m_options.width, text);
    out << text.s;
}

void render_terminal(const Report& report, std::ostream& out, const TerminalOptions& options) {
    TerminalStream stream(options);
    write_report(stream, report, out);
}

}  // namespace pgfence::annotate
