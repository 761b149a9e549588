// A release tool's JSON or YAML text (analyze/migrations/release_text.hpp, red team R88 F1): escapes
// decoded as JSON.parse and the yaml package decode them, and the lines a line reader cannot read.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/migrations/release_text.hpp"

using namespace pgfence::analyze::tools;

namespace {
std::string decoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
        } else if (!decode_escape(s, i, out)) {
            return "<undecoded>";
        }
    }
    return out;
}
}  // namespace

TEST_CASE("release text: JSON and YAML escapes decode as their parsers do") {
    CHECK(decoded("prepare\\u0043md") == "prepareCmd");
    CHECK(decoded("prepare\\x43md") == "prepareCmd");
    CHECK(decoded("\\U00000061fter:bump") == "after:bump");
    CHECK(decoded("a\\/b\\\"c\\\\d\\n") == "a/b\"c\\d\n");
    CHECK(decoded("\\uD83D\\uDE00") == "\xF0\x9F\x98\x80");
    CHECK(decoded("\\u00e9") == "\xC3\xA9");
    CHECK(decoded("\\q") == "<undecoded>");
    CHECK(decoded("\\u00g0") == "<undecoded>");
    CHECK(decoded("\\x4") == "<undecoded>");
}

TEST_CASE("release text: lines a line reader cannot read are named, ordinary ones are not") {
    CHECK(release_line_opaque(R"(  "successCmd": "echo released",)").empty());
    CHECK(release_line_opaque(R"(      "message": "chore(release): ${nextRelease.version} [skip ci]\n\n${nextRelease.notes}")").empty());
    CHECK(release_line_opaque("    - successCmd: echo don't panic, it's released").empty());
    CHECK(release_line_opaque("branches: ['+([0-9])?(.{+([0-9]),x}).x', main]").empty());
    CHECK(release_line_opaque("  - - '@semantic-release/exec'  # the exec plugin").empty());
    CHECK(release_line_opaque(R"({"a":"b\u0041"})").empty());
    CHECK(release_line_opaque(R"(  "prepare\q": "x")") == "an escape pgfence does not decode");
    CHECK(release_line_opaque(R"({"a":"b\q"})") == "an escape pgfence does not decode");
    CHECK(release_line_opaque("prepareCmd: !!str npx knex") == "a YAML tag");
    CHECK(release_line_opaque("x: &down npx knex") == "a YAML anchor or alias");
    CHECK(release_line_opaque("    - prepareCmd: *down") == "a YAML anchor or alias");
    CHECK(release_line_opaque("<<: *base") == "a YAML merge key");
    CHECK(release_line_opaque("? prepareCmd") == "a YAML explicit key");
    CHECK(release_line_opaque(R"(prepareCmd: "npx knex)") == "a quoted value that goes on past its line");
}
