// The JavaScript/TypeScript lexer and call finder under the ORM extractors: decoded strings
// keep the source offset of every byte, template interpolations are found, regexes and
// comments do not derail the rest, and calls are attributed to up() or down() in every
// form migrations declare them.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/orm/extract.hpp"
#include "analyze/orm/js_lexer.hpp"

using namespace pgfence::analyze;
using namespace pgfence::analyze::orm;

namespace {

std::vector<std::string> sql_of(std::string_view text, InputFormat format, Direction direction = Direction::Up) {
    std::vector<std::string> out;
    for (const auto& s : split(extract(text, format, direction))) out.push_back(s.unknown.empty() ? s.sql : "?" + s.unknown);
    return out;
}

}  // namespace

TEST_CASE("strings decode escapes and map every byte to its source offset") {
    std::string text = R"(x('a\'b\n\x41\u00e9'))";
    auto tokens = lex_js(text);
    REQUIRE(tokens.size() == 4);
    const Token& s = tokens[2];
    REQUIRE(s.kind == TokenKind::String);
    CHECK(s.string.value == "a'b\nA\xC3\xA9");
    REQUIRE(s.string.offsets.size() == s.string.value.size());
    CHECK(text[s.string.offsets[0]] == 'a');
    CHECK(text.substr(s.string.offsets[1], 2) == "\\'");
    CHECK(text[s.string.offsets[2]] == 'b');
    CHECK(text.substr(s.string.offsets[4], 2) == "\\x");
    CHECK(s.string.offsets[5] == s.string.offsets[6]);  // both bytes of é come from \u00e9
}

TEST_CASE("template literals split into text and interpolations, nested ones included") {
    std::string text = "q(`A ${t} B ${f(`x${y}`, {a: 1})} C`)";
    auto tokens = lex_js(text);
    REQUIRE(tokens.size() == 4);
    const Token& t = tokens[2];
    REQUIRE(t.kind == TokenKind::Template);
    REQUIRE(t.parts.size() == 5);
    CHECK(t.parts[0].text.value == "A ");
    CHECK(t.parts[1].interpolation);
    CHECK(text.substr(t.parts[1].expr_begin, t.parts[1].expr_end - t.parts[1].expr_begin) == "t");
    CHECK(text.substr(t.parts[3].expr_begin, t.parts[3].expr_end - t.parts[3].expr_begin) == "f(`x${y}`, {a: 1})");
    CHECK(t.parts[4].text.value == " C");
}

TEST_CASE("regex literals and comments do not derail the lexer") {
    std::string text = "const r = /['\"`]/g; // it's a comment\n/* don't */ const s = a / b / c; q('ok')";
    auto tokens = lex_js(text);
    int strings = 0;
    for (const auto& t : tokens) strings += t.kind == TokenKind::String;
    CHECK(strings == 1);
    CHECK(tokens.back().text == ")");
    CHECK(tokens[tokens.size() - 2].string.value == "ok");
}

TEST_CASE("calls are attributed to up() or down() in every declaration form") {
    const char* forms[] = {
        "class M { async up(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(`SELECT 1`) }\n"
        "  async down(queryRunner) { await queryRunner.query(`SELECT 2`) } }",
        "exports.up = function (knex) { return knex.raw('SELECT 1') };\nexports.down = function (knex) { return knex.raw('SELECT 2') };",
        "module.exports = { up: async (queryInterface, Sequelize) => { await queryInterface.sequelize.query('SELECT 1') },\n"
        "  down: async (queryInterface) => queryInterface.sequelize.query('SELECT 2') };",
        "export async function up(knex: Knex): Promise<void> { await knex.raw('SELECT 1') }\n"
        "export async function down(knex: Knex): Promise<void> { await knex.raw('SELECT 2') }",
        "module.exports = { async up(queryInterface) { await queryInterface.sequelize.query(`SELECT 1`); },\n"
        "  async down(queryInterface) { await queryInterface.sequelize.query(`SELECT 2`); } };",
    };
    for (const char* text : forms) {
        INFO(text);
        InputFormat f = detect_format(text);
        CHECK(f != InputFormat::Auto);
        CHECK(sql_of(text, f, Direction::Up) == std::vector<std::string>{"SELECT 1"});
        CHECK(sql_of(text, f, Direction::Down) == std::vector<std::string>{"SELECT 2"});
        CHECK(sql_of(text, f, Direction::Both).size() == 2);
    }
}

