// The streaming writer behind `--format json`: nlohmann's dump(2) layout exactly, keys in
// byte order, and nlohmann's escaping (invalid UTF-8 replaced) on awkward strings.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "annotate/json_writer.hpp"

using namespace pgfence::annotate;

namespace {

std::string nlohmann_dump(const nlohmann::json& j, int indent = 2) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("json writer: the layout is nlohmann's dump(2), empty containers included") {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.key("a").begin_array();
    w.number(std::int64_t{1});
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.null();
    w.end_array();
    w.member("b", true).member("c", std::string("x")).member("d", -7);
    w.key("e").begin_object();
    w.member("f", 2.5).member("g", 1.0);
    w.end_object();
    w.end_object();
    nlohmann::json expected = {{"a", {1, nlohmann::json::object(), nlohmann::json::array(), nullptr}},
                               {"b", true}, {"c", "x"}, {"d", -7}, {"e", {{"f", 2.5}, {"g", 1.0}}}};
    CHECK(out == nlohmann_dump(expected));
}

TEST_CASE("json writer: a base indent shifts every line after the first") {
    std::string out;
    JsonWriter w(out, 4);
    w.begin_object();
    w.member("k", 1);
    w.end_object();
    CHECK(out == "{\n      \"k\": 1\n    }");
}

TEST_CASE("json writer: keys out of byte order are refused; last_key may break it") {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    w.member("skip_reason", 1);
    CHECK_THROWS_AS(w.key("skip"), std::logic_error);
    w.member("skipped", 2);
    w.last_key("files").number(std::int64_t{3});
    w.end_object();
    CHECK(out.find("\"files\": 3") != std::string::npos);
}

TEST_CASE("json writer: escaping equals nlohmann's, invalid UTF-8 included") {
    const std::string cases[] = {
        "plain", "quote \" and \\ backslash", "\b\f\n\r\t\x01\x1f\x7f", std::string("nul\0byte", 8),
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "latin1 caf\xE9!", "\xC0\xAF overlong", "\xED\xA0\x80 surrogate",
        "\xF4\x90\x80\x80 too high", "truncated \xE2\x82", "\xE2\x82x mid-sequence", "\x80\x80 stray", "\xFF\xFE",
        "end \xF0\x9F\x98"};
    for (const std::string& s : cases) {
        INFO(s);
        std::string ours = "\"";
        append_json_escaped(ours, s);
        ours += '"';
        CHECK(ours == nlohmann_dump(nlohmann::json(s), -1));
    }
}

TEST_CASE("json writer: compact is nlohmann's dump(-1); a NUL may be written as U+FFFD") {
    std::string out;
    JsonWriter w(out, JsonWriter::k_compact);
    w.begin_object();
    w.key("a").begin_array();
    w.number(std::int64_t{1});
    w.begin_object();
    w.end_object();
    w.null();
    w.end_array();
    w.member("b", std::string("x\ny", 3)).member("c", std::string("n\0l", 3));
    w.key("d").begin_object();
    w.member("e", 2.5);
    w.end_object();
    w.end_object();
    nlohmann::json expected = {{"a", {1, nlohmann::json::object(), nullptr}}, {"b", "x\ny"}, {"c", std::string("n\0l", 3)},
                               {"d", {{"e", 2.5}}}};
    CHECK(out == nlohmann_dump(expected, -1));

    std::string replaced;
    JsonWriter r(replaced, JsonWriter::k_compact);
    r.nul_as_replacement(true);
    r.string(std::string("n\0l", 3));
    CHECK(replaced == "\"n\xEF\xBF\xBDl\"");
}
