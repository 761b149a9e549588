#pragma once
// `--format json`: the documented, versioned report (docs/json-format.md,
// docs/pgfence-report.schema.json).
#include <ostream>

#include "analyze/model/facts.hpp"
#include "annotate/report_stream.hpp"

namespace pgfence::annotate {

inline constexpr int k_json_schema_version = 1;

// The document, pretty-printed, written one file at a time: the head, the `files` array as
// the files come, then `summary`, counted on the way.
class JsonReportStream : public ReportStream {
public:
    explicit JsonReportStream(int pg_version) : m_pg_version(pg_version) {}
    void begin(std::ostream& out) override;
    void end(std::ostream& out) override;
    [[nodiscard]] bool large(const analyze::FileReport& file) const override;

protected:
    [[nodiscard]] std::string render_text(const analyze::FileReport& file) const override;
    void write_text(std::ostream& out, const std::string& text) override;
    void stream_text(std::ostream& out, const analyze::FileReport& file) override;

private:
    int m_pg_version;
};

// The document of a collected report.
void write_json_report(const analyze::Report& report, std::ostream& out);

}  // namespace pgfence::annotate
