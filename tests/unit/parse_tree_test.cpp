// The arena parse tree that replaced nlohmann's DOM for libpg_query's output: decoding (escapes,
// numbers, malformed text), nlohmann-compatible reading, and the views the model builds on it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyze/parse/parse_tree.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

using namespace pgfence::analyze;

TEST_CASE("parse tree: scalars, arrays and objects decode with their types") {
    ParseTree tree = ParseTree::decode(R"({"a": 1, "b": -42, "c": 1.5e3, "d": true, "e": false, "f": null,
                                         "g": "text", "h": [1, "x", {}], "i": {"j": []}})");
    REQUIRE(tree.ok());
    const pgfence::analyze::Node& root = tree.root();
    CHECK(root.is_object());
    CHECK(root.size() == 9);
    CHECK(root["a"].is_number_integer());
    CHECK(root["a"].get<int>() == 1);
    CHECK(root["b"].get<long>() == -42);
    CHECK(root["c"].is_number());
    CHECK_FALSE(root["c"].is_number_integer());
    CHECK(root["c"].get<double>() == 1500.0);
    CHECK(root["d"] == true);
    CHECK(root["e"] == false);
    CHECK(root["f"].is_null());
    CHECK(root["g"] == "text");
    CHECK(root["g"].get<std::string>() == "text");
    CHECK(root["h"].is_array());
    CHECK(root["h"].size() == 3);
    CHECK(root["h"][1] == "x");
    CHECK(root["h"][2].is_object());
    CHECK(root["i"]["j"].is_array());
    CHECK(root["i"]["j"].empty());
    CHECK(root.begin().key() == "a");  // members keep the parser's order
}

TEST_CASE("parse tree: string escapes, \\u escapes and surrogate pairs become UTF-8") {
    ParseTree tree = ParseTree::decode(R"(["q\"b\\s\/n\nt\tr\rb\bf\f", "\u00e9\u20ac", "\ud83d\ude00", "plain"])");
    REQUIRE(tree.ok());
    CHECK(tree.root()[0].string_view() == "q\"b\\s/n\nt\tr\rb\bf\f");
    CHECK(tree.root()[1].string_view() == "\xC3\xA9\xE2\x82\xAC");
    CHECK(tree.root()[2].string_view() == "\xF0\x9F\x98\x80");
    CHECK(tree.root()[3].string_view() == "plain");
    CHECK(tree.root().dump() == R"(["q\"b\\s/n\nt\tr\rb\u0008f\u000c","é€","😀","plain"])");
}

TEST_CASE("parse tree: malformed text is an error, never a crash") {
    for (const char* bad : {"", "{", "[1,", R"({"a" 1})", R"({"a":})", "[1 2]", R"("abc)", R"("\x")", R"("\u12")",
                            "tru", "nul", "-", "{} x", R"({1: 2})"}) {
        ParseTree tree = ParseTree::decode(bad);
        INFO(bad);
        CHECK_FALSE(tree.ok());
        CHECK_FALSE(tree.error().empty());
        CHECK(tree.root().is_null());
    }
    std::string deep(30000, '[');
    ParseTree tree = ParseTree::decode(deep);
    CHECK_FALSE(tree.ok());
    CHECK(tree.error().find("deeply") != std::string::npos);
}

TEST_CASE("parse tree: reading absent members and wrong types gives defaults") {
    ParseTree tree = ParseTree::decode(R"({"s": "x", "n": 7, "b": true, "o": {"k": 1}})");
    const pgfence::analyze::Node& root = tree.root();
    CHECK(root["missing"].is_null());
    CHECK(root["missing"]["deeper"][3].is_null());
    CHECK_FALSE(root.contains("missing"));
    CHECK(root.contains("s"));
    CHECK(root.value("s", std::string("d")) == "x");
    CHECK(root.value("n", std::string("d")) == "d");  // a number is not a string
    CHECK(root.value("missing", "d") == "d");
    CHECK(root.value("n", 0) == 7);
    CHECK(root.value("b", false));
    CHECK(root.value("missing", true));
    CHECK(root.value("o", pgfence::analyze::Node::array()).is_object());
    CHECK(root.value("missing", pgfence::analyze::Node::array()).is_array());
    CHECK(root.find("n") != root.end());
    CHECK(root.find("missing") == root.end());
    CHECK(root["s"].get<int>() == 0);
}