TEST_CASE("concatenation, constants and interpolations") {
    std::string text = "const T = 'users'\nexports.up = (knex) => knex.raw('ALTER TABLE ' + T + \" ADD COLUMN \\\"a\\\" int\")";
    CHECK(sql_of(text, InputFormat::Knex) == std::vector<std::string>{"ALTER TABLE users ADD COLUMN \"a\" int"});
    // An interpolation is JavaScript's text spliced into the SQL, never a bound parameter: in a
    // value position, in a literal, an identifier, the statement is unknown (red team R71 F11).
    std::string values = "exports.up = (knex) => knex.raw(`UPDATE t SET a = ${v} WHERE b = '${w}'`)";
    auto spliced = sql_of(values, InputFormat::Knex);
    REQUIRE(spliced.size() == 1);
    CHECK(spliced[0].starts_with("?interpolated `${v}` is JavaScript text spliced into the SQL"));
    std::string in_literal = "exports.up = (knex) => knex.raw(`SELECT 1 WHERE b = '${w}'; SELECT 2`)";
    auto literal = sql_of(in_literal, InputFormat::Knex);
    REQUIRE(literal.size() == 2);
    CHECK(literal[0].starts_with("?interpolated `${w}`"));
    CHECK(literal[1] == "SELECT 2");
    std::string trailing = "exports.up = (knex) => knex.raw('SELECT 1; -- ' + note)";
    auto after = sql_of(trailing, InputFormat::Knex);
    REQUIRE(after.size() == 2);  // the unknown stands at the call, which starts before the statement
    CHECK(after[0].starts_with("?interpolated `note`"));
    CHECK(after[1] == "SELECT 1");
    std::string ident = "exports.up = (knex) => knex.raw(`ALTER TABLE ${t} ADD COLUMN a int`)";
    auto got = sql_of(ident, InputFormat::Knex);
    REQUIRE(got.size() == 1);
    CHECK(got[0].starts_with("?interpolated `${t}`"));
    std::string variable = "exports.up = (knex) => knex.raw(sql)";
    CHECK(sql_of(variable, InputFormat::Knex) == std::vector<std::string>{"?SQL comes from the variable `sql`"});
}

TEST_CASE("statement spans point into the script, findings land on the call") {
    std::string text =
        "exports.up = async (knex) => {\n"
        "  await knex.raw(`CREATE INDEX i ON t (a)`);\n"
        "  await knex.schema.alterTable('t', (table) => {\n"
        "    table.integer('b').notNullable();\n"
        "  });\n"
        "};\n";
    AnalyzeOptions options;
    FileReport r = analyze_text("db/migrations/1_x.js", text, options);
    REQUIRE(r.statements.size() == 2);
    CHECK(r.source_kind == "knex");
    CHECK(r.statements[0].span.start.line == 2);
    CHECK(r.statements[0].span.start.column == 19);
    CHECK(r.statements[0].span.stop.column == 41);
    CHECK(r.statements[1].sql == "alter table \"t\" add column \"b\" integer not null");
    CHECK(r.statements[1].span.start.line == 4);
    CHECK(r.statements[1].span.start.column == 5);
    bool not_null_finding = false;
    for (const auto& f : r.findings) {
        if (f.rule == "add-column-not-null-without-default") not_null_finding = f.start.line == 4;
    }
    CHECK(not_null_finding);
    CHECK(r.coverage.found == 2);
    CHECK(r.coverage.analysed == 2);
    // The call of each statement, for the fixes: the alterTable call starts a line above the
    // statement its callback builds.
    REQUIRE(r.script_calls.size() == 2);
    CHECK(r.script_calls[0].name == "knex.raw");
    CHECK(r.script_calls[0].raw);
    CHECK(r.script_calls[0].line == 2);
    CHECK(r.script_calls[1].name == "knex.schema.alterTable");
    CHECK_FALSE(r.script_calls[1].raw);
    CHECK(r.script_calls[1].line == 3);
    CHECK(r.script_calls[0].index != r.script_calls[1].index);
    // The tool that wraps it in a transaction is named as the script's, not as "sql".
    bool named = false;
    for (const auto& f : r.findings) named = named || f.message.find("the transaction knex wraps this file in") != std::string::npos;
    CHECK_FALSE(named);  // no CONCURRENTLY here; see below
    FileReport concurrent = analyze_text("db/migrations/2_x.js", "exports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY i ON t (a)');\n", options);
    for (const auto& f : concurrent.findings) named = named || f.message.find("the transaction knex wraps this file in") != std::string::npos;
    CHECK(named);
    CHECK(r.coverage.literal_calls == 1);
    CHECK(r.coverage.literal_parsed == 1);
}

