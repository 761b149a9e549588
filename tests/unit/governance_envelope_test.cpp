// `pr --upload`'s envelope (bot/governance_envelope.hpp): its body is the documented report plus
// the upload's hashes, written a piece at a time and never held whole (red team r71 F12: as a
// DOM it took 650 bytes of memory per byte of the migration).
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/analyzer.hpp"
#include "annotate/json_report.hpp"
#include "bot/governance_envelope.hpp"
#include "bot/sha256.hpp"

using namespace pgfence;
using nlohmann::json;

namespace {

const std::string k_path = "db/migrations/002_change.sql";

// A drop (a finding with a recipe), a suppressed index, a NUL byte in a comment's text.
const std::string k_text = std::string("SET lock_timeout = '2s';\n"
                                       "UPDATE users SET email = '' WHERE email IS NULL;\n"
                                       "-- pgfence-ignore: create-index-without-concurrently -- reason=\"40 rows\" owner=@alice\n"
                                       "CREATE INDEX users_email ON users (email);\n"
                                       "COMMENT ON TABLE users IS 'a") +
                           std::string(1, '\0') + "b';\nDROP TABLE users;\n";

analyze::Report report_of(const std::string& text) {
    analyze::AnalyzeOptions options;
    analyze::Report report;
    report.files.push_back(analyze::analyze_text(k_path, text, options));
    return report;
}

bot::governance::Envelope envelope_of(const analyze::Report& report, const std::string& text, bool include_sql,
                                      const bot::governance::SuppressionOrigins& origins = {}) {
    auto envelope = bot::governance::build_envelope(
        report, bot::governance::Subject{"octo/app", 7, std::string(40, 'a'), std::string(40, 'b'), "api", std::string(40, 'c')},
        [&](const std::string& path) -> analyze::Result<std::optional<std::string>> {
            if (path == k_path) return std::optional<std::string>(text);
            return std::optional<std::string>();
        },
        origins, include_sql);
    REQUIRE(envelope);
    return std::move(*envelope);
}

// What the upload adds to a report document, taken out again.
void drop_upload_members(json& report) {
    for (auto& file : report["files"]) {
        file.erase("sha256");
        for (auto& s : file["statements"]) s.erase("context_sha256");
        for (auto& f : file["findings"]) f.erase("subject_sha256");
        for (auto& f : file["suppressed"]) f.erase("suppression_on_base");
    }
}

bool is_hex64(const json& v) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'); });
}

}  // namespace

TEST_CASE("the upload body: the report with its hashes, its subject, body_size its length") {
    const analyze::Report report = report_of(k_text);
    REQUIRE(report.files.front().suppressed.size() == 1);
    const auto envelope = envelope_of(report, k_text, true, {{k_path, {true}}});
    const std::string text = bot::governance::body_text(envelope);
    CHECK(text.size() == envelope.body_size);
    CHECK(text.find('\n') == std::string::npos);  // compact, as nlohmann's dump(-1)
    CHECK(bot::governance::body_text(envelope) == text);  // the same bytes on every call (a retry)
    json body = json::parse(text);
    CHECK(body["repository"] == "octo/app");
    CHECK(body["pull_request"] == 7);
    CHECK(body["head_sha"] == std::string(40, 'a'));
    CHECK(body["base_sha"] == std::string(40, 'b'));
    CHECK(body["job"] == "api");
    CHECK(body["head_tree"] == std::string(40, 'c'));
    CHECK(body["content_hash"] == envelope.content_hash);
    CHECK(body["schema_version"] == 1);
    CHECK(body["sql_included"] == true);
    const json& file = body["report"]["files"].at(0);
    CHECK(file["sha256"] == *bot::sha256_hex(k_text));
    REQUIRE(file["statements"].size() == report.files.front().statements.size());
    for (const auto& s : file["statements"]) CHECK(is_hex64(s["context_sha256"]));
    REQUIRE(file["suppressed"].size() == 1);
    CHECK(file["suppressed"][0]["suppression_on_base"] == true);
    // The NUL byte is U+FFFD (PostgreSQL's jsonb cannot hold U+0000); nothing else of the SQL changes.
    CHECK(text.find("\\u0000") == std::string::npos);
    bool replaced = false;
    for (const auto& s : file["statements"]) replaced = replaced || s["sql"].get<std::string>().find("a\xEF\xBF\xBD" "b") != std::string::npos;
    CHECK(replaced);

    // Without the upload's members it is the documented report (`--format json`), NUL aside.
    std::ostringstream plain;
    annotate::write_json_report(report, plain);
    json documented = json::parse(plain.str());
    json uploaded = body["report"];
    drop_upload_members(uploaded);
    for (auto& s : documented["files"][0]["statements"]) {
        auto sql = s["sql"].get<std::string>();
        for (auto at = sql.find('\0'); at != std::string::npos; at = sql.find('\0', at)) sql.replace(at, 1, "\xEF\xBF\xBD");
        s["sql"] = sql;
    }
    CHECK(uploaded == documented);
}

TEST_CASE("the upload body without SQL: every SQL text is the fixed line, the rest stays") {
    const analyze::Report report = report_of(k_text);
    const auto envelope = envelope_of(report, k_text, false);
    json body = json::parse(bot::governance::body_text(envelope));
    CHECK(body["sql_included"] == false);
    const json& file = body["report"]["files"].at(0);
    const std::string left_out(bot::governance::k_sql_left_out);
    for (const auto& s : file["statements"]) CHECK(s["sql"] == left_out);
    int steps = 0;
    for (const auto& f : file["findings"]) {
        if (!f["recipe"].is_object()) continue;
        for (const auto& step : f["recipe"]["steps"]) {
            CHECK(step["sql"] == left_out);
            ++steps;
        }
    }
    CHECK(steps > 0);
    CHECK(file["suppressed"][0]["suppression_on_base"] == false);
    CHECK(body.dump().find("COMMENT ON TABLE users IS") == std::string::npos);
}

TEST_CASE("a large upload body is handed on a piece at a time, never whole") {
    std::string text;
    for (int i = 0; i < 6000; ++i) text += "UPDATE t SET id = " + std::to_string(i) + " WHERE id = 0;\n";
    const analyze::Report report = report_of(text);
    const auto envelope = envelope_of(report, text, true);
    std::vector<std::size_t> pieces;
    std::string whole;
    envelope.write_body([&](std::string_view piece) {
        pieces.push_back(piece.size());
        whole.append(piece);
        return true;
    });
    CHECK(whole.size() == envelope.body_size);
    REQUIRE(envelope.body_size > (4u << 20));
    CHECK(pieces.size() >= 4);
    // About a megabyte each: what is held of the body at a time.
    CHECK(*std::max_element(pieces.begin(), pieces.end()) < (5u << 19));
    json body = json::parse(whole);
    CHECK(body["report"]["files"][0]["statements"].size() == 6000);
    CHECK(body["report"]["summary"]["statements"] == 6000);

    // A sink that fails (the connection broke) is not written to again.
    std::size_t calls = 0;
    envelope.write_body([&](std::string_view) {
        ++calls;
        return false;
    });
    CHECK(calls == 1);
}
