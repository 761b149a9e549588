// The splitter and the spans built on it: every lexical form that can hide a ';' from a
// naive split, and the exact line/column/offset of each statement.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/parse/splitter.hpp"

using namespace pgfence::analyze;

namespace {

std::vector<RawStatement> split(std::string_view text) {
    return split_statements(text, Region{0, text.size(), false});
}

// The text of each statement the splitter finds.
std::vector<std::string> pieces(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& s : split(text)) out.emplace_back(text.substr(s.begin, s.end - s.begin));
    return out;
}

using Pieces = std::vector<std::string>;

// Facts only: the rules have tests of their own.
FileReport analyze_plain(std::string_view text) {
    AnalyzeOptions options;
    options.run_rules = false;
    return analyze_text("spans.sql", text, options);
}

}  // namespace

TEST_CASE("splitter: plain statements split on top-level semicolons") {
    CHECK(pieces("SELECT 1; SELECT 2;") == Pieces{"SELECT 1", "SELECT 2"});
    // The last statement needs no ';'.
    CHECK(pieces("SELECT 1;\nSELECT 2") == Pieces{"SELECT 1", "SELECT 2"});
    // Empty statements and comment-only pieces are dropped.
    CHECK(pieces(";;  ; -- nothing\n/* still nothing */ ;").empty());
    CHECK(pieces("").empty());
}

TEST_CASE("splitter: semicolons inside standard strings do not split") {
    CHECK(pieces("SELECT 'a;b'; SELECT 2;") == Pieces{"SELECT 'a;b'", "SELECT 2"});
    // A doubled quote is part of the string.
    CHECK(pieces("SELECT 'it''s; fine'; SELECT 2") == Pieces{"SELECT 'it''s; fine'", "SELECT 2"});
    // With standard_conforming_strings (the default since 9.1) a backslash is an ordinary
    // character: 'a\' is a complete string and the ';' after it splits.
    CHECK(pieces("SELECT 'a\\'; SELECT 2") == Pieces{"SELECT 'a\\'", "SELECT 2"});
}

TEST_CASE("splitter: E'' strings honour backslash escapes") {
    CHECK(pieces("SELECT E'it\\'s; still'; SELECT 2") == Pieces{"SELECT E'it\\'s; still'", "SELECT 2"});
    CHECK(pieces("SELECT e'\\\\'; SELECT 3") == Pieces{"SELECT e'\\\\'", "SELECT 3"});
    // Both ways of writing a quote inside one E'' string.
    CHECK(pieces("SELECT E'a''\\'; b'; SELECT 2") == Pieces{"SELECT E'a''\\'; b'", "SELECT 2"});
    // Only a lone E prefix makes an escape string: a typed literal whose type ends in e
    // (date'...') is a standard string.
    CHECK(pieces("SELECT date'x\\'; SELECT 4") == Pieces{"SELECT date'x\\'", "SELECT 4"});
}

TEST_CASE("splitter: quoted identifiers may contain semicolons and quotes") {
    CHECK(pieces("CREATE TABLE \"a;b\" (id int); SELECT 1") == Pieces{"CREATE TABLE \"a;b\" (id int)", "SELECT 1"});
    CHECK(pieces("SELECT 1 AS \"x\"\";'\"; SELECT 2") == Pieces{"SELECT 1 AS \"x\"\";'\"", "SELECT 2"});
}

TEST_CASE("splitter: dollar quotes, with and without a tag") {
    std::string fn = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; SELECT 2; $$ LANGUAGE sql";
    CHECK(pieces(fn + "; SELECT 3;") == Pieces{fn, "SELECT 3"});

    // $$ inside $body$ does not close it.
    std::string dollar_in_tag = "DO $body$ BEGIN PERFORM $$;$$; RAISE NOTICE ';'; END $body$";
    CHECK(pieces(dollar_in_tag + ";\nSELECT 1") == Pieces{dollar_in_tag, "SELECT 1"});

    // $1 is a parameter and a$b an identifier, not the start of a dollar quote.
    CHECK(pieces("PREPARE p AS SELECT $1; SELECT 2") == Pieces{"PREPARE p AS SELECT $1", "SELECT 2"});
    CHECK(pieces("SELECT a$b; SELECT 2") == Pieces{"SELECT a$b", "SELECT 2"});
    // A tag cannot start with a digit: "$1$" is the parameter $1 and then a '$'.
    CHECK(pieces("SELECT $1$x; SELECT 2") == Pieces{"SELECT $1$x", "SELECT 2"});
}