TEST_CASE("parse tree: iteration and size follow nlohmann (a scalar is one element)") {
    ParseTree tree = ParseTree::decode(R"({"arr": [1, 2, 3], "obj": {"x": 1, "y": 2}, "s": "v", "z": null})");
    const pgfence::analyze::Node& root = tree.root();
    int sum = 0;
    for (const pgfence::analyze::Node& n : root["arr"]) sum += n.get<int>();
    CHECK(sum == 6);
    std::vector<std::string> keys;
    for (auto it = root["obj"].begin(); it != root["obj"].end(); ++it) keys.emplace_back(it.key());
    CHECK(keys == std::vector<std::string>{"x", "y"});
    std::vector<std::string> via_items;
    for (const auto& [key, value] : root["obj"].items()) via_items.push_back(std::string(key) + "=" + value.dump());
    CHECK(via_items == std::vector<std::string>{"x=1", "y=2"});
    CHECK(root["s"].size() == 1);
    int scalars = 0;
    for (const pgfence::analyze::Node& n : root["s"]) scalars += n == "v" ? 1 : 0;
    CHECK(scalars == 1);
    CHECK(root["z"].size() == 0);
    CHECK(root["z"].begin() == root["z"].end());
    CHECK(root["arr"].front() == 1);
    CHECK(root["arr"].back() == 3);
}

TEST_CASE("parse tree: slices and with_member build views without copying the tree") {
    ParseTree tree = ParseTree::decode(R"({"names": ["public", "users", "id"], "rv": {"relname": "t"}})");
    const pgfence::analyze::Node& names = tree.root()["names"];
    CHECK(names.without_last().dump() == R"(["public","users"])");
    CHECK(names.slice(2, 5).dump() == R"(["id"])");
    CHECK(names.slice(9, 1).empty());
    CHECK(pgfence::analyze::Node::array().without_last().empty());
    std::vector<Member> storage;
    pgfence::analyze::Node qualified = with_member(tree.root()["rv"], "schemaname", pgfence::analyze::Node::string("app"), storage);
    CHECK(qualified.dump() == R"({"relname":"t","schemaname":"app"})");
    std::vector<Member> again;
    CHECK(with_member(qualified, "relname", pgfence::analyze::Node::string("u"), again).dump() == R"({"relname":"u","schemaname":"app"})");
    CHECK(tree.root()["rv"].dump() == R"({"relname":"t"})");  // the original is untouched
}