TEST_CASE("a script with no ORM pattern is skipped; a knex one with code but no up() is unknown") {
    AnalyzeOptions options;
    FileReport none = analyze_text("x.js", "console.log('hi')", options);
    CHECK(none.skipped);
    // knex loads each file of its folder and calls its up(): one set where pgfence does not look
    // (red team R74 F1) is unknown, never "no migration".
    FileReport no_up = analyze_text("x.js", "const knex = require('knex'); knex.raw('SELECT 1')", options);
    CHECK_FALSE(no_up.skipped);
    CHECK(no_up.coverage.unknown >= 1);
    // A knex file of comments alone runs nothing.
    FileReport commented = analyze_text("x.js", "// knex.raw('DROP TABLE t')\n/* exports.up = r.up */\n", options);
    CHECK((commented.skipped || commented.coverage.unknown == 0));
}

// Where pgfence's reading could differ from JavaScript's, the script is unknown from that line,
// never read differently (red team: a knex/TypeORM run executed SQL pgfence did not see).
TEST_CASE("a // comment ends at every ECMAScript LineTerminator") {
    for (std::string eol : {std::string("\r"), std::string("\xE2\x80\xA8"), std::string("\xE2\x80\xA9")}) {
        std::string text = "exports.up = async (knex) => { await knex.raw('SELECT 1'); // note" + eol +
                           " await knex.raw('DROP TABLE orders'); };";
        CHECK(sql_of(text, InputFormat::Knex) == std::vector<std::string>{"SELECT 1", "DROP TABLE orders"});
    }
}

TEST_CASE("what the lexer cannot read the way JavaScript does is unknown from there") {
    auto last_unknown = [](std::string_view text) {
        auto sql = sql_of(text, InputFormat::Knex);
        return !sql.empty() && sql.back().rfind("?the script is not read from here", 0) == 0;
    };
    // \u escapes in identifiers: knex.r\u0061w is knex.raw to Node.
    CHECK(last_unknown("exports.up = async (knex) => { await knex.r\\u0061w('DROP TABLE orders'); };"));
    // Annex B HTML-like comments.
    CHECK(last_unknown("exports.up = async (knex) => { await knex.raw('SELECT 1'); <!-- x\nawait knex.raw('DROP TABLE orders'); };"));
    CHECK(last_unknown("exports.up = async (knex) => { await knex.raw('SELECT 1');\n--> x\nawait knex.raw('DROP TABLE orders'); };"));
    // A '/' after '}' (a regex after a block, a division after an object literal).
    CHECK(last_unknown("exports.up = async (knex) => { {}\n/\"/.test(''); await knex.raw('DROP TABLE orders'); /\"/.test(''); };"));
    auto tokens = lex_js("{} /'/; q('x')");
    CHECK(tokens.back().unreadable.size() > 0);
}

