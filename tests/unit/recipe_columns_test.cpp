// Recipes that copy the user's expression into a trigger body and into a backfill UPDATE: a
// column reference qualified by the table (`users.a`, `public.users.a`) means nothing in
// either place, so it is rewritten as NEW.a in the trigger and a in the UPDATE.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"

using namespace pgfence::analyze;

namespace {

// The SQL of every step of `rule`'s first recipe for `sql`, one after another.
std::string recipe_sql(const std::string& sql, const std::string& rule) {
    AnalyzeOptions options;
    options.threads = 1;
    FileReport report = analyze_text("migration.sql", sql, options);
    for (const auto& f : report.findings) {
        if (f.rule != rule || !f.recipe) continue;
        std::string out;
        for (const auto& step : f.recipe->steps) out += step.sql + "\n";
        return out;
    }
    return {};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a stored generated column's recipe drops the table from qualified column references") {
    std::string sql = recipe_sql(
        "ALTER TABLE users ADD COLUMN best numeric GENERATED ALWAYS AS (LEAST(users.a, public.users.\"B\", c)) STORED;",
        "add-column-stored-generated");
    INFO(sql);
    CHECK(has(sql, "NEW.best := (LEAST(NEW.a, NEW.\"B\", NEW.c));"));
    CHECK(has(sql, "-- UPDATE users SET best = (LEAST(a, \"B\", c))"));
    CHECK(has(sql, "WHERE best IS DISTINCT FROM (LEAST(a, \"B\", c)) LIMIT 5000"));
    CHECK_FALSE(has(sql, "users.a"));
    CHECK_FALSE(has(sql, "users.\"B\""));
}

TEST_CASE("qualified references are read as written: spaces, quotes, a schema-qualified table") {
    std::string sql = recipe_sql(
        "ALTER TABLE app.\"Items\" ADD COLUMN total numeric GENERATED ALWAYS AS "
        "(app . \"Items\" . price * \"Items\".\"Qty\") STORED;",
        "add-column-stored-generated");
    INFO(sql);
    CHECK(has(sql, "NEW.total := (NEW.price * NEW.\"Qty\");"));
    CHECK(has(sql, "-- UPDATE app.\"Items\" SET total = (price * \"Qty\")"));
}

TEST_CASE("a type change's USING expression loses its qualifiers in the trigger and the backfill") {
    std::string sql = recipe_sql("ALTER TABLE users ALTER COLUMN age TYPE bigint USING users.age::bigint;",
                                 "alter-column-type-rewrite");
    INFO(sql);
    CHECK(has(sql, "NEW.age_new := (NEW.age::bigint);"));
    CHECK(has(sql, "-- UPDATE users SET age_new = (age::bigint)"));
    CHECK_FALSE(has(sql, "users.age"));
}