TEST_CASE("splitter: semicolons inside parentheses do not split") {
    // A rule's action list is the one place a top-level statement has ';' inside parentheses;
    // psql splits only at parenthesis depth 0 as well.
    std::string rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))";
    CHECK(pieces(rule + ";\nSELECT 1;") == Pieces{rule, "SELECT 1"});
    // An unbalanced ')' does not stop later statements from splitting.
    CHECK(pieces("SELECT 1); SELECT 2; SELECT 3") == Pieces{"SELECT 1)", "SELECT 2", "SELECT 3"});
}

TEST_CASE("splitter: comments, nested block comments and quotes inside comments") {
    CHECK(pieces("/* outer /* inner; */ still; */ SELECT 1; SELECT 2") == Pieces{"SELECT 1", "SELECT 2"});
    CHECK(pieces("SELECT 1; -- a; b\nSELECT 2;") == Pieces{"SELECT 1", "SELECT 2"});
    // An apostrophe in a comment opens no string.
    CHECK(pieces("-- it's here\nSELECT 1; /* don't */ SELECT 2;") == Pieces{"SELECT 1", "SELECT 2"});
    // A comment between tokens stays inside the statement; one after the last token does not.
    CHECK(pieces("SELECT /* c; */ 1 -- tail\n; SELECT 2") == Pieces{"SELECT /* c; */ 1", "SELECT 2"});
}

TEST_CASE("splitter: BEGIN ATOMIC function bodies keep their semicolons") {
    std::string fn =
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n"
        "  SELECT CASE WHEN true THEN 2 END;\nEND";
    CHECK(pieces(fn + ";\nSELECT 3;") == Pieces{fn, "SELECT 3"});

    std::string proc = "create procedure p() language sql begin atomic insert into t values (1); end";
    CHECK(pieces(proc + "; SELECT 4") == Pieces{proc, "SELECT 4"});

    // A transaction's BEGIN is not a function body.
    CHECK(pieces("BEGIN; SELECT 1; COMMIT;") == Pieces{"BEGIN", "SELECT 1", "COMMIT"});
}

TEST_CASE("splitter: unterminated quotes and comments run to the end and are flagged") {
    auto string_case = split("SELECT 1; SELECT 'abc; SELECT 2");
    REQUIRE(string_case.size() == 2);
    CHECK_FALSE(string_case[0].unterminated_quote);
    CHECK(string_case[1].unterminated_quote);
    CHECK(string_case[1].end == std::string_view("SELECT 1; SELECT 'abc; SELECT 2").size());

    std::string_view ident = "SELECT \"abc; SELECT 2";
    REQUIRE(split(ident).size() == 1);
    CHECK(split(ident)[0].unterminated_quote);

    std::string_view dollar = "SELECT 1; DO $x$ BEGIN; SELECT 2";
    REQUIRE(split(dollar).size() == 2);
    CHECK(split(dollar)[1].unterminated_quote);

    std::string_view comment = "SELECT 1 /* never closed; SELECT 2";
    REQUIRE(split(comment).size() == 1);
    CHECK(split(comment)[0].unterminated_quote);
}

TEST_CASE("splitter: only the region asked for is split") {
    std::string_view text = "SELECT 1; SELECT 2; SELECT 3;";
    auto middle = split_statements(text, Region{10, 19, false});
    REQUIRE(middle.size() == 1);
    CHECK(text.substr(middle[0].begin, middle[0].end - middle[0].begin) == "SELECT 2");
}

