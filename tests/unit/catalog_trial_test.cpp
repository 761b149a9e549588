// A migration's down part runs in a trial of the catalog (Catalog::begin_trial/undo_trial):
// what it changes is undone, and the next migration finds its up part's schema.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"

using namespace pgfence::analyze;

namespace {

// Everything the trial may change, as text: relations with their columns, links and flags.
std::string describe(const Catalog& catalog) {
    std::string out;
    for (const auto& [name, info] : catalog.relations()) {
        out += name + "(" + info->kind + (info->is_new ? ",new" : "") + "):";
        for (const auto& c : info->columns) out += " " + c.name + " " + c.type;
        for (const auto& r : info->referenced_by) out += " <-" + r;
        for (const auto& [k, fk] : info->foreign_keys) out += " fk " + k + "->" + fk.target;
        out += "\n";
    }
    out += catalog.is_known_type("mood") ? "mood\n" : "";
    return out;
}

Catalog analysed(const std::string& sql) {
    Catalog catalog;
    AnalyzeOptions options;
    options.run_rules = false;
    (void)analyze_text("0001_schema.sql", sql, options, "", catalog);
    catalog.mark_existing();
    return catalog;
}

}  // namespace

TEST_CASE("catalog trial: every change is undone, and only the touched relations are saved") {
    Catalog catalog = analysed(
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
        "CREATE INDEX orders_user_id_idx ON orders (user_id);\n"
        "CREATE TYPE mood AS ENUM ('ok');\n");
    const std::string before = describe(catalog);
    const RelationInfo* users_before = catalog.relations().at("users").get();

    catalog.begin_trial();
    CHECK(catalog.in_trial());
    RelationInfo* users = catalog.find("users");
    REQUIRE(users != nullptr);
    catalog.add_columns(*users, {ColumnInfo{"name", "text"}});
    catalog.rename("orders", "purchases");
    catalog.remove("orders_user_id_idx");
    catalog.add("audit", "audit", "table");
    catalog.remove_domain("mood");
    CHECK(describe(catalog) != before);
    // The relation as it was is untouched: the trial changed a copy of it.
    CHECK(users_before->columns.size() == 2);

    catalog.undo_trial();
    CHECK_FALSE(catalog.in_trial());
    CHECK(describe(catalog) == before);
    CHECK(catalog.relations().at("users").get() == users_before);
    // undo without a trial does nothing
    catalog.undo_trial();
    CHECK(describe(catalog) == before);
}

TEST_CASE("catalog trial: a goose file's down part does not reach the next file, its up part does") {
    Catalog catalog;
    AnalyzeOptions options;
    options.run_rules = false;
    options.direction = Direction::Both;
    (void)analyze_text("db/migrations/00001_users.sql",
                       "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n"
                       "-- +goose Down\nDROP TABLE users;\n",
                       options, "", catalog);
    catalog.hand_on("db/migrations/00001_users.sql");
    REQUIRE(catalog.find("users") != nullptr);
    CHECK_FALSE(catalog.in_trial());
    // The next file sees users as existing: its index build is on a table with rows.
    FileReport next = analyze_text("db/migrations/00002_index.sql",
                                   "-- +goose Up\nCREATE INDEX users_id_idx ON users (id);\n-- +goose Down\nDROP INDEX users_id_idx;\n",
                                   options, "", catalog);
    REQUIRE(next.statements.size() == 2);
    CHECK(next.statements[0].locks.front().relation == "users");
    CHECK(catalog.find("users_id_idx") != nullptr);  // the up part's index stays, the down part's drop does not
}
