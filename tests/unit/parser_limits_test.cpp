// Nesting limits of the parsers (issue #13 item 7): SQL and ORM scripts nested at the limit are
// read as usual; past it they become one "too deeply nested" statement, never a stack overflow,
// and the rest of the file is still read. The end-to-end version runs the binary
// (tests/hostile/test_parser_limits.py).
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/parse/limits.hpp"
#include "analyze/orm/js_ast.hpp"
#include "analyze/parse/parse_tree.hpp"
#include "analyze/parse/pg_parser.hpp"

using namespace pgfence::analyze;

namespace {

std::string repeat(const std::string& s, int n) {
    std::string out;
    out.reserve(s.size() * static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

std::string chain(const std::string& term, const std::string& op, int terms) {
    std::string out = term;
    for (int i = 1; i < terms; ++i) out += op + term;
    return out;
}

// As analyze_text does: the reader recurses once per level, on a thread with a large stack.
orm::JsFile parse(const std::string& text) {
    orm::JsFile file;
    run_on_large_stack([&] { file = orm::parse_js(text); });
    return file;
}

bool too_deep(const ParsedStatement& p) {
    return p.failure && p.failure->message.rfind("too deeply nested: ", 0) == 0;
}

// A JavaScript construct nested `depth` times.
std::string js(const std::string& shape, int depth) {
    if (shape == "parens") return "x = " + repeat("(", depth) + "1" + repeat(")", depth) + ";";
    if (shape == "arrays") return "x = " + repeat("[", depth) + "1" + repeat("]", depth) + ";";
    if (shape == "objects") return "x = " + repeat("{a: ", depth) + "1" + repeat("}", depth) + ";";
    if (shape == "plus") return "x = " + chain("'a'", " + ", depth) + ";";
    if (shape == "calls") return "x = " + repeat("f(", depth) + "1" + repeat(")", depth) + ";";
    if (shape == "arrows") return "x = " + repeat("y => ", depth) + "1;";
    if (shape == "blocks") return repeat("{", depth) + repeat("}", depth);
    if (shape == "ternaries") return "x = " + repeat("c ? ", depth) + "1" + repeat(" : 2", depth) + ";";
    if (shape == "templates") return "x = `" + repeat("${`", depth - 1) + "${1}" + repeat("`}", depth - 1) + "`;";
    if (shape == "members") return "x = a" + repeat(".b", depth) + ";";
    if (shape == "calls_chained") return "x = f" + repeat("()", depth) + ";";
    if (shape == "unary") return "x = " + repeat("!", depth) + "1;";
    return "";
}

}  // namespace

TEST_CASE("SQL operator chains and brackets at the limit parse, past it are refused", "[limits]") {
    // Each + or || adds one level; the statement's other levels (SELECT) leave some headroom.
    CHECK_FALSE(parse_statement("SELECT " + chain("1", "+", k_max_sql_nesting - 10)).failure);
    CHECK_FALSE(parse_statement("SELECT " + chain("'a'", "||", k_max_sql_nesting - 10)).failure);
    CHECK_FALSE(parse_statement("SELECT " + repeat("abs(", k_max_sql_nesting - 10) + "1" + repeat(")", k_max_sql_nesting - 10)).failure);
    CHECK_FALSE(parse_statement("SELECT " + repeat("(", k_max_sql_nesting - 10) + "1" + repeat(")", k_max_sql_nesting - 10)).failure);
    CHECK_FALSE(parse_statement("SELECT " + repeat("ARRAY[", 500) + "1" + repeat("]", 500)).failure);

    CHECK(too_deep(parse_statement("SELECT " + chain("1", "+", 80000))));
    CHECK(too_deep(parse_statement("SELECT " + chain("'a'", "||", 80000))));
    CHECK(too_deep(parse_statement("SELECT " + chain("1", "+", k_max_sql_nesting + 10))));
    CHECK(too_deep(parse_statement("SELECT " + repeat("(", 3000) + "1" + repeat(")", 3000))));
    CHECK(too_deep(parse_statement("SELECT " + repeat("abs(", k_max_sql_nesting + 10) + "1" + repeat(")", k_max_sql_nesting + 10))));
    CHECK(too_deep(parse_statement("SELECT 1" + repeat("::int", k_max_sql_nesting + 10))));
    CHECK(too_deep(parse_statement("SELECT " + repeat("NOT ", k_max_sql_nesting + 10) + "true")));
    CHECK(too_deep(parse_statement(chain("SELECT 1", " UNION ", k_max_sql_nesting + 10))));
    CHECK(too_deep(parse_statement("SELECT * FROM t" + repeat(" JOIN t ON true", k_max_sql_nesting + 10))));
    // Brackets and chains add up: 600 brackets each around a 600-term chain.
    CHECK(too_deep(parse_statement("SELECT " + repeat(chain("1", "+", 600) + "+(", 600) + "1" + repeat(")", 600))));
}

TEST_CASE("the SQL pre-scan skips quotes, comments and dollar quotes", "[limits]") {
    std::string inside = repeat("(", 5000);
    CHECK_FALSE(sql_too_deep("SELECT '" + inside + "'"));
    CHECK_FALSE(sql_too_deep("SELECT \"" + inside + "\""));
    CHECK_FALSE(sql_too_deep("SELECT $x$" + inside + "$x$"));
    CHECK_FALSE(sql_too_deep("SELECT 1 -- " + inside + "\n"));
    CHECK_FALSE(sql_too_deep("SELECT 1 /* " + inside + " */"));
    CHECK_FALSE(sql_too_deep("SELECT E'\\'" + inside + "'"));
    // Commas, AND and OR end a chain (the parser flattens them): a long list is no nesting.
    CHECK_FALSE(sql_too_deep("INSERT INTO t VALUES " + chain("(1+1)", ", ", 50000)));
    CHECK_FALSE(sql_too_deep("SELECT 1 WHERE " + chain("a = 1", " AND ", 50000)));
    CHECK_FALSE(sql_too_deep("SELECT 1 WHERE " + chain("a = 1", " OR ", 50000)));
    auto deep = sql_too_deep("SELECT " + chain("1", "+", 5000));
    REQUIRE(deep);
    CHECK(deep->offset > 0);
    CHECK(deep->offset < 3000);
}

TEST_CASE("a DO block nested past the limit is refused", "[limits]") {
    std::string body = "BEGIN PERFORM " + chain("1", "+", 80000) + "; END";
    CHECK(too_deep(parse_plpgsql_body(body)));
    CHECK_FALSE(parse_plpgsql_body("BEGIN PERFORM " + chain("1", "+", 500) + "; END").failure);
}

TEST_CASE("the JSON decoder refuses a tree deeper than its limit", "[limits]") {
    ParseTree tree;
    run_on_large_stack([&] { tree = ParseTree::decode(repeat("[", 100000) + repeat("]", 100000)); });
    CHECK_FALSE(tree.ok());
    CHECK(tree.error().find("too deeply") != std::string::npos);
}

TEST_CASE("every nested JavaScript construct: read at the limit, refused past it", "[limits][orm]") {
    for (const char* shape : {"parens", "arrays", "objects", "plus", "calls", "arrows", "blocks", "ternaries", "templates",
                              "members", "calls_chained", "unary"}) {
        INFO(shape);
        // The statement around the construct takes a few levels of its own.
        orm::JsFile at = parse(js(shape, k_max_js_nesting - 10));
        CHECK(at.too_deep.empty());
        orm::JsFile past = parse("a();\n" + js(shape, 3000) + "\nb();");
        REQUIRE(past.too_deep.size() == 1);
        CHECK(past.too_deep[0] > 4);
        // The statement after it is still read.
        REQUIRE_FALSE(past.statements.empty());
        CHECK(past.statements.back().kind == orm::NodeKind::Call);
        CHECK(orm::dotted_name(past.statements.back().kids[0]) == "b");
    }
}

TEST_CASE("a knex migration with a construct past the limit reports it and the rest", "[limits][orm]") {
    std::string script = "exports.up = async function (knex) {\n"
                         "  await knex.raw('CREATE INDEX a_idx ON t (a)');\n"
                         "  await knex.raw(" + repeat("(", 3000) + "'SELECT 1'" + repeat(")", 3000) + ");\n"
                         "  await knex.raw('CREATE INDEX b_idx ON t (b)');\n"
                         "};\n";
    AnalyzeOptions options;
    options.input_format = orm::InputFormat::Knex;
    FileReport report = analyze_text("migrations/1_x.js", script, options);
    REQUIRE(report.statements.size() == 3);
    CHECK(report.statements[0].sql == "CREATE INDEX a_idx ON t (a)");
    CHECK(report.statements[1].status == StatementStatus::Unparsable);
    REQUIRE(report.statements[1].parse_error);
    CHECK(report.statements[1].parse_error->message.rfind("too deeply nested: ", 0) == 0);
    CHECK(report.statements[1].parse_error->where->line == 3);
    CHECK(report.statements[2].sql == "CREATE INDEX b_idx ON t (b)");
}

TEST_CASE("a SQL file with a statement past the limit reports it and the rest", "[limits]") {
    AnalyzeOptions options;
    FileReport report = analyze_text("x.sql", "SELECT 1;\nSELECT " + chain("1", "+", 80000) + ";\nCREATE INDEX i ON t (c);\n", options);
    REQUIRE(report.statements.size() == 3);
    CHECK(report.statements[1].status == StatementStatus::Unparsable);
    CHECK(report.statements[1].parse_error->where->line == 2);
    CHECK(report.statements[2].kind == "IndexStmt");
}

TEST_CASE("a file over max_file_bytes is one error", "[limits]") {
    AnalyzeOptions options;
    options.max_file_bytes = 100;
    FileReport report = analyze_text("big.sql", std::string(101, ' '), options);
    REQUIRE(report.error);
    CHECK(report.error->describe() == "big.sql: is 101 bytes, over --max-file-size (1 MB)");
    CHECK(report.statements.empty());
    CHECK(file_too_large(std::uint64_t{100} << 20, std::uint64_t{16} << 20) == "is 100 MB, over --max-file-size (16 MB)");
}
