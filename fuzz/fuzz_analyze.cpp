// libFuzzer target: arbitrary bytes as a migration file, through the analyzer and both
// renderers. Nothing may crash, hang or throw, and the report must stay consistent with
// the text it describes (spans inside the file, positions 1-based, parse errors located).
//
// Input layout: byte 0 picks the file name (so conventions chosen by name are reached:
// flyway, diesel, prisma, drizzle's folder) and colour; byte 1 picks the direction, the
// target PostgreSQL version and whether a diesel metadata.toml follows the text after the
// last NUL byte; the rest is the file's text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/parse/parse_tree.hpp"
#include "annotate/json_report.hpp"
#include "fuzz/fuzz_checks.hpp"
#include "annotate/json_writer.hpp"
#include "annotate/terminal.hpp"

namespace {

using namespace pgfence;

constexpr const char* k_paths[] = {
    "migrations/001_init.sql",                               // plain, or goose/dbmate by markers
    "db/migrations/20240101000000_create_users.sql",         // goose and dbmate use such names
    "apps/web/drizzle/0000_init.sql",                        // drizzle by folder
    "drizzle/0001_second.sql",                               // drizzle by leading folder
    "src/main/resources/db/migration/V1__init.sql",          // flyway versioned
    "src/main/resources/db/migration/V2.1_3__more.sql",      // flyway dotted version
    "src/main/resources/db/migration/U1__undo.sql",          // flyway undo
    "src/main/resources/db/migration/R__views.sql",          // flyway repeatable
    "migrations/2024-01-01-000000_init/up.sql",              // diesel up
    "migrations/2024-01-01-000000_init/down.sql",            // diesel down
    "prisma/migrations/20240101000000_init/migration.sql",   // prisma
    "x.sql",
};
constexpr std::size_t k_path_count = sizeof(k_paths) / sizeof(k_paths[0]);

[[noreturn]] void fail(const char* what, const analyze::StatementFacts* s) { fuzz::fail("fuzz_analyze", what, s); }

// Stricter than the shared checks: a SQL statement's text is its span, spans do not overlap.
void check_report(const analyze::FileReport& file, std::string_view text) {
    fuzz::check_statements("fuzz_analyze", file, text);
    std::size_t previous_end = 0;
    for (const auto& s : file.statements) {
        if (s.sql != text.substr(s.span.begin, s.span.end - s.span.begin)) fail("sql is not the span's text", &s);
        if (s.span.begin < previous_end) fail("statements overlap", &s);
        previous_end = s.span.end;
        if (s.span.stop.line < s.span.start.line) fail("span stops before it starts", &s);
        if (s.status != analyze::StatementStatus::Unparsable && s.kind.empty()) fail("parsed statement without kind", &s);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t pick = data[0];
    const std::uint8_t mode = data[1];
    std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    std::string_view metadata;
    if (mode & 0x80) {
        std::size_t nul = text.rfind('\0');
        if (nul != std::string_view::npos) {
            metadata = text.substr(nul + 1);
            text = text.substr(0, nul);
        }
    }

    analyze::AnalyzeOptions options;
    options.direction = static_cast<analyze::Direction>(mode % 3);
    options.pg_version = 11 + (mode & 0x7f) / 3 % 7;
    options.threads = 1;
    const std::string path = k_paths[(pick & 0x7f) % k_path_count];

    // The decoder of libpg_query's JSON meets arbitrary bytes too: it may refuse them, never
    // crash, and what it accepts prints back to text that decodes to the same tree.
    if (analyze::ParseTree tree = analyze::ParseTree::decode(text); tree.ok()) {
        std::string printed = tree.root().dump();
        analyze::ParseTree again = analyze::ParseTree::decode(printed);
        if (!again.ok() || again.root().dump() != printed) fail("a decoded parse tree does not print back", nullptr);
    }

    analyze::Report report;
    report.pg_version = options.pg_version;
    report.files.push_back(analyze::analyze_text(path, text, options, metadata));
    check_report(report.files.front(), text);

    // The JSON report, written as `--format json` writes it, must accept whatever the analyzer
    // produced (strings that are not UTF-8 included) and parse again. Its string escaping must
    // be nlohmann's dump with error_handler_t::replace, byte for byte, on any text.
    fuzz::check_json_report("fuzz_analyze", report);
    std::string escaped = "\"";
    annotate::append_json_escaped(escaped, text);
    escaped += '"';
    if (escaped != nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) {
        fail("JSON escaping differs from nlohmann's", nullptr);
    }

    // Without colour the terminal report carries no escape byte, whatever the input holds.
    const bool color = (pick & 0x80) != 0;
    std::ostringstream out;
    annotate::render_terminal(report, out, annotate::TerminalOptions{color, 8 + pick % 64});
    if (!color && out.str().find('\x1b') != std::string::npos) fail("escape byte in the uncoloured terminal report", nullptr);
    return 0;
}
