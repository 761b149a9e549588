// The batched statements recipes write out for the user to run out of band, the recipes that
// depend on the schema context, and the recipes that copy the user's expression into a trigger
// body and a backfill UPDATE (a column qualified by its table, `users.a`, means nothing there,
// so it becomes NEW.a in the trigger and a in the UPDATE): each checked against the text
// PostgreSQL must accept.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"

using namespace pgfence::analyze;

namespace {

// The SQL of every step of `rule`'s first recipe for `sql`, after `history`, one step after another.
std::string recipe_sql(const std::string& sql, const std::string& rule, const std::string& history = "") {
    AnalyzeOptions options;
    options.threads = 1;
    if (!history.empty()) {
        AnalyzeOptions replay_options = options;
        Replay replay(replay_options);
        replay.replay_schema_text("schema.sql", history);
        options.history = replay.snapshot();
    }
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

TEST_CASE("a backfill's walk returns the end of each range of keys, so a range with nothing to do goes on") {
    std::string sql = recipe_sql("UPDATE users SET email_lower = lower(email) WHERE email_lower IS NULL;",
                                 "backfill-in-migration");
    INFO(sql);
    CHECK(has(sql, "-- WITH batch AS (SELECT id FROM users WHERE id > :last_id ORDER BY id LIMIT 5000),"));
    CHECK(has(sql, "AND users.id IN (SELECT id FROM batch))"));
    CHECK(has(sql, "-- SELECT max(id) FROM batch;"));
}

TEST_CASE("a DELETE ... USING batch picks its rows in a subquery that joins the USING tables") {
    std::string sql = recipe_sql("DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.email IS NULL;",
                                 "backfill-in-migration");
    INFO(sql);
    CHECK(has(sql, "-- DELETE FROM sessions s\n"));
    CHECK(has(sql, "WHERE s.ctid = ANY (ARRAY(SELECT s.ctid FROM sessions AS s, users u WHERE s.user_id = u.id "
                   "AND u.email IS NULL LIMIT 5000));"));
}

TEST_CASE("a batched DELETE leaves the original RETURNING list out rather than write RETURNING ...") {
    std::string sql = recipe_sql("DELETE FROM sessions RETURNING id;", "delete-without-where");
    INFO(sql);
    CHECK(has(sql, "LIMIT 5000));\n-- (the original RETURNING list is left out)"));
    CHECK_FALSE(has(sql, "RETURNING ..."));
}

TEST_CASE("the index of a partitioned table is dropped the plain way, with a short lock_timeout") {
    const std::string history = "CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);\n"
                                "CREATE INDEX events_at_idx ON events (at);\n"
                                "CREATE TABLE plain (id bigint);\nCREATE INDEX plain_id_idx ON plain (id);\n";
    std::string partitioned = recipe_sql("DROP INDEX events_at_idx;", "drop-index-without-concurrently", history);
    INFO(partitioned);
    CHECK(has(partitioned, "SET lock_timeout = '2s';"));
    CHECK(has(partitioned, "\nDROP INDEX IF EXISTS events_at_idx;"));
    CHECK_FALSE(has(partitioned, "CONCURRENTLY IF EXISTS"));
    std::string plain = recipe_sql("DROP INDEX plain_id_idx;", "drop-index-without-concurrently", history);
    CHECK(has(plain, "DROP INDEX CONCURRENTLY IF EXISTS plain_id_idx;"));
}

TEST_CASE("REINDEX TABLE locks each index the catalog knows") {
    AnalyzeOptions options;
    options.threads = 1;
    options.run_rules = false;
    FileReport report = analyze_text("migration.sql",
                                     "CREATE TABLE t (id bigint);\nCREATE INDEX t_id_idx ON t (id);\n"
                                     "REINDEX TABLE CONCURRENTLY t;\n",
                                     options);
    REQUIRE(report.statements.size() == 3);
    bool index_locked = false;
    for (const auto& l : report.statements[2].locks) {
        index_locked = index_locked || (l.relation == "t_id_idx" && l.mode == LockMode::AccessExclusive);
    }
    CHECK(index_locked);
}

TEST_CASE("a partition is detached the plain way, with a short lock_timeout, when its parent has a DEFAULT partition") {
    const std::string history = "CREATE TABLE m (id bigint, region text) PARTITION BY LIST (region);\n"
                                "CREATE TABLE m_us PARTITION OF m FOR VALUES IN ('us');\n"
                                "CREATE TABLE m_other PARTITION OF m DEFAULT;\n"
                                "CREATE TABLE e (id bigint, region text) PARTITION BY LIST (region);\n"
                                "CREATE TABLE e_us PARTITION OF e FOR VALUES IN ('us');\n";
    std::string with_default = recipe_sql("ALTER TABLE m DETACH PARTITION m_us;", "detach-partition-without-concurrently", history);
    INFO(with_default);
    CHECK(has(with_default, "SET lock_timeout = '2s';"));
    CHECK(has(with_default, "\nALTER TABLE m DETACH PARTITION m_us;"));
    CHECK_FALSE(has(with_default, "CONCURRENTLY;"));
    std::string without = recipe_sql("ALTER TABLE e DETACH PARTITION e_us;", "detach-partition-without-concurrently", history);
    CHECK(has(without, "ALTER TABLE e DETACH PARTITION e_us CONCURRENTLY;"));
}

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