TEST_CASE("a '/' after the ')' of if/while/for starts a regex, after any other ')' it divides") {
    std::string text = "exports.up = async (knex) => { if (true) /\"/.test('x'); await knex.raw('DROP TABLE orders'); "
                       "while (false) /'/; const n = (1) / 2 / 3; for await (const x of []) /'/; };";
    CHECK(sql_of(text, InputFormat::Knex) == std::vector<std::string>{"DROP TABLE orders"});
}

TEST_CASE("TypeScript type assertions, non-null assertions and type arguments are the same call") {
    std::string knex = "export async function up(knex: Knex) { await knex.raw<any>(\"DROP TABLE a\"); "
                       "await knex.raw!('DROP TABLE b'); const k = <any>knex; await k.raw('DROP TABLE c'); "
                       "const n = 1 < 2 > (3); }";
    CHECK(sql_of(knex, InputFormat::Knex) == std::vector<std::string>{"DROP TABLE a", "DROP TABLE b", "DROP TABLE c"});
}

namespace {

// The decoded value of the one string or template in `text`, or "!" + why the lexer stopped.
std::string decoded(std::string_view text) {
    for (const Token& t : lex_js(text)) {
        if (!t.unreadable.empty()) return "!" + t.unreadable;
        if (t.kind == TokenKind::String) return t.string.value;
        if (t.kind == TokenKind::Template && !t.parts.empty()) return t.parts[0].text.value;
    }
    return "";
}

}  // namespace

TEST_CASE("string escapes decode as ECMA-262 12.9.4 and its legacy octal forms (red team R79 B16)") {
    // LegacyOctalEscapeSequence: \0-\3 take up to three octal digits, \4-\7 up to two (test262
    // annexB/language/literals/string/legacy-octal-escape-sequence.js).
    CHECK(decoded(R"('a\052b')") == "a*b");
    CHECK(decoded(R"('*\57')") == "*/");
    CHECK(decoded(R"('h\145lper')") == "helper");
    CHECK(decoded(R"('\1')") == std::string("\x01"));
    CHECK(decoded(R"('\18')") == std::string("\x01") + "8");
    CHECK(decoded(R"('\08')") == std::string(1, '\0') + "8");
    CHECK(decoded(R"('\0')") == std::string(1, '\0'));
    CHECK(decoded(R"('\00')") == std::string(1, '\0'));
    CHECK(decoded(R"('\101')") == "A");
    CHECK(decoded(R"('\400')") == " 0");
    CHECK(decoded(R"('\777')") == "?7");
    CHECK(decoded(R"('\377')") == "\xC3\xBF");  // U+00FF, sent as UTF-8
    // NonOctalDecimalEscapeSequence: \8 and \9 are the digits.
    CHECK(decoded(R"('\8\9')") == "89");
    // Line continuations add nothing, U+2028 and U+2029 included.
    CHECK(decoded("'a\\\r\nb\\\nc\\\xE2\x80\xA8" "d'") == "abcd");
    // \u{...}: one or more hex digits up to 10FFFF; surrogate pairs are one code point, a lone one U+FFFD.
    CHECK(decoded(R"('\u{41}\u{0000000042}')") == "AB");
    CHECK(decoded(R"('\uD83D\uDE00')") == "\xF0\x9F\x98\x80");
    CHECK(decoded(R"('\u{D83D}\u{DE00}')") == "\xF0\x9F\x98\x80");
    CHECK(decoded(R"('\uD83Dx')") == "\xEF\xBF\xBDx");
    // What JavaScript refuses (a SyntaxError) is not read.
    for (std::string_view bad : {R"('\u{}')", R"('\u{110000}')", R"('\u12')", R"('\xZ1')", R"('\x4')"}) {
        CAPTURE(bad);
        CHECK(decoded(bad).starts_with("!"));
    }
}