TEST_CASE("parse tree: a statement comes back as PostgreSQL's typed tree; invalid UTF-8 fails as the server would") {
    ParsedStatement parsed = parse_statement("ALTER TABLE app.users ADD COLUMN note text DEFAULT 'caf\xC3\xA9 \"x\"'");
    REQUIRE_FALSE(parsed.failure);
    CHECK(parsed.kind == "AlterTableStmt");
    const AlterTableStmt* stmt = pg::as<AlterTableStmt>(parsed.stmt);
    REQUIRE(stmt != nullptr);
    CHECK(pg::text(stmt->relation->schemaname) == "app");
    CHECK(pg::relname(stmt->relation) == "users");
    const AlterTableCmd* cmd = pg::as<AlterTableCmd>(pg::nth(stmt->cmds, 0));
    REQUIRE(cmd != nullptr);
    CHECK(cmd->subtype == AT_AddColumn);
    const ColumnDef* column = pg::as<ColumnDef>(cmd->def);
    REQUIRE(column != nullptr);
    CHECK(pg::text(column->colname) == "note");
    const Constraint* fallback = pg::each<Constraint>(column->constraints).first();
    REQUIRE(fallback != nullptr);
    CHECK(fallback->contype == CONSTR_DEFAULT);
    const A_Const* value = pg::as<A_Const>(fallback->raw_expr);
    REQUIRE(value != nullptr);
    CHECK(pg::text(value->val.sval.sval) == "caf\xC3\xA9 \"x\"");
    // PostgreSQL 18's grammar: a NOT NULL table constraint, NOT VALID.
    ParsedStatement pg18 = parse_statement("ALTER TABLE t ADD CONSTRAINT c NOT NULL col NOT VALID");
    REQUIRE_FALSE(pg18.failure);
    const AlterTableCmd* add = pg::as<AlterTableCmd>(pg::nth(pg::as<AlterTableStmt>(pg18.stmt)->cmds, 0));
    const Constraint* not_null = pg::as<Constraint>(add->def);
    REQUIRE(not_null != nullptr);
    CHECK(not_null->contype == CONSTR_NOTNULL);
    CHECK(not_null->skip_validation);

    ParsedStatement latin1 = parse_statement("SELECT 'caf\xE9'");
    REQUIRE(latin1.failure);
    CHECK(latin1.failure->message == "invalid byte sequence for encoding \"UTF8\": 0xe9 0x27");
    CHECK(latin1.failure->offset == 11);
    for (const char* bad : {"SELECT '\xC0\xAF'", "SELECT '\xED\xA0\x80'", "SELECT '\xF4\x90\x80\x80'", "SELECT '\xE2\x82'"}) {
        INFO(bad);
        CHECK(parse_statement(bad).failure);
    }
    CHECK_FALSE(parse_statement("SELECT '\xF0\x9F\x98\x80 \xE2\x82\xAC'").failure);
}

TEST_CASE("parse tree: a file's arena keeps every tree, also past the size where parsing stops going into it") {
    // Statements are parsed straight into the file's arena until it holds 16 MiB; after that
    // in a scratch arena, with only the tree copied in. Every tree, from before and after the
    // switch, must still be whole when the file is done.
    std::shared_ptr<void> arena = new_parse_arena();
    std::vector<ParsedStatement> kept;
    for (int i = 0; i < 40000; ++i) {
        kept.push_back(parse_statement("ALTER TABLE t" + std::to_string(i) + " ADD COLUMN c int", arena));
        REQUIRE_FALSE(kept.back().failure);
    }
    for (int i : {0, 1, 19999, 39999}) {
        INFO("statement " << i);
        const AlterTableStmt* stmt = pg::as<AlterTableStmt>(kept[static_cast<std::size_t>(i)].stmt);
        REQUIRE(stmt != nullptr);
        CHECK(pg::relname(stmt->relation) == "t" + std::to_string(i));
        const ColumnDef* column = pg::as<ColumnDef>(pg::as<AlterTableCmd>(pg::nth(stmt->cmds, 0))->def);
        REQUIRE(column != nullptr);
        CHECK(pg::text(column->colname) == "c");
    }
    // The waste stayed bounded: well under what 40,000 statements would leave behind uncopied.
    INFO("arena: " << parse_arena_bytes(arena) << " bytes");
    CHECK(parse_arena_bytes(arena) > std::size_t{16} << 20);
    CHECK(parse_arena_bytes(arena) < std::size_t{48} << 20);  // uncopied, about 90 MiB
}

