// libFuzzer target: arbitrary bytes as an ORM migration script (TypeORM, Knex, Sequelize,
// db-migrate), through the JavaScript/TypeScript reader, the extraction of its SQL, the
// analyzer and the JSON report. Nothing may crash, hang or throw, and the report must stay
// consistent with the script: spans inside it and in order, positions 1-based, every
// unparsable statement located.
//
// Input layout: byte 0 picks the reader (% 5: typeorm, knex, sequelize, db-migrate, or auto,
// which judges by content) and the file name's extension; byte 1 picks the direction; the
// rest is the script.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/orm/extract.hpp"
#include "annotate/json_report.hpp"

namespace {

using namespace pgfence;

constexpr analyze::orm::InputFormat k_formats[] = {
    analyze::orm::InputFormat::TypeOrm, analyze::orm::InputFormat::Knex, analyze::orm::InputFormat::Sequelize,
    analyze::orm::InputFormat::DbMigrate, analyze::orm::InputFormat::Auto};
constexpr const char* k_extensions[] = {".ts", ".js", ".mjs", ".cjs"};

[[noreturn]] void fail(const char* what, const analyze::StatementFacts* s) {
    std::fprintf(stderr, "fuzz_orm: invariant broken: %s", what);
    if (s) {
        std::fprintf(stderr, " (statement %d, bytes %zu..%zu, line %d col %d)", s->index, s->span.begin, s->span.end,
                     s->span.start.line, s->span.start.column);
    }
    std::fprintf(stderr, "\n");
    std::abort();
}

void check_report(const analyze::FileReport& file, std::string_view text) {
    std::size_t previous_begin = 0;
    for (const auto& s : file.statements) {
        if (s.span.begin > s.span.end || s.span.end > text.size()) fail("span outside the script", &s);
        if (s.span.begin < previous_begin) fail("statements go backwards", &s);
        previous_begin = s.span.begin;
        if (s.span.start.line < 1 || s.span.start.column < 1) fail("span start not 1-based", &s);
        if (s.status == analyze::StatementStatus::Unparsable) {
            if (!s.parse_error || s.parse_error->message.empty()) fail("unparsable statement without a message", &s);
            if (!s.parse_error->where || s.parse_error->where->line < 1 || s.parse_error->where->column < 1)
                fail("parse_error without a 1-based position", &s);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t pick = data[0];
    const std::uint8_t mode = data[1];
    std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

    analyze::AnalyzeOptions options;
    options.direction = static_cast<analyze::Direction>(mode % 3);
    options.threads = 1;
    options.input_format = k_formats[pick % 5];
    const std::string path = std::string("migrations/20240101000000_change") + k_extensions[pick / 5 % 4];

    analyze::Report report;
    report.files.push_back(analyze::analyze_text(path, text, options));
    check_report(report.files.front(), text);

    std::ostringstream json_out;
    try {
        annotate::write_json_report(report, json_out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_orm: the JSON report threw: %s\n", e.what());
        std::abort();
    }
    if (nlohmann::json::parse(json_out.str(), nullptr, false).is_discarded()) fail("JSON report does not parse", nullptr);
    return 0;
}
