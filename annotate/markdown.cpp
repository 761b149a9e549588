#include "annotate/markdown.hpp"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <vector>

#include "annotate/escape.hpp"
#include "annotate/finding_view.hpp"
#include "annotate/printable.hpp"

namespace pgfence::annotate {
namespace {

using namespace pgfence::analyze;

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
    std::string out = std::string(lock_mode_name(l->mode)) + " " + md_code_span(l->relation, MdPlace::TableCell);
    if (l->is_new) out += " (new)";
    if (s.locks.size() > 1) out += " +" + std::to_string(s.locks.size() - 1);
    return out;
}

// Highest risk among findings this change introduced; pre-existing ones do not raise it.
Risk new_risk(const FileReport& file) {
    Risk worst = Risk::None;
    for (const auto& f : file.findings) {
        if (!f.pre_existing) worst = std::max(worst, f.risk);
    }
    return worst;
}

std::string finding_label(const Finding& f) {
    return "**" + f.rule + "**" + (f.pre_existing ? " _(pre-existing)_" : "");
}

// How much of a file's section is shown; the cut moves files down this list.
enum class Detail { Full, NoRecipes, FindingRows, Summary, Hidden };

struct Section {
    std::size_t recipes = 0;           // findings with a recipe
    std::size_t quiet_statements = 0;  // statements without findings
    std::string text[5];               // by Detail, rendered on demand
    bool rendered[5] = {};
};

std::string render_file(const FileReport& file, Detail detail) {
    if (detail == Detail::Hidden) return {};
    std::ostringstream out;
    Risk risk = new_risk(file);
    out << "\n### " << md_code_span(file.path);
    if (risk != Risk::None) out << " — " << risk_badge(risk);
    else if (!file.findings.empty()) out << " — pre-existing findings only";
    out << "\n\n";
    if (file.error) {
        out << "Could not be read: " << md_text(file.error->message) << "\n";
        return out.str();
    }
    if (file.skipped) {
        out << "Skipped: " << md_text(file.skip_reason) << ".\n";
        return out.str();
    }
    if (detail == Detail::Summary) {
        out << file.statements.size() << " statements, " << file.findings.size()
            << (file.findings.size() == 1 ? " finding" : " findings") << " (details left out to fit the comment).\n";
        return out.str();
    }
    if (file.wrapped_in_transaction) out << "_" << tool_name(file.tool) << " runs this file in one transaction._\n\n";
    bool header = false;
    for (const auto& s : file.statements) {
        std::string messages;
        Risk shown = Risk::None, old = Risk::None;
        for (const auto& f : file.findings) {
            if (f.statement != s.index) continue;
            if (!messages.empty()) messages += "<br>";
            messages += finding_label(f) + ": " + md_text(f.message);
            (f.pre_existing ? old : shown) = std::max(f.pre_existing ? old : shown, f.risk);
        }
        if (s.status == StatementStatus::Unparsable && messages.empty()) messages = "does not parse";
        if (detail == Detail::FindingRows && messages.empty()) continue;
        if (!header) {
            out << "| line | statement | lock | blocks | risk | findings |\n|---|---|---|---|---|---|\n";
            header = true;
        }
        std::string risk_cell = shown != Risk::None ? std::string(risk_name(shown))
                                : old != Risk::None ? std::string(risk_name(old)) + " (pre-existing)"
                                                    : "";
        out << "| " << s.span.start.line << " | " << md_code_span(s.sql, MdPlace::TableCell, 80) << " | " << lock_text(s) << " | "
            << blocks_text(s.blocks()) << " | " << risk_cell << " | " << messages << " |\n";
    }
    for (const auto& f : file.findings) {
        if (f.statement >= 0) continue;
        out << "\n- line " << f.start.line << ", " << finding_label(f) << " (" << risk_name(f.risk) << "): " << md_text(f.message) << "\n";
    }
    if (detail != Detail::Full) return out.str();
    if (file.plan) {
        // The plan replaces the findings' recipes as the thing to paste.
        out << "\n#### Migration plan\n\n" << md_text(file.plan->summary) << ".\n";
        for (const auto& step : file.plan->steps) {
            out << "\n" << md_text(step.title) << " → " << md_code_span(step.path, MdPlace::Prose, 200) << "\n\n"
                << md_code_block(step.sql, "sql");
        }
        for (const auto& note : file.plan->notes) out << "\n- " << md_text(note) << "\n";
        return out.str();
    }
    bool heading = false;
    for (const auto& f : file.findings) {
        if (!f.recipe) continue;
        if (!heading) {
            out << "\n#### Safe rewrites\n";
            heading = true;
        }
        out << "\n**Line " << f.start.line << " — " << f.rule << "**" << (f.pre_existing ? " _(pre-existing)_" : "") << ": "
            << md_text(f.recipe->summary) << "\n";
        for (const auto& step : f.recipe->steps) {
            out << "\n" << md_text(step.title) << (step.in_transaction ? "" : " — outside a transaction") << ":\n\n"
                << md_code_block(step.sql, "sql");
        }
    }
    return out.str();
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// What the cut left out, kept up to date as files change level.
struct Tally {
    long recipes = 0, quiet = 0, hidden_findings = 0, hidden_files = 0, unlisted = 0;

    void apply(const FileReport& file, const Section& section, Detail d, long sign) {
        if (d >= Detail::Summary) {
            hidden_findings += sign * static_cast<long>(file.findings.size());
            hidden_files += sign * (file.findings.empty() ? 0 : 1);
            unlisted += sign * (d == Detail::Hidden ? 1 : 0);
            return;
        }
        if (d >= Detail::NoRecipes) recipes += sign * static_cast<long>(section.recipes);
        if (d >= Detail::FindingRows) quiet += sign * static_cast<long>(section.quiet_statements);
    }
    void add(const FileReport& f, const Section& s, Detail d) { apply(f, s, d, 1); }
    void remove(const FileReport& f, const Section& s, Detail d) { apply(f, s, d, -1); }
};

std::string note_text(const Tally& t, const std::string& more_details) {
    auto count = [](long n, const char* one, const char* many) { return plural(static_cast<std::size_t>(n), one, many); };
    std::vector<std::string> parts;
    if (t.recipes > 0) parts.push_back("the safe rewrites of " + count(t.recipes, "finding", "findings"));
    if (t.quiet > 0) parts.push_back(count(t.quiet, "statement", "statements") + " without findings");
    if (t.hidden_findings > 0) {
        parts.push_back(count(t.hidden_findings, "finding", "findings") + " in " + count(t.hidden_files, "file", "files") + " not shown");
    }
    if (t.unlisted > 0) parts.push_back(count(t.unlisted, "file", "files") + " not listed");
    if (parts.empty()) return {};
    std::string note = "\n---\n_Shortened to fit GitHub's size limit. Left out: ";
    for (std::size_t i = 0; i < parts.size(); ++i) note += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    return note + "; see " + more_details + "._\n";
}

void render_nothing_found(const Report& report, std::ostream& out, const MarkdownOptions& options) {
    std::size_t statements = 0;
    for (const auto& f : report.files) statements += f.statements.size();
    if (!options.marker.empty()) out << "<!-- " << options.marker << " -->\n";
    out << "## " << options.title << ": ✅ nothing risky\n\npgfence found nothing risky in "
        << plural(report.files.size(), "migration file", "migration files") << " ("
        << plural(statements, "statement", "statements") << ", PostgreSQL " << report.pg_version << ").\n";
}

}  // namespace

void render_markdown(const Report& report, std::ostream& out, const MarkdownOptions& options) {
    Risk worst = Risk::None;
    std::size_t findings = 0, pre_existing = 0, statements = 0;
    bool unreadable = false;
    for (const auto& f : report.files) {
        worst = std::max(worst, new_risk(f));
        findings += f.findings.size();
        statements += f.statements.size();
        unreadable = unreadable || f.error.has_value();
        for (const auto& finding : f.findings) pre_existing += finding.pre_existing ? 1 : 0;
    }
    if (findings == 0 && !unreadable) {
        render_nothing_found(report, out, options);
        return;
    }

    std::ostringstream head;
    if (!options.marker.empty()) head << "<!-- " << options.marker << " -->\n";
    head << "## " << options.title << ": " << risk_badge(worst) << "\n\n";
    head << plural(report.files.size(), "file", "files") << ", " << statements << " statements, "
         << plural(findings, "finding", "findings");
    if (pre_existing > 0) head << " (" << pre_existing << " pre-existing, marked: on lines this change did not touch)";
    head << " (PostgreSQL " << report.pg_version << ").\n";
    std::string header = head.str();

    const std::size_t n = report.files.size();
    std::vector<Section> sections(n);
    std::vector<Detail> level(n, Detail::Full);
    auto text = [&](std::size_t i) -> const std::string& {
        auto d = static_cast<int>(level[i]);
        if (!sections[i].rendered[d]) {
            sections[i].text[d] = render_file(report.files[i], level[i]);
            sections[i].rendered[d] = true;
        }
        return sections[i].text[d];
    };
    std::size_t total = header.size();
    for (std::size_t i = 0; i < n; ++i) total += text(i).size();

    Tally tally;
    std::string note;
    if (options.max_chars > 0 && total > options.max_chars) {
        for (std::size_t i = 0; i < n; ++i) {
            const FileReport& file = report.files[i];
            for (const auto& f : file.findings) sections[i].recipes += f.recipe ? 1 : 0;
            for (const auto& st : file.statements) {
                bool has = std::any_of(file.findings.begin(), file.findings.end(),
                                       [&](const Finding& f) { return f.statement == st.index; });
                sections[i].quiet_statements += has || st.status == StatementStatus::Unparsable ? 0 : 1;
            }
        }
        // Degrade one level at a time across all files (every recipe goes before any row),
        // lowest-risk files first within a level, until the body and its closing note fit.
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const FileReport &fa = report.files[a], &fb = report.files[b];
            if (new_risk(fa) != new_risk(fb)) return new_risk(fa) < new_risk(fb);
            if (fa.findings.size() != fb.findings.size()) return fa.findings.size() < fb.findings.size();
            return a > b;  // later files first: the earlier ones are read first
        });
        auto fits = [&] {
            note = note_text(tally, options.more_details);
            return total + note.size() <= options.max_chars;
        };
        for (Detail d : {Detail::NoRecipes, Detail::FindingRows, Detail::Summary, Detail::Hidden}) {
            for (std::size_t i : order) {
                if (fits()) break;
                tally.remove(report.files[i], sections[i], level[i]);
                total -= text(i).size();
                level[i] = d;
                total += text(i).size();
                tally.add(report.files[i], sections[i], level[i]);
            }
            if (fits()) break;
        }
    }

    std::string result = header;
    for (std::size_t i = 0; i < n; ++i) result += text(i);
    result += note;
    if (options.max_chars > 0) {
        // Only a header larger than the limit itself gets here.
        result = fit_bytes(std::move(result), options.max_chars, "\n\n_... cut at GitHub's size limit; see " + options.more_details + "._\n");
    }
    out << result;
}

}  // namespace pgfence::annotate