TEST_CASE("splitter: CRLF line endings stay out of statements") {
    CHECK(pieces("SELECT 1;\r\nSELECT\r\n  2;\r\n") == Pieces{"SELECT 1", "SELECT\r\n  2"});
    auto report = analyze_plain("SELECT 1;\r\n\r\nALTER TABLE t\r\n  ADD COLUMN c int;\r\n");
    REQUIRE(report.statements.size() == 2);
    const auto& s = report.statements[1];
    CHECK(s.span.start.line == 3);
    CHECK(s.span.start.column == 1);
    CHECK(s.span.stop.line == 4);
    CHECK(s.span.stop.column == 18);  // the 't' of "int", not the '\r'
    CHECK(s.sql == "ALTER TABLE t\r\n  ADD COLUMN c int");
}

TEST_CASE("spans: start is the first token after leading comments and blank lines") {
    std::string text =
        "-- leading comment\n"
        "/* block\n   comment */\n"
        "\n"
        "  ALTER TABLE t ADD COLUMN c int ; -- trailing\n";
    auto report = analyze_plain(text);
    REQUIRE(report.statements.size() == 1);
    const auto& s = report.statements[0];
    CHECK(s.sql == "ALTER TABLE t ADD COLUMN c int");
    CHECK(s.span.start.line == 5);
    CHECK(s.span.start.column == 3);
    CHECK(s.span.stop.line == 5);
    CHECK(s.span.stop.column == 32);  // last character before the space and ';'
    CHECK(s.span.begin == text.find("ALTER"));
    CHECK(s.span.end - s.span.begin == std::string("ALTER TABLE t ADD COLUMN c int").size());
}

TEST_CASE("spans: statements over several lines and several statements on one line") {
    std::string text = "SELECT 1; SELECT\n  2\n  + 3;\nCREATE TABLE t (id int)";
    auto report = analyze_plain(text);
    REQUIRE(report.statements.size() == 3);
    CHECK(report.statements[1].span.start.line == 1);
    CHECK(report.statements[1].span.start.column == 11);
    CHECK(report.statements[1].span.stop.line == 3);
    CHECK(report.statements[1].span.stop.column == 5);
    // The last statement has no ';': its end is the file's last character.
    CHECK(report.statements[2].span.start.line == 4);
    CHECK(report.statements[2].span.stop.column == 23);
    CHECK(report.statements[2].span.end == text.size());
    for (std::size_t i = 0; i < 3; ++i) CHECK(report.statements[i].index == static_cast<int>(i));
}

TEST_CASE("spans: columns count UTF-8 characters, offsets count bytes") {
    std::string text = "SELECT 'é'; SELECT 'ü';\n";
    auto report = analyze_plain(text);
    REQUIRE(report.statements.size() == 2);
    const auto& second = report.statements[1];
    CHECK(second.span.begin == 13);         // "SELECT 'é';" is 12 bytes, then a space
    CHECK(second.span.start.column == 13);  // ... but 11 characters and a space
    CHECK(second.span.stop.column == 22);
    CHECK(second.span.end - second.span.begin == 11);
    CHECK(second.sql == "SELECT 'ü'");
}

TEST_CASE("spans: a statement ending in a multi-byte character ends at that character's column") {
    auto report = analyze_plain("SELECT 1 AS café;\n");
    REQUIRE(report.statements.size() == 1);
    const auto& s = report.statements[0];
    CHECK(s.sql == "SELECT 1 AS café");
    CHECK(s.span.end - s.span.begin == 17);  // bytes
    CHECK(s.span.stop.line == 1);
    CHECK(s.span.stop.column == 16);  // characters: the é is the 16th
}

TEST_CASE("an unbalanced parenthesis does not swallow the statements after it") {
    std::string text = "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0;\nDROP TABLE x;\nCREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);\nSELECT 1;";
    auto parts = pgfence::analyze::split_statements(text, pgfence::analyze::Region{0, text.size(), false});
    REQUIRE(parts.size() == 4);
    CHECK(text.substr(parts[1].begin, parts[1].end - parts[1].begin) == "DROP TABLE x");
    CHECK(text.substr(parts[2].begin, parts[2].end - parts[2].begin) ==
          "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)");
}

