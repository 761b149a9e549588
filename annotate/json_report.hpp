#pragma once
// `--format json`: the documented, versioned report (docs/json-format.md,
// docs/pgfence-report.schema.json).
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/facts.hpp"
#include "annotate/json_writer.hpp"
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

// What `pr --upload`'s envelope (bot/governance_envelope.hpp) adds to a file of the report.
struct UploadFileExtras {
    std::string sha256;                       // of the file's bytes at the head commit
    std::vector<std::string> context_sha256;  // by statement
    std::vector<std::string> subject_sha256;  // by finding; "" for none
    std::vector<bool> suppression_on_base;    // by suppressed entry
};

struct UploadReport {
    const analyze::Report* report = nullptr;
    const std::vector<UploadFileExtras>* files = nullptr;  // by file of the report
    std::string_view sql_left_out;                         // not empty: what stands for every SQL text
};

// The report as an upload envelope's `report` member, written into `w` (compact, for an upload):
// the document of write_json_report with each file's extras, the members of every object in
// byte order ("files" first). `piece` is called between statements, findings and files: where
// the text written so far may be handed on, so a large report is never held whole (red team
// r71 F12: the envelope as a DOM took 650 bytes per byte of migration).
void write_upload_report(JsonWriter& w, const UploadReport& upload, const std::function<void()>& piece);

}  // namespace pgfence::annotate
