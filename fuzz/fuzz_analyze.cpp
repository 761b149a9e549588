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
#include "analyze/parse_tree.hpp"
#include "annotate/json_report.hpp"
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

[[noreturn]] void fail(const char* what, const analyze::StatementFacts* s) {
    std::fprintf(stderr, "fuzz_analyze: invariant broken: %s", what);
    if (s) {
        std::fprintf(stderr, " (statement %d, bytes %zu..%zu, line %d col %d)", s->index, s->span.begin, s->span.end,
                     s->span.start.line, s->span.start.column);
    }
    std::fprintf(stderr, "\n");
    std::abort();
}

void check_report(const analyze::FileReport& file, std::string_view text) {
    std::size_t previous_end = 0;
    for (const auto& s : file.statements) {
        if (s.span.begin > s.span.end || s.span.end > text.size()) fail("span outside the file", &s);
        if (s.sql != text.substr(s.span.begin, s.span.end - s.span.begin)) fail("sql is not the span's text", &s);
        if (s.span.begin < previous_end) fail("statements overlap or go backwards", &s);
        previous_end = s.span.end;
        if (s.span.start.line < 1 || s.span.start.column < 1) fail("span start not 1-based", &s);
        if (s.span.stop.line < s.span.start.line) fail("span stops before it starts", &s);
        if (s.status == analyze::StatementStatus::Unparsable) {
            if (!s.parse_error) fail("unparsable statement without parse_error", &s);
            if (s.parse_error->message.empty()) fail("parse_error without message", &s);
            if (!s.parse_error->where || s.parse_error->where->line < 1 || s.parse_error->where->column < 1)
                fail("parse_error without a 1-based position", &s);
        } else if (s.kind.empty()) {
            fail("parsed statement without kind", &s);
        }
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
    std::ostringstream json_out;
    try {
        annotate::write_json_report(report, json_out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_analyze: the JSON report threw: %s\n", e.what());
        std::abort();
    }
    if (nlohmann::json::parse(json_out.str(), nullptr, false).is_discarded()) fail("JSON report does not parse", nullptr);
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
