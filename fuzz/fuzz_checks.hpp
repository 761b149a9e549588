#pragma once
// What both fuzz targets check of every report, whatever the input: spans inside the text and
// in order, 1-based positions, a located message for every unparsable statement, and a JSON
// report (as `--format json` writes it) that never throws and parses back. A broken invariant
// aborts, so libFuzzer keeps the input.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "annotate/json_report.hpp"

namespace pgfence::fuzz {

[[noreturn]] inline void fail(const char* target, const char* what, const analyze::StatementFacts* s) {
    std::fprintf(stderr, "%s: invariant broken: %s", target, what);
    if (s) {
        std::fprintf(stderr, " (statement %d, bytes %zu..%zu, line %d col %d)", s->index, s->span.begin, s->span.end,
                     s->span.start.line, s->span.start.column);
    }
    std::fprintf(stderr, "\n");
    std::abort();
}

inline void check_statements(const char* target, const analyze::FileReport& file, std::string_view text) {
    std::size_t previous_begin = 0;
    for (const auto& s : file.statements) {
        if (s.span.begin > s.span.end || s.span.end > text.size()) fail(target, "span outside the input", &s);
        if (s.span.begin < previous_begin) fail(target, "statements go backwards", &s);
        previous_begin = s.span.begin;
        if (s.span.start.line < 1 || s.span.start.column < 1) fail(target, "span start not 1-based", &s);
        if (s.status == analyze::StatementStatus::Unparsable) {
            if (!s.parse_error || s.parse_error->message.empty()) fail(target, "unparsable statement without a message", &s);
            if (!s.parse_error->where || s.parse_error->where->line < 1 || s.parse_error->where->column < 1)
                fail(target, "parse_error without a 1-based position", &s);
        }
    }
}

inline void check_json_report(const char* target, const analyze::Report& report) {
    std::ostringstream json_out;
    try {
        annotate::write_json_report(report, json_out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: the JSON report threw: %s\n", target, e.what());
        std::abort();
    }
    if (nlohmann::json::parse(json_out.str(), nullptr, false).is_discarded()) fail(target, "JSON report does not parse", nullptr);
}

}  // namespace pgfence::fuzz
