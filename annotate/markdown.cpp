#include "annotate/markdown.hpp"

#include "annotate/printable.hpp"

#include <algorithm>
#include <sstream>

namespace pgfence::annotate {
namespace {

using namespace pgfence::analyze;

// Table cells: one line, pipes escaped, long SQL cut.
std::string cell(const std::string& raw, std::size_t max = 0) {
    std::string text = printable(raw);
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        if (c == '|') out += "\\|";
        else if (c == '`') out += "'";
        else out += c;
    }
    if (max > 0 && out.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out = out.substr(0, cut) + "...";
    }
    return out;
}

const char* risk_badge(Risk r) {
    switch (r) {
        case Risk::Critical: return "🛑 CRITICAL";
        case Risk::High: return "🔴 HIGH";
        case Risk::Medium: return "🟠 MEDIUM";
        case Risk::Low: return "🟡 LOW";
        case Risk::None: return "✅ none";
    }
    return "";
}

std::string lock_text(const StatementFacts& s) {
    const LockFact* l = s.strongest_lock();
    if (l == nullptr) return "-";
    std::string out = std::string(lock_mode_name(l->mode)) + " `" + cell(l->relation) + "`";
    if (l->is_new) out += " (new)";
    if (s.locks.size() > 1) out += " +" + std::to_string(s.locks.size() - 1);
    return out;
}

}  // namespace

void render_markdown(const Report& report, std::ostream& out, const MarkdownOptions& options) {
    if (!options.marker.empty()) out << "<!-- " << options.marker << " -->\n";
    Risk worst = Risk::None;
    std::size_t findings = 0, statements = 0;
    for (const auto& f : report.files) {
        worst = std::max(worst, f.risk);
        findings += f.findings.size();
        statements += f.statements.size();
    }
    out << "## pgfence: " << risk_badge(worst) << "\n\n";
    out << report.files.size() << (report.files.size() == 1 ? " file, " : " files, ") << statements
        << " statements, " << findings << (findings == 1 ? " finding" : " findings") << " (PostgreSQL "
        << report.pg_version << ").\n";

    for (const auto& file : report.files) {
        out << "\n### `" << cell(file.path) << "`";
        if (file.risk != Risk::None) out << " — " << risk_badge(file.risk);
        out << "\n\n";
        if (file.error) {
            out << "Could not be read: " << cell(file.error->message) << "\n";
            continue;
        }
        if (file.skipped) {
            out << "Skipped: " << file.skip_reason << ".\n";
            continue;
        }
        if (file.wrapped_in_transaction) out << "_" << tool_name(file.tool) << " runs this file in one transaction._\n\n";
        out << "| line | statement | lock | blocks | risk | findings |\n|---|---|---|---|---|---|\n";
        for (const auto& s : file.statements) {
            std::string messages;
            for (const auto& f : file.findings) {
                if (f.statement != s.index) continue;
                if (!messages.empty()) messages += "<br>";
                messages += "**" + f.rule + "**: " + cell(f.message);
            }
            if (s.status == StatementStatus::Unparsable && messages.empty()) messages = "does not parse";
            out << "| " << s.span.start.line << " | `" << cell(s.sql, 80) << "` | " << lock_text(s) << " | "
                << blocks_text(s.blocks()) << " | " << (s.risk == Risk::None ? "" : risk_name(s.risk)) << " | "
                << messages << " |\n";
        }
        for (const auto& f : file.findings) {
            if (f.statement >= 0) continue;
            out << "\n- line " << f.start.line << ", **" << f.rule << "** (" << risk_name(f.risk) << "): " << cell(f.message) << "\n";
        }
        bool heading = false;
        for (const auto& f : file.findings) {
            if (!f.recipe) continue;
            if (!heading) {
                out << "\n#### Safe rewrites\n";
                heading = true;
            }
            out << "\n**Line " << f.start.line << " — " << f.rule << "**: " << cell(f.recipe->summary) << "\n";
            for (const auto& step : f.recipe->steps) {
                out << "\n" << cell(step.title) << (step.in_transaction ? "" : " — outside a transaction") << ":\n\n```sql\n"
                    << printable(step.sql, true) << "\n```\n";
            }
        }
    }
}

}  // namespace pgfence::annotate
