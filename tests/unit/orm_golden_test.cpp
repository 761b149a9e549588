// Golden tests of the ORM extractors: tests/orm/<orm>/<case>.{ts,js} with the extracted
// statements beside it in <case>.expected: a header (kind, transaction, coverage), then one
// line per statement, "start-stop status call | SQL or reason", spans in the script, and
// "finding line:column rule" per finding: what a finding says is snapshotted by the rules'
// goldens (tests/rules), and is the same whether its statement came from SQL or an ORM.
// PGFENCE_UPDATE_GOLDEN=1 (or =orm) rewrites the .expected files from the current output.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/analyzer.hpp"
#include "analyze/parse/source_text.hpp"

namespace fs = std::filesystem;
using namespace pgfence::analyze;

namespace {

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}


std::string pos(Position p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

std::string render(const FileReport& r) {
    std::ostringstream out;
    const Coverage& c = r.coverage;
    out << "kind=" << r.source_kind << " transaction=" << (r.wrapped_in_transaction ? "yes" : "no")
        << " coverage=" << c.analysed << "/" << c.found << " unknown=" << c.unknown << " literal=" << c.literal_parsed
        << "/" << c.literal_calls << "\n";
    if (r.skipped) out << "skipped: " << r.skip_reason << "\n";
    for (const auto& s : r.statements) {
        out << pos(s.span.start) << "-" << pos(s.span.stop) << " ";
        if (s.unanalysable) {
            out << "unknown " << s.tag << " | " << s.unanalysable->message << "\n";
            continue;
        }
        out << (s.status == StatementStatus::Unparsable ? "unparsable" : "analyzed") << " | " << fold_whitespace(s.sql);
        if (s.parse_error) out << "  [" << s.parse_error->message << " at " << pos(*s.parse_error->where) << "]";
        out << "\n";
    }
    for (const auto& f : r.findings) out << "finding " << pos(f.start) << " " << f.rule << "\n";
    return out.str();
}

}  // namespace

TEST_CASE("ORM extractors: golden statements with spans in the script") {
    const fs::path root = fs::path(PGFENCE_SOURCE_DIR) / "tests" / "orm";
    const char* env = std::getenv("PGFENCE_UPDATE_GOLDEN");
    bool update = env != nullptr && (std::string(env) == "1" || std::string(env) == "orm");
    int cases = 0;
    for (const char* orm : {"typeorm", "knex", "sequelize", "db-migrate"}) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(root / orm)) {
            auto ext = entry.path().extension();
            if (ext == ".ts" || ext == ".js" || ext == ".mjs") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        CHECK_FALSE(files.empty());
        for (const auto& file : files) {
            INFO("case " << file.string());
            ++cases;
            AnalyzeOptions options;
            FileReport report = analyze_file(file.string(), options);
            REQUIRE_FALSE(report.error);
            CHECK(report.source_kind == orm);
            std::string got = render(report);
            fs::path expected = file;
            expected.replace_extension(".expected");
            if (update) std::ofstream(expected, std::ios::binary) << got;
            else CHECK(got == read(expected));
        }
    }
    CHECK(cases >= 8);
}
