#pragma once
// The terminal report: one table per file (statement, strongest lock, what it blocks,
// rewrites). The only renderer that may use ANSI colour, and only when asked to.
#include <ostream>

#include "analyze/facts.hpp"
#include "annotate/report_stream.hpp"

namespace pgfence::annotate {

struct TerminalOptions {
    bool color = false;
    int sql_width = 48;  // characters of statement text shown per row
};

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
    TerminalOptions m_options;
};

// The terminal report of a collected report.
void render_terminal(const analyze::Report& report, std::ostream& out, const TerminalOptions& options);

}  // namespace pgfence::annotate
