// JavaScript's number-to-text for the literals ORM scripts splice into SQL (red team r70 F13-C):
// each expected text is what node prints for String(<literal>) (node 18, Debian 12).
#include <catch2/catch.hpp>

#include "analyze/orm/js_numbers.hpp"

using pgfence::analyze::orm::js_number_text;

TEST_CASE("js_number_text: String(literal) as node prints it") {
    const char* cases[][2] = {
        {"0x10", "16"},
        {"0X1f", "31"},
        {"0o17", "15"},
        {"0b101", "5"},
        {"1_000", "1000"},
        {"1_0", "10"},
        {"2024e0", "2024"},
        {"1e2", "100"},
        {"1E3", "1000"},
        {".5", "0.5"},
        {"5.", "5"},
        {"0.1", "0.1"},
        {"1.50", "1.5"},
        {"1.5e0", "1.5"},
        {"1e21", "1e+21"},
        {"1e20", "100000000000000000000"},
        {"123456789012345680000", "123456789012345680000"},
        {"0.000001", "0.000001"},
        {"0.0000001", "1e-7"},
        {"1e-7", "1e-7"},
        {"1.7976931348623157e308", "1.7976931348623157e+308"},
        {"5e-324", "5e-324"},
        {"0.1e1", "1"},
        {"100", "100"},
        {"0", "0"},
        {"0.0", "0"},
        {"12345678901234567890", "12345678901234567000"},
        {"0.30000000000000004", "0.30000000000000004"},
        {"9007199254740993", "9007199254740992"},
        {"0x20000000000000", "9007199254740992"},
        {"3.14159", "3.14159"},
        {"1e+3", "1000"},
        {"2.5e-3", "0.0025"},
        {"0b1_0", "2"},
    };
    for (const auto& c : cases) {
        INFO(c[0]);
        CHECK(js_number_text(c[0]) == std::string(c[1]));
    }
}

TEST_CASE("js_number_text: what it does not read exactly is declined") {
    // BigInt, legacy octal and leading-zero decimals (errors in strict code), an integer of another
    // base past 2^53, separators not between digits, Infinity, malformed literals.
    for (const char* l : {"10n", "0x10n", "010", "08", "00", "0x20000000000001", "1__0", "1_", "1._5", "1e400", "0x", "0z1",
                          "1e", "1e+", "1.2.3", "0b102", "0o8", "."}) {
        INFO(l);
        CHECK_FALSE(js_number_text(l));
    }
}
