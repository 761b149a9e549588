#include <algorithm>
#include <ostream>

#include "annotate/printable.hpp"
#include "trace/render.hpp"
#include "trace/proof_scope.hpp"

namespace pgfence::trace {
namespace {

// Text from the migration or the server (SQL, names, PostgreSQL's messages): one line, no
// control bytes. What reads the output (a terminal, the runner) acts on neither.
std::string shown(const std::string& text) { return annotate::printable(text); }

std::string first_line(const std::string& sql) {
    std::string out = sql.substr(0, sql.find('\n'));
    if (out.size() > 72) out = out.substr(0, 69) + "...";
    if (out.size() < sql.size() && !out.ends_with("...")) out += " ...";
    return out;
}

std::string label(Verdict v) {
    switch (v) {
        case Verdict::Confirmed: return "CONFIRMED";
        case Verdict::Mismatch: return "MISMATCH";
        case Verdict::TraceOnly: return "TRACE-ONLY";
        case Verdict::StaticOnly: return "STATIC-ONLY";
        case Verdict::Error: return "ERROR";
        case Verdict::Skipped: return "SKIPPED";
        case Verdict::NeedsSuperuser: return "NOT-TRACED";
    }
    return "?";
}

const char* colour(Verdict v) {
    switch (v) {
        case Verdict::Confirmed: return "\x1b[32m";
        case Verdict::Mismatch:
        case Verdict::Error: return "\x1b[31m";
        case Verdict::TraceOnly: return "\x1b[33m";
        default: return "\x1b[2m";
    }
}

}  // namespace

void render_trace_text(const TraceReport& report, std::ostream& out, const TextOptions& options) {
    for (const auto& f : report.files) {
        out << shown(f.path) << "\n";
        if (f.error) {
            out << "  error: " << shown(f.error->describe()) << "\n";
            continue;
        }
        if (f.statements.empty()) out << "  (no statements)\n";
        for (const auto& s : f.statements) {
            std::string where = std::to_string(s.start.line) + ":" + std::to_string(s.start.column);
            std::string tag = label(s.verdict);
            out << "  " << where << std::string(where.size() < 7 ? 7 - where.size() : 1, ' ');
            if (options.color) out << colour(s.verdict) << tag << "\x1b[0m";
            else out << tag;
            out << std::string(tag.size() < 12 ? 12 - tag.size() : 1, ' ') << shown(first_line(s.sql));
            if (s.risk != analyze::Risk::None) out << "  [" << analyze::risk_name(s.risk) << "]";
            out << "\n";
            const std::string pad = "           ";
            if (!s.note.empty()) out << pad << shown(s.note) << "\n";
            if (s.verdict == Verdict::Error || s.verdict == Verdict::NeedsSuperuser) {
                // The server's message line by line, its later lines (LINE n: ..., the caret)
                // under its first.
                std::string message = annotate::printable(s.error, true);
                std::string first = message.substr(0, message.find('\n'));
                out << pad << "PostgreSQL: " << first << (s.sqlstate.empty() ? "" : " (SQLSTATE " + shown(s.sqlstate) + ")") << "\n";
                for (std::size_t at = message.find('\n'); at != std::string::npos;) {
                    std::size_t next = message.find('\n', at + 1);
                    out << pad << "            " << message.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1) << "\n";
                    at = next;
                }
                continue;
            }
            if (!s.executed) continue;
            bool detailed = options.verbose || s.verdict == Verdict::Mismatch || s.verdict == Verdict::TraceOnly;
            if (detailed) {
                out << pad << "predicted: " << (s.comparison.predicted.empty() ? "no locks" : shown(s.comparison.predicted)) << "\n";
                out << pad << "observed:  " << (s.comparison.observed.empty() ? "no locks" : shown(s.comparison.observed))
                    << (s.outside_transaction ? " (autocommit)" : "") << "\n";
            } else if (!s.comparison.observed.empty()) {
                out << pad << "locks: " << shown(s.comparison.observed) << "\n";
            }
            for (const auto& d : s.comparison.differences) out << pad << "- " << shown(d.text) << "\n";
            for (const auto& u : s.comparison.uncertain) out << pad << "  (uncertain: " << shown(u) << ")\n";
            if (options.verbose || detailed) {
                for (const auto& c : s.changes) out << pad << "  " << shown(c.text()) << "\n";
            }
        }
    }
    for (const auto& p : report.plans) {
        out << "plan of " << shown(p.path) << ": " << shown(p.summary) << "\n";
        for (const auto& seeded : p.seeded) out << "  rows: " << shown(seeded) << "\n";
        for (const auto& st : p.steps) {
            out << "  " << (st.ok ? "ok      " : "FAILED  ") << shown(st.title) << " -> " << shown(st.path) << "\n";
            out << "          " << shown(st.outcome) << "\n";
            if (!st.table.empty()) {
                out << "          writer and reader on " << shown(st.table) << ": " << st.writes << " writes, " << st.reads
                    << " reads, longest wait " << static_cast<long>(st.longest_wait_ms) << " ms"
                    << (st.wait_allowed ? " (its locks block writes)" : "") << "\n";
            }
            if (!st.writer_error.empty()) out << "          the application got an error: " << shown(st.writer_error) << "\n";
        }
        if (p.verdict.empty()) continue;
        out << "  verdict: " << shown(shown_verdict(p, report.server_version));
        if (p.verdict == "proven") {
            out << " (same end state and writes as the file run at position " << p.position << " of 0.." << p.deploy;
            if (p.rescued > 0) {
                out << "; " << p.rescued << " write" << (p.rescued == 1 ? "" : "s")
                    << " the file would refuse went through, and with them left out the end state is the same";
            }
            out << ")";
        } else {
            out << ": " << shown(p.reason);
            // Neither proven nor declined by the generator: nothing held the plan to the file.
            if (p.verdict == "unchecked") out << " (not proven, so not to be used: give trace what the file needs with --setup, or make this change by hand)";
        }
        out << "\n";
        for (std::size_t i = 1; i < p.details.size(); ++i) out << "          " << shown(p.details[i]) << "\n";
        if (p.verdict == "proven") {
            // What the verdict covers, and what it does not (docs/plans.md).
            const ProofScope scope = proof_scope(p, report.server_version);
            out << "  proven for: " << shown(scope.postgresql) << "; " << shown(scope.execution) << "; " << shown(scope.traffic) << "; "
                << shown(scope.release) << "\n";
            out << "  not proven: ";
            for (std::size_t i = 0; i < scope.not_covered.size(); ++i) out << (i == 0 ? "" : "; ") << scope.not_covered[i];
            out << "\n";
        }
    }
    if (!report.plans.empty()) {
        long hurt = std::count_if(report.plans.begin(), report.plans.end(), [](const TracedPlan& p) {
            return std::any_of(p.steps.begin(), p.steps.end(), [](const PlanStepTrace& s) { return !s.ok; });
        });
        auto count = [&](const char* verdict) {
            return std::count_if(report.plans.begin(), report.plans.end(), [&](const TracedPlan& p) { return p.verdict == verdict; });
        };
        out << "plans: " << report.plans.size() << ": " << count("proven") << " proven, " << count("differs") << " differ, "
            << count("unchecked") << " unchecked, " << count("declined") << " declined";
        if (hurt > 0) out << "; " << hurt << " with a step that failed or broke the application's writes";
        out << "\n";
    }
    out << "trace: " << report.count(Verdict::Confirmed) << " confirmed, " << report.count(Verdict::Mismatch)
        << " mismatch, " << report.count(Verdict::TraceOnly) << " trace-only, " << report.count(Verdict::StaticOnly)
        << " static-only, " << report.count(Verdict::Error) << " error";
    if (int skipped = report.count(Verdict::Skipped)) out << ", " << skipped << " skipped";
    if (int refused = report.count(Verdict::NeedsSuperuser)) out << ", " << refused << " needs a superuser";
    out << " (PostgreSQL " << shown(report.server_version) << ")\n";
    if (!report.stopped.empty()) out << "trace: stopped, failed: " << shown(report.stopped) << "\n";
}

}  // namespace pgfence::trace
