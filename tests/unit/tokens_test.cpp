// The one SQL tokenizer: the token kinds scan.l tells apart, tolerance of text PostgreSQL's
// own scanner would reject (unterminated quotes and comments, invalid UTF-8), and one pass.
#include <catch2/catch.hpp>

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/parse/tokens.hpp"

using namespace pgfence::analyze;

namespace {

struct Seen {
    TokenKind kind;
    std::string text;
    bool unterminated = false;
    bool operator==(const Seen&) const = default;
};

std::vector<Seen> scan(std::string_view text) {
    std::vector<Seen> out;
    Tokenizer tokens(text);
    for (Token t; tokens.next(t);) out.push_back({t.kind, std::string(text.substr(t.begin, t.end - t.begin)), t.unterminated});
    return out;
}

using K = TokenKind;

}  // namespace

TEST_CASE("tokens: the kinds PostgreSQL's lexer tells apart", "[tokens]") {
    CHECK(scan("ALTER TABLE a$b ADD x int;") ==
          std::vector<Seen>{{K::Word, "ALTER"}, {K::Word, "TABLE"}, {K::Word, "a$b"}, {K::Word, "ADD"},
                            {K::Word, "x"}, {K::Word, "int"}, {K::Symbol, ";"}});
    CHECK(scan("'it''s' \"a\"\"b\" E'\\'' X'1F'") ==
          std::vector<Seen>{{K::String, "'it''s'"}, {K::QuotedIdent, "\"a\"\"b\""}, {K::String, "E'\\''"},
                            {K::String, "X'1F'"}});
    // scan.l: a dollar quote's tag is an identifier without '$'; $1 is a parameter.
    CHECK(scan("$$a;b$$ $body$ $$ $body$ $1 $_t1$x$_t1$") ==
          std::vector<Seen>{{K::DollarString, "$$a;b$$"}, {K::DollarString, "$body$ $$ $body$"}, {K::Param, "$1"},
                            {K::DollarString, "$_t1$x$_t1$"}});
    CHECK(scan("$1$ x") == std::vector<Seen>{{K::Param, "$1"}, {K::Symbol, "$"}, {K::Word, "x"}});
    // Block comments nest (scan.l's xc); a line comment takes its line break.
    CHECK(scan("/* a /* b */ ; */x -- c;\ny") ==
          std::vector<Seen>{{K::BlockComment, "/* a /* b */ ; */"}, {K::Word, "x"}, {K::LineComment, "-- c;\n"},
                            {K::Word, "y"}});
    CHECK(scan("12abc(") == std::vector<Seen>{{K::Number, "12abc"}, {K::Symbol, "("}});
}

TEST_CASE("tokens: unterminated quotes and comments run to the end, marked", "[tokens]") {
    for (std::string_view text : {"'abc", "\"abc", "E'ab\\'", "$x$ abc $y$", "/* a /* b */", "$$"}) {
        INFO(text);
        auto seen = scan(text);
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].text == text);
        CHECK(seen[0].unterminated);
    }
    CHECK(scan("-- no line break") == std::vector<Seen>{{K::LineComment, "-- no line break"}});
    CHECK(scan("E'\\") == std::vector<Seen>{{K::String, "E'\\", true}});  // an escape past the end
}

TEST_CASE("tokens: any bytes, valid UTF-8 or not, come out as tokens", "[tokens]") {
    std::string text = "SELECT \xff\xfe\x80 , '\xc3' \"\xe2\x82\" $\xc3\xa9$x$\xc3\xa9$ \x01";
    auto seen = scan(text);
    std::size_t covered = 0;
    for (const auto& s : seen) covered += s.text.size();
    CHECK(covered + 6 == text.size());  // every byte but the six spaces
    CHECK(seen[1] == Seen{K::Word, "\xff\xfe\x80"});  // bytes >= 0x80 are letters to scan.l
    CHECK(seen.back() == Seen{K::Symbol, "\x01"});
}

TEST_CASE("tokens: token_at reads one token where it is asked to", "[tokens]") {
    CHECK(token_at("a 'b' c", 2).end == 5);
    CHECK(token_at("a 'b' c", 1).kind == K::Symbol);  // a space is not skipped
    CHECK(token_at("abc", 3).begin == 3);             // past the end: empty
}

TEST_CASE("tokens: one pass over long hostile text", "[tokens][hostile]") {
    // Each shape would cost its length squared if a token were rescanned from its start.
    auto cpu_seconds = [](const std::string& text) {
        std::clock_t start = std::clock();
        std::size_t n = 0;
        Tokenizer tokens(text);
        for (Token t; tokens.next(t);) ++n;
        CHECK(n > 0);
        return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    };
    std::string statements;
    for (int i = 0; i < 100000; ++i) statements += "select $1, 'x', \"y\" /* z */;\n";
    std::string dollars;
    for (int i = 0; i < 100000; ++i) dollars += "$a ";
    for (const std::string& text : {std::string(3'000'000, '\''), std::string(3'000'000, '$'), "$a$" + std::string(3'000'000, '$'),
                                    std::string(1'500'000, '/') + std::string(1'500'000, '*'), statements, dollars}) {
        CHECK(cpu_seconds(text) < 2.0);
    }
}
