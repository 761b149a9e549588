#pragma once
// A report written while the files are still being analysed: its head, each file's section
// as soon as that file and every file before it are done (analyze_files' ordered steps), then
// the totals. Peak memory is that of the few files in flight, not of the whole input.
#include <array>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

#include "analyze/model/facts.hpp"

namespace pgfence::annotate {

// Counts over the files written so far: what a report's closing totals say.
struct ReportTotals {
    std::size_t files = 0;
    std::size_t file_errors = 0;
    std::size_t statements = 0;
    std::size_t unparsable = 0;
    std::size_t unknown = 0;
    std::array<std::size_t, 5> findings{};  // by risk, Risk::None to Risk::Critical
    analyze::Risk worst = analyze::Risk::None;

    void add(const analyze::FileReport& file);
    void add(const ReportTotals& other);
};

// One file, rendered, and its counts: all that is kept of it until its turn to be written.
struct Section {
    std::string text;
    ReportTotals totals;
};

class ReportStream {
public:
    virtual ~ReportStream() = default;
    virtual void begin(std::ostream& out) = 0;
    // Thread-safe: called on the analysis workers, in any order.
    [[nodiscard]] Section render(const analyze::FileReport& file) const;
    // In input order, one at a time.
    void write(std::ostream& out, const Section& section);
    // A file too large to hold its section whole (large()): kept as its report until its turn,
    // then rendered straight to `out`, piece by piece. In input order, one at a time, as write().
    void write_file(std::ostream& out, const analyze::FileReport& file);
    // Whether a file's section is large enough to be written by write_file, not rendered ahead.
    [[nodiscard]] virtual bool large(const analyze::FileReport&) const { return false; }
    virtual void end(std::ostream& out) = 0;
    // What was replayed before the files (known once they are all analysed): said by end().
    void set_history(const analyze::HistoryCounts& history) { m_history = history; }
    // The same for the --schema files and the stats snapshot's statements.
    void set_schema(const analyze::HistoryCounts& schema) { m_schema = schema; }
    void set_snapshot(const analyze::HistoryCounts& snapshot) { m_snapshot = snapshot; }
    // What the levels assume of table sizes, said once by end() ("" says nothing): without a
    // stats snapshot, that every table the migration did not create is large.
    void set_sizes(std::string note) { m_sizes = std::move(note); }

protected:
    [[nodiscard]] virtual std::string render_text(const analyze::FileReport& file) const = 0;
    // Writes one section's text; totals() still counts only the files before it.
    virtual void write_text(std::ostream& out, const std::string& text) { out << text; }
    // Renders a file and writes it; a stream whose sections can be large writes it in pieces.
    virtual void stream_text(std::ostream& out, const analyze::FileReport& file) { write_text(out, render_text(file)); }
    [[nodiscard]] const ReportTotals& totals() const { return m_totals; }
    [[nodiscard]] const std::optional<analyze::HistoryCounts>& history() const { return m_history; }
    [[nodiscard]] const std::optional<analyze::HistoryCounts>& schema() const { return m_schema; }
    [[nodiscard]] const std::optional<analyze::HistoryCounts>& snapshot() const { return m_snapshot; }
    [[nodiscard]] const std::string& sizes() const { return m_sizes; }

private:
    ReportTotals m_totals;
    std::optional<analyze::HistoryCounts> m_history;
    std::optional<analyze::HistoryCounts> m_schema;
    std::optional<analyze::HistoryCounts> m_snapshot;
    std::string m_sizes;
};

// A collected report through a stream, file by file (pr, tests, fuzzing).
void write_report(ReportStream& stream, const analyze::Report& report, std::ostream& out);

}  // namespace pgfence::annotate
