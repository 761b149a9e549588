// Dialect branches (analyze/orm/js_dialects.hpp): which conditions hold only for other databases,
// and which branches parse_js leaves unread.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/orm/js_ast.hpp"
#include "analyze/orm/js_dialects.hpp"

using namespace pgfence::analyze::orm;

namespace {

std::string skipped(const std::string& text) {
    JsFile file = parse_js(text);
    std::string out;
    for (const auto& s : file.dialect_skipped) out += (out.empty() ? "" : "|") + s.subject + ":" + s.databases;
    return out;
}

}  // namespace

TEST_CASE("js_dialects: knex's client names") {
    CHECK(db_name("pg") == DbName::Postgres);
    CHECK(db_name("PostgreSQL") == DbName::Postgres);
    CHECK(db_name("mysql2") == DbName::Other);
    CHECK(db_name("mssql") == DbName::Other);
    CHECK(db_name("better-sqlite3") == DbName::Other);
    CHECK(db_name("pg-legacy") == DbName::None);
}

TEST_CASE("js_dialects: branches for other databases only are left unread") {
    CHECK(skipped("switch (WIKI.config.db.type) { case 'postgres': a(); break\n case 'mssql': b()\n break }") ==
          "WIKI.config.db.type:'mssql'");
    // A case the PostgreSQL one falls into runs on PostgreSQL.
    CHECK(skipped("switch (WIKI.config.db.type) { case 'postgres': a()\n case 'mysql': b() }").empty());
    // A break under an if does not end the case.
    CHECK(skipped("switch (WIKI.config.db.type) { case 'postgres': if (x) break\n case 'mysql': b() }").empty());
    CHECK(skipped("if (knex.client.config.client === 'mysql') { a() }") == "knex.client.config.client:mysql");
    CHECK(skipped("if (knex.client.config.client !== 'mysql') { a() } else { b() }") == "knex.client.config.client:not mysql");
    CHECK(skipped("const c = { x: T.db.type === 'mysql' || T.db.type === `mariadb` }\nif (c.x) { a() }") == "T.db.type:c.x");
    CHECK(skipped("const c = { x: !(T.db.type !== 'mssql') && y }\nif (c.x) { a() }") == "T.db.type:c.x");
    // The script's own values, a call, a name no database has, a comparison with ??: read.
    CHECK(skipped("const cfg = { type: 'mysql' }\nswitch (cfg.type) { case 'mysql': a() }").empty());
    CHECK(skipped("T.db.type = 'mysql'\nif (T.db.type === 'mysql') { a() }").empty());
    CHECK(skipped("if (type() === 'mysql') { a() }").empty());
    CHECK(skipped("if (T.db.type === 'mysqlish') { a() }").empty());
    CHECK(skipped("if (T.db.type === 'mysql' ?? true) { a() }").empty());
    CHECK(skipped("if (T.db.type == 'pg') { a() }").empty());
    CHECK(skipped("function f(T) { if (T.db.type === 'mysql') { a() } }").empty());
    CHECK(skipped("const c = { x: T.db.type === 'mysql' }\nc.x = true\nif (c.x) { a() }").empty());
}

TEST_CASE("js_dialects: a long chain of conditions stays linear") {
    std::string cond = "T.db.type === 'mysql'";
    for (int i = 0; i < 20000; ++i) cond += " || T.db.type === 'mssql'";
    std::string text = "if (" + cond + ") { a() }\n";
    for (int i = 0; i < 2000; ++i) text += "switch (T.db.type) { case 'mysql': a(); break\n case 'pg': b() }\n";
    JsFile file = parse_js(text);
    CHECK(file.dialect_skipped.size() == 2000);  // the chain is past the depth read: Maybe
    // A flag tested many times, in an object of many keys, is read once.
    std::string flags = "const c = {";
    for (int i = 0; i < 20000; ++i) flags += " k" + std::to_string(i) + ": 1,";
    flags += " x: T.db.type === 'mysql' }\n";
    for (int i = 0; i < 20000; ++i) flags += "if (c.x) { a() }\n";
    CHECK(parse_js(flags).dialect_skipped.size() == 20000);
}