TEST_CASE("parse tree: a SELECT of constants is recognised, and releasing its tree gives the arena its memory back") {
    for (const char* sql : {"SELECT 1", "SELECT 'a' AS x, 2, NULL, true", "SELECT -1.5"}) {
        INFO(sql);
        ParsedStatement parsed = parse_statement(sql);
        REQUIRE_FALSE(parsed.failure);
        CHECK(is_constant_select(parsed.stmt));
    }
    // Anything that names a relation, a function, a type or a clause keeps its tree.
    for (const char* sql : {"SELECT 1 INTO t", "SELECT 1 FROM t", "SELECT now()", "SELECT 1::int", "SELECT 1 WHERE true",
                            "SELECT 1 UNION SELECT 2", "WITH a AS (SELECT 1) SELECT 1", "SELECT 1 LIMIT 1", "SELECT 1 FOR UPDATE",
                            "SELECT DISTINCT 1", "SELECT (SELECT 1)", "VALUES (1)", "SELECT", "INSERT INTO t VALUES (1)"}) {
        INFO(sql);
        ParsedStatement parsed = parse_statement(sql);
        REQUIRE_FALSE(parsed.failure);
        CHECK_FALSE(is_constant_select(parsed.stmt));
    }
    const auto* stand_in = pg::as<SelectStmt>(constant_select_stand_in());
    REQUIRE(stand_in != nullptr);
    CHECK(stand_in->targetList == nullptr);
    CHECK(stand_in->intoClause == nullptr);
    CHECK(stand_in->op == SETOP_NONE);

    // A million statements' worth of constant SELECTs, each released after it is read, fit in
    // the arena that one thousand of them fill: the freed nodes are used again.
    std::shared_ptr<void> arena = new_parse_arena();
    auto parse_and_release = [&](int count) {
        for (int i = 0; i < count; ++i) {
            ParsedStatement parsed = parse_statement("SELECT " + std::to_string(i), arena);
            REQUIRE(is_constant_select(parsed.stmt));
            release_constant_select(parsed.stmt);
        }
    };
    parse_and_release(20000);  // past the size where parsing goes straight into the arena
    std::size_t after_some = parse_arena_bytes(arena);
    parse_and_release(100000);
    CHECK(parse_arena_bytes(arena) == after_some);
}

// calls_and_operators_in reads libpg_query's JSON text for the names without decoding it when it
// can (pg_parser.cpp quick_names), and decodes it otherwise: both give each kind's names in the
// order the tree holds them.
TEST_CASE("names in a tree: calls and operators in the tree's order, read with or without decoding") {
    auto names_of = [](const std::string& sql) {
        ParsedStatement parsed = parse_statement(sql);
        REQUIRE(parsed.stmt != nullptr);
        auto found = calls_and_operators_in(parsed.stmt);
        REQUIRE(found.has_value());
        return *found;
    };
    using Names = std::vector<std::vector<std::string>>;
    SECTION("nested calls, a qualified one, operators of every form") {
        auto found = names_of("SELECT lower(upper(x)) + 1, s.f(a = b) FROM t WHERE y OPERATOR(myschema.###) z AND w IN (1, 2)");
        CHECK(found.calls == Names{{"lower"}, {"upper"}, {"s", "f"}});
        CHECK(found.operators == Names{{"+"}, {"="}, {"myschema", "###"}, {"="}});
    }
    SECTION("a name with an escaped character is read from the decoded tree, the same way") {
        auto found = names_of(R"(SELECT "we""ird"(1), plain(2) - 3)");
        CHECK(found.calls == Names{{"we\"ird"}, {"plain"}});
        CHECK(found.operators == Names{{"-"}});
    }
    SECTION("a string that looks like the JSON of a call is no call") {
        auto found = names_of(R"(SELECT 'x"FuncCall":{"funcname":[{"String":{"sval":"evil"}}]}' AS t, real_one())");
        CHECK(found.calls == Names{{"real_one"}});
        CHECK(found.operators.empty());
    }
    SECTION("a statement with neither") {
        auto found = names_of("CREATE TABLE t (id int PRIMARY KEY, name text)");
        CHECK(found.calls.empty());
        CHECK(found.operators.empty());
    }
}
