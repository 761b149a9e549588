#include "annotate/report_stream.hpp"

#include <algorithm>

namespace pgfence::annotate {

using namespace pgfence::analyze;

void ReportTotals::add(const FileReport& file) {
    ++files;
    file_errors += file.error.has_value();
    for (const auto& s : file.statements) {
        ++statements;
        unparsable += s.status == StatementStatus::Unparsable;
        unknown += s.status == StatementStatus::Unknown;
    }
    for (const auto& f : file.findings) ++findings[static_cast<std::size_t>(f.risk)];
    worst = std::max(worst, file.risk);
}

void ReportTotals::add(const ReportTotals& other) {
    files += other.files;
    file_errors += other.file_errors;
    statements += other.statements;
    unparsable += other.unparsable;
    unknown += other.unknown;
    for (std::size_t r = 0; r < findings.size(); ++r) findings[r] += other.findings[r];
    worst = std::max(worst, other.worst);
}

Section ReportStream::render(const FileReport& file) const {
    Section section{render_text(file), {}};
    section.totals.add(file);
    return section;
}

void ReportStream::write(std::ostream& out, const Section& section) {
    write_text(out, section.text);
    m_totals.add(section.totals);
}

void ReportStream::write_file(std::ostream& out, const FileReport& file) {
    stream_text(out, file);
    m_totals.add(file);
}

void write_report(ReportStream& stream, const Report& report, std::ostream& out) {
    stream.begin(out);
    for (const auto& file : report.files) stream.write(out, stream.render(file));
    if (report.history) stream.set_history(*report.history);
    if (report.schema) stream.set_schema(*report.schema);
    if (report.snapshot) stream.set_snapshot(*report.snapshot);
    stream.end(out);
}

}  // namespace pgfence::annotate
