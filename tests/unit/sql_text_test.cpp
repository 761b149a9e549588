// The rules' helpers that read SQL text by hand (recipes quote the user's own SQL back).
#include <catch2/catch.hpp>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"

using namespace pgfence::analyze;
using namespace pgfence::analyze::rules;

TEST_CASE("skip_token steps over quotes, comments and dollar quotes as PostgreSQL's lexer does") {
    SECTION("quoted strings and identifiers, with doubled quotes inside") {
        CHECK(skip_token("'it''s' x", 0) == 7);
        CHECK(skip_token("\"a\"\"b\" x", 0) == 6);
        CHECK(skip_token("'unterminated", 0) == 13);
    }
    SECTION("comments") {
        CHECK(skip_token("-- c\nx", 0) == 5);
        CHECK(skip_token("/* c */x", 0) == 7);
        CHECK(skip_token("- 1", 0) == 0);
    }
    SECTION("dollar quotes, with and without a tag") {
        CHECK(skip_token("$$ a ' b $$ x", 0) == 11);
        CHECK(skip_token("$body$ $$ $body$;", 0) == 16);
        CHECK(skip_token("$_t1$x$_t1$", 0) == 11);
        CHECK(skip_token("$é$x$é$", 0) == 9);  // a multi-byte letter in the tag
    }
    SECTION("a `$` that opens no quote") {
        CHECK(skip_token("$1, $2", 0) == 0);          // a parameter
        CHECK(skip_token("$1$ x $1$", 0) == 0);       // a tag cannot start with a digit
        CHECK(skip_token("a$b$ c $b$", 1) == 1);      // inside an identifier
        CHECK(skip_token("a_$$ x $$", 2) == 2);
        CHECK(skip_token("x", 0) == 0);
    }
}

TEST_CASE("insert_after_keyword skips quoted and commented keywords") {
    CHECK(insert_after_keyword("CREATE INDEX i ON t (a)", "INDEX", "CONCURRENTLY") ==
          "CREATE INDEX CONCURRENTLY i ON t (a)");
    CHECK(insert_after_keyword("CREATE /* INDEX */ INDEX \"INDEX\" ON t (a)", "INDEX", "CONCURRENTLY") ==
          "CREATE /* INDEX */ INDEX CONCURRENTLY \"INDEX\" ON t (a)");
}

TEST_CASE("keywords are found as whole words at the top level") {
    CHECK(keyword_at("a using b", 2, "USING"));
    CHECK(keyword_at("a Using(b)", 2, "USING"));
    CHECK_FALSE(keyword_at("a usings", 2, "USING"));
    CHECK_FALSE(keyword_at("x$using", 2, "USING"));  // `$` continues an identifier
    CHECK_FALSE(keyword_at("x_using", 2, "USING"));
    std::string_view sql = "c int CHECK (x IN (1)) /* IN */ DEFAULT 'IN' IN (2)";
    CHECK(find_keyword(sql, 0, sql.size(), "IN") == sql.rfind("IN ("));
    CHECK(find_keyword(sql, 0, 20, "IN") == std::string_view::npos);  // bounded by `to`
    CHECK(find_keyword(sql, 0, sql.size(), "RETURNING") == std::string_view::npos);
    Range g = group_at(sql, sql.rfind("IN ("));
    CHECK(sql.substr(g.begin, g.end - g.begin) == "(2)");
    CHECK_FALSE(group_at(sql, std::string_view::npos).found());
}

TEST_CASE("the recipe text helpers") {
    CHECK(trim("  \n a b \t") == "a b");
    CHECK(comment_lines("one\n\ntwo") == "-- one\n--\n-- two");
    CHECK(quote_literal("it's") == "'it''s'");
    CHECK(parenthesised("CHECK (a > ')' AND (b))", 0) == "(a > ')' AND (b))");
    CHECK(parenthesised("CHECK /* ( */ ($$)$$ <> a) x", 0) == "($$)$$ <> a)");
    CHECK(parenthesised("no group", 0).empty());
}

TEST_CASE("skip_token reads what the splitter reads (one tokenizer)") {
    CHECK(skip_token("/* a /* b */ c */x", 0) == 17);  // block comments nest
    CHECK(skip_token("E'\\'' x", 0) == 5);             // E'' takes backslash escapes
    CHECK(find_keyword("a /* x /* y */ ON */ ON b", 0, 25, "ON") == 21);
}
