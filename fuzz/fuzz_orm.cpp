// libFuzzer target: arbitrary bytes as an ORM migration script (TypeORM, Knex, Sequelize,
// db-migrate), through the JavaScript/TypeScript reader, the extraction of its SQL, the
// analyzer and the JSON report. Nothing may crash, hang or throw, and the report must stay
// consistent with the script: spans inside it and in order, positions 1-based, every
// unparsable statement located.
//
// Input layout: byte 0 picks the reader (% 5: typeorm, knex, sequelize, db-migrate, or auto,
// which judges by content) and the file name's extension; byte 1 picks the direction; the
// rest is the script. The same bytes are also read as a knexfile by the default-deny settings
// reader (orm/settings_module.hpp), whose lines must fall inside the text.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/orm/settings_module.hpp"
#include "annotate/json_report.hpp"
#include "fuzz/fuzz_checks.hpp"

namespace {

using namespace pgfence;

constexpr analyze::orm::InputFormat k_formats[] = {
    analyze::orm::InputFormat::TypeOrm, analyze::orm::InputFormat::Knex, analyze::orm::InputFormat::Sequelize,
    analyze::orm::InputFormat::DbMigrate, analyze::orm::InputFormat::Auto};
constexpr const char* k_extensions[] = {".ts", ".js", ".mjs", ".cjs"};

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
    fuzz::check_statements("fuzz_orm", report.files.front(), text);
    fuzz::check_json_report("fuzz_orm", report);

    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const auto& [line, why] : analyze::orm::settings_module_unread("/nonexistent/knexfile.js", text, "knex")) {
        if (line < 1 || line > lines || why.empty()) {
            std::fprintf(stderr, "fuzz_orm: settings_module_unread line %d of %d, reason '%s'\n", line, lines, why.c_str());
            std::abort();
        }
    }
    return 0;
}