TEST_CASE("a template literal's octal or decimal escape is not read; its CR is LF (R79 B16)") {
    CHECK(decoded(R"(`\0`)") == std::string(1, '\0'));
    CHECK(decoded(R"(`\8`)").starts_with("!"));
    CHECK(decoded(R"(`a\052/`)").starts_with("!"));
    CHECK(decoded(R"(`\01`)").starts_with("!"));
    CHECK(decoded(R"(`${`\1`}`)").starts_with("!"));
    CHECK(decoded("`a\r\nb\rc`") == "a\nb\nc");
    // In a migration the unreadable template is unknown where it starts, and nothing after it is read.
    const auto sql = sql_of("exports.up = async (knex) => { await knex.raw(`SELECT 1 /* \\052/ ; DROP TABLE users; -- */`); };",
                            InputFormat::Knex);
    REQUIRE(!sql.empty());
    CHECK(sql.back().rfind("?the script is not read from here", 0) == 0);
    // The R79 string: the comment closes, and DROP TABLE is read.
    CHECK(sql_of("exports.up = async k => { await k.raw(\"SELECT 1 /* \\052/ ; DROP TABLE users; -- */\") };", InputFormat::Knex) ==
          std::vector<std::string>{"SELECT 1", "DROP TABLE users"});
}

TEST_CASE("'/' after a word: a member name divides, instanceof starts a regex, await/yield/of are not read (R79 B17)") {
    const auto kinds = [](std::string_view text) {
        std::string out;
        for (const Token& t : lex_js(text)) out += !t.unreadable.empty() ? '!' : t.kind == TokenKind::Regex ? 'R' : t.kind == TokenKind::String ? 'S' : '.';
        return out;
    };
    CHECK(kinds(R"(x = {} instanceof /"/.constructor)").find('R') != std::string::npos);
    CHECK(kinds(R"(a instanceof /"/)") == "..R");
    CHECK(kinds(R"(o.of / 1; q("x"); y = 1 / 1)").find('R') == std::string::npos);
    CHECK(kinds(R"(o?.in / 1; q("x"); y = 1 / 1)").find('R') == std::string::npos);
    CHECK(kinds(R"(o.return / 1; "x"; 1 / 1)").find('S') != std::string::npos);
    CHECK(kinds(R"(o.if(1) / 1; "x"; 1 / 1)").find('S') != std::string::npos);
    CHECK(kinds(R"(export default /'/)") == "..R");
    CHECK(kinds(R"(class A extends /'/.constructor {})").find('R') != std::string::npos);
    for (std::string_view unsure : {"await /'/", "yield /'/", "of /'/", "{} /'/"}) {
        CAPTURE(unsure);
        CHECK(kinds(unsure).back() == '!');
    }
    // ++, -- and ! after an operand (TypeScript's x!) are postfix: a division follows; prefix: a regex.
    CHECK(kinds(R"(a++ / 1; "x"; 1 / 1)").find('S') != std::string::npos);
    CHECK(kinds(R"(a! / 1; "x"; 1 / 1)").find('S') != std::string::npos);
    CHECK(kinds(R"(x = ++/"/.lastIndex)").find('R') != std::string::npos);
    CHECK(kinds("a\n++/\"/.lastIndex").find('R') != std::string::npos);
    CHECK(kinds(R"(if (!/"/.test(s)) q())").find('R') != std::string::npos);
    // The R79 migrations: the second `up` is read in both.
    CHECK(sql_of("exports.up = async k => { await k.raw(\"SELECT 1\") };\nconst ok = {} instanceof /\"/.constructor; "
                 "exports.up = async k => { await k.raw('DROP TABLE users') }; /\"/;",
                 InputFormat::Knex)
              .size() > 1);
    CHECK(sql_of("exports.up = async k => { await k.raw(\"SELECT 1\") };\nconst o = { of: 2 }; let x = o.of / 1; "
                 "exports.up = async k => { await k.raw('DROP TABLE users') }; x = 1 / 1;",
                 InputFormat::Knex)
              .size() > 1);
}
