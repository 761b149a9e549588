#pragma once
// The terminal report: one table per file (statement, strongest lock, what it blocks,
// rewrites). The only renderer that may use ANSI colour, and only when asked to.
#include <ostream>

#include "analyze/model/facts.hpp"
#include "annotate/report_stream.hpp"

namespace pgfence::annotate {

struct TerminalOptions {
    bool color = false;
    int sql_width = 48;  // characters of statement text shown per row
    // The compact form: no statement table, each finding as a compiler prints a diagnostic
    // (file:line:col, the message, the source line with a caret, the fix), wrapped to `width`
    // columns. For terminals narrower than the table (k_table_width) and --format compact.
    bool compact = false;
    int width = 80;
    // The closing line that names the PostgreSQL version the analysis follows and who named it
    // ("target: PostgreSQL 15, assumed (...)"); none when empty.
    std::string target;
};

// Columns the statement table needs (its widest fixed row).
inline constexpr int k_table_width = 136;

// One file's table after another as they come, then the findings and summary lines.
class TerminalStream : public ReportStream {
public:
    explicit TerminalStream(const TerminalOptions& options) : m_options(options) {}
    void begin(std::ostream&) override {}
    void end(std::ostream& out) override;
    [[nodiscard]] bool large(const analyze::FileReport& file) const override;

protected:
    [[nodiscard]] std::string render_text(const analyze::FileReport& file) const override;
    void stream_text(std::ostream& out, const analyze::FileReport& file) override;

private:
    void end_compact(std::ostream& out, const ReportTotals& totals) const;
    TerminalOptions m_options;
};

// The terminal report of a collected report.
void render_terminal(const analyze::Report& report, std::ostream& out, const TerminalOptions& options);

}  // namespace pgfence::annotate