TEST_CASE("for_each_statement hands the statements one at a time, as split_statements lists them, and stops when asked") {
    // A goose StatementBegin/End region (`single`) loses its final ';' either way.
    std::string text = "SELECT 1; -- a ; in a comment\nSELECT ';'; DO $$ BEGIN PERFORM 1; END $$;\nSELECT 3";
    for (bool single : {false, true}) {
        Region region{0, text.size(), single};
        std::vector<RawStatement> listed = split_statements(text, region);
        std::vector<RawStatement> handed;
        for_each_statement(text, region, [&](const RawStatement& s) {
            handed.push_back(s);
            return true;
        });
        REQUIRE(handed.size() == listed.size());
        for (std::size_t i = 0; i < listed.size(); ++i) {
            CHECK(handed[i].begin == listed[i].begin);
            CHECK(handed[i].end == listed[i].end);
            CHECK(handed[i].unterminated_quote == listed[i].unterminated_quote);
        }
    }
    REQUIRE(split(text).size() == 4);
    int seen = 0;
    for_each_statement(text, Region{0, text.size(), false}, [&](const RawStatement&) { return ++seen < 2; });
    CHECK(seen == 2);
    // An empty region, or one past the text's end, hands nothing.
    seen = 0;
    for_each_statement(text, Region{text.size(), text.size() + 10, false}, [&](const RawStatement&) { return ++seen > 0; });
    CHECK(seen == 0);
}

TEST_CASE("splitter: psql meta-commands that start a statement are blanked, offsets kept") {
    // pg_dump 15.14 and later (Debian 12's 15.18 included) writes \restrict KEY first and
    // \unrestrict KEY last; a backslash inside a string or a function body is SQL's.
    const std::string dump = "--\n\\restrict abc123\n\nSET statement_timeout = 0;\n"
                             "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$\n\\x is not psql here\n$$;\n"
                             "SELECT E'\\\\n';\n\\connect shop\n\\unrestrict abc123\n";
    const std::string out = without_psql_meta_commands(dump);
    REQUIRE(out.size() == dump.size());
    CHECK(out.find("\\restrict") == std::string::npos);
    CHECK(out.find("\\unrestrict") == std::string::npos);
    CHECK(out.find("\\connect") == std::string::npos);
    CHECK(out.find("\\x is not psql here") != std::string::npos);
    CHECK(out.find("SELECT E'\\\\n'") != std::string::npos);
    std::vector<std::string> statements;
    for (const RawStatement& raw : split_statements(out, Region{0, out.size(), false, false})) {
        statements.push_back(out.substr(raw.begin, raw.end - raw.begin));
    }
    REQUIRE(statements.size() == 3);
    CHECK(statements[0] == "SET statement_timeout = 0");
    CHECK(out.find("SET statement_timeout") == dump.find("SET statement_timeout"));
}

TEST_CASE("splitter: a psql meta-command runs to the end of its line, quotes and all; \\gexec ends the statement") {
    // `\echo it's` holds a quote psql never reads as SQL: the statements after it are not
    // swallowed into a string. `SELECT ... \gexec` sends the SELECT, as a ';' would.
    const std::string script = "\\echo it's starting\nCREATE TABLE a (id int);\n"
                               "SELECT format('CREATE INDEX ON a (%I)', 'id') \\gexec\n"
                               "CREATE TABLE b (id int);\n";
    const std::string out = without_psql_meta_commands(script);
    REQUIRE(out.size() == script.size());
    CHECK(out.find("\\echo") == std::string::npos);
    CHECK(out.find("\\gexec") == std::string::npos);
    std::vector<std::string> statements;
    for (const RawStatement& raw : split_statements(out, Region{0, out.size(), false, false})) {
        std::string s = out.substr(raw.begin, raw.end - raw.begin);
        while (!s.empty() && s.back() == ' ') s.pop_back();
        statements.push_back(s);
    }
    REQUIRE(statements.size() == 3);
    CHECK(statements[0] == "CREATE TABLE a (id int)");
    CHECK(statements[1] == "SELECT format('CREATE INDEX ON a (%I)', 'id')");
    CHECK(statements[2] == "CREATE TABLE b (id int)");
}
