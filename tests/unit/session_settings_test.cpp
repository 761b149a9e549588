// Session settings that change what a statement does: TimeZone (timestamp <-> timestamptz
// without a rewrite, PostgreSQL 12+: ATColumnChangeRequiresRewrite and
// TimestampTimestampTzRequiresRewrite), search_path (which schema an unqualified name means when
// the known schema is asked) and session_replication_role.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/model/meaning_context.hpp"
#include "tests/unit/statement_lookup.hpp"

using namespace pgfence::analyze;
using pgfence::analyze::testing::find;

namespace {

// The database before the migration: columns by "schema.table" and column name.
class FakeSchema final : public KnownSchema {
public:
    std::map<std::pair<std::string, std::string>, std::string> columns;

    std::optional<CurrentColumn> current_column(const std::string& relation, const std::string& column) const override {
        std::string qualified = relation.find('.') == std::string::npos ? "public." + relation : relation;
        auto it = columns.find({qualified, column});
        if (it == columns.end()) return std::nullopt;
        return CurrentColumn{it->second, it->second, false, "the test schema"};
    }
    std::optional<IndexOwner> index_owner(const std::string&) const override { return std::nullopt; }
};

FileReport run(const std::string& text, const KnownSchema* schema = nullptr, int pg_version = 15) {
    AnalyzeOptions options;
    options.run_rules = false;
    options.threads = 1;
    options.known_schema = schema;
    options.pg_version = pg_version;
    return analyze_text("db/migrate/20240301120000_convert_timestamps.sql", text, options);
}

bool has_note(const StatementFacts& s, const std::string& part) {
    for (const auto& n : s.notes) {
        if (n.find(part) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("session: TimeZone names PostgreSQL reads as UTC") {
    for (const char* zone : {"UTC", "utc", "Etc/UTC", "GMT", "Etc/GMT", "Etc/GMT+0", "Zulu", "UCT", "Universal", "0", "+0", "0.0"}) {
        INFO(zone);
        CHECK(is_utc_time_zone(zone));
    }
    for (const char* zone : {"Europe/London", "America/New_York", "PST8PDT", "1", "-5", "", "UTC+1", "Europe/Lisbon"}) {
        INFO(zone);
        CHECK_FALSE(is_utc_time_zone(zone));
    }
}

TEST_CASE("session: timestamp to timestamptz under SET timezone = 'UTC' keeps the table (Rails change_column)") {
    FakeSchema schema;
    schema.columns[{"public.events", "created_at"}] = "timestamp";
    schema.columns[{"public.events", "updated_at"}] = "timestamp";
    schema.columns[{"public.invoices", "issued_at"}] = "timestamptz";
    auto report = run(
        "SET timezone = 'UTC';\n"
        "ALTER TABLE \"events\" ALTER COLUMN \"created_at\" TYPE timestamptz;\n"
        "ALTER TABLE \"events\" ALTER COLUMN \"updated_at\" TYPE timestamp with time zone;\n"
        "ALTER TABLE \"invoices\" ALTER COLUMN \"issued_at\" TYPE timestamp;\n"
        "RESET timezone;\n"
        "ALTER TABLE \"events\" ALTER COLUMN \"created_at\" TYPE timestamp;\n",
        &schema);
    const auto& created = find(report, "ALTER TABLE \"events\" ALTER COLUMN \"created_at\" TYPE timestamptz");
    CHECK(created.rewrites.empty());
    CHECK(has_note(created, "no rewrite, timestamp to timestamptz keeps every value with TimeZone UTC"));
    CHECK(find(report, "ALTER TABLE \"events\" ALTER COLUMN \"updated_at\" TYPE timestamp with time zone").rewrites.empty());
    // And back (timestamptz_timestamp is seen through too).
    CHECK(find(report, "ALTER TABLE \"invoices\" ALTER COLUMN \"issued_at\" TYPE timestamp").rewrites.empty());
    // After RESET the server's own TimeZone applies, which the migration does not show.
    const auto& after = find(report, "ALTER TABLE \"events\" ALTER COLUMN \"created_at\" TYPE timestamp");
    REQUIRE(after.rewrites.size() == 1);
    CHECK_FALSE(after.rewrites[0].certain);
}

TEST_CASE("session: SET TIME ZONE, SET LOCAL and other zones") {
    FakeSchema schema;
    schema.columns[{"public.audit_logs", "logged_at"}] = "timestamp";
    const std::string alter = "ALTER TABLE audit_logs ALTER COLUMN logged_at TYPE timestamptz";
    auto rewrites = [&](const std::string& before, int pg = 15) {
        return run(before + "\n" + alter + ";\n", &schema, pg).statements.back().rewrites.size();
    };
    CHECK(rewrites("SET TIME ZONE 'UTC';") == 0);
    CHECK(rewrites("SET TIME ZONE 'Etc/UTC';") == 0);
    CHECK(rewrites("SET TIME ZONE 0;") == 0);
    CHECK(rewrites("BEGIN; SET LOCAL timezone = 'GMT';") == 0);
    CHECK(rewrites("SET timezone = 'Europe/Berlin';") == 1);
    CHECK(rewrites("SET TIME ZONE LOCAL;") == 1);
    CHECK(rewrites("") == 1);
    // SET LOCAL ends with its transaction.
    CHECK(rewrites("BEGIN; SET LOCAL timezone = 'UTC'; COMMIT;") == 1);
    // Before PostgreSQL 12 the conversion always rewrites.
    auto old = run("SET timezone = 'UTC';\n" + alter + ";\n", &schema, 11).statements.back();
    REQUIRE(old.rewrites.size() == 1);
    CHECK(old.rewrites[0].certain);
    // A precision below 6 adds a length coercion the check does not see through.
    auto precise = run("SET timezone = 'UTC';\nALTER TABLE audit_logs ALTER COLUMN logged_at TYPE timestamptz(3);\n", &schema);
    CHECK(precise.statements.back().rewrites.size() == 1);
}

TEST_CASE("session: SET search_path decides which schema an unqualified name means") {
    FakeSchema schema;
    schema.columns[{"billing.invoices", "amount"}] = "int4";
    schema.columns[{"public.invoices", "amount"}] = "int8";
    schema.columns[{"billing.invoices", "tax"}] = "int4";
    schema.columns[{"public.invoices", "tax"}] = "int8";
    auto report = run(
        "ALTER TABLE invoices ALTER COLUMN amount TYPE bigint;\n"
        "SET search_path TO billing, public;\n"
        "ALTER TABLE invoices ALTER COLUMN tax TYPE bigint;\n",
        &schema);
    REQUIRE(report.statements.size() == 3);
    // public.invoices' columns are bigint already; billing.invoices' are integer.
    CHECK(report.statements[0].rewrites.empty());
    REQUIRE(report.statements[2].rewrites.size() == 1);
    CHECK(report.statements[2].rewrites[0].certain);
    CHECK(report.statements[2].settings->search_path == "billing, public");
    CHECK(search_path_schemas("\"$user\", public") == std::vector<std::string>{"$user", "public"});
    CHECK(search_path_schemas("\"Sales Data\", public") == std::vector<std::string>{"Sales Data", "public"});
}

TEST_CASE("session: SET search_path = 'a, b' names one schema, as PostgreSQL quotes it") {
    auto report = run("SET search_path = 'billing, public';\nSELECT 1;\n");
    CHECK(report.statements[1].settings->search_path == "\"billing, public\"");
    CHECK(search_path_schemas(*report.statements[1].settings->search_path) == std::vector<std::string>{"billing, public"});
}

TEST_CASE("session: session_replication_role = replica is a fact of the statements after it") {
    auto report = run(
        "SET session_replication_role = replica;\n"
        "INSERT INTO order_items (order_id, product_id) SELECT order_id, sku_id FROM legacy_order_lines;\n"
        "RESET session_replication_role;\n"
        "SELECT 1;\n");
    CHECK(has_note(report.statements[0], "triggers and foreign-key checks do not fire"));
    CHECK(report.statements[1].settings->session_replication_role == "replica");
    CHECK_FALSE(report.statements[3].settings->session_replication_role.has_value());
}

TEST_CASE("session: the role \"$user\" names is part of a statement's meaning (R83b H4)") {
    auto report = run(
        "SET ROLE staging;\n"                          // 0
        "DROP TABLE IF EXISTS orders;\n"               // 1: staging.orders
        "RESET ALL;\n"                                 // 2: keeps the role (GUC_NO_RESET_ALL)
        "SELECT 1;\n"                                  // 3
        "RESET ROLE;\n"                                // 4
        "DROP TABLE IF EXISTS orders;\n"               // 5: public.orders
        "SET SESSION AUTHORIZATION admin;\n"           // 6
        "SELECT 2;\n"                                  // 7
        "SET ROLE app;\n"                              // 8
        "SET SESSION AUTHORIZATION admin;\n"           // 9: ends SET ROLE
        "SELECT 3;\n"                                  // 10
        "SET ROLE NONE;\n"                             // 11
        "RESET SESSION AUTHORIZATION;\n"               // 12
        "SELECT 4;\n"                                  // 13
        "BEGIN;\n"                                     // 14
        "SET LOCAL ROLE app;\n"                        // 15
        "SELECT 5;\n"                                  // 16
        "COMMIT;\n"                                    // 17
        "SELECT 6;\n"                                  // 18
        "SELECT set_config('role', 'staging', false);\n"  // 19
        "SELECT 7;\n"                                  // 20
        "SET search_path = public;\n"                  // 21
        "SELECT 8;\n");                                // 22
    REQUIRE(report.statements.size() == 23);
    const auto meaning = [&](std::size_t i) { return meaning_context(report.statements[i]); };
    CHECK(meaning(1).find("current_user=staging") != std::string::npos);
    CHECK(meaning(3).find("current_user=staging") != std::string::npos);
    CHECK(meaning(5).empty());
    CHECK(meaning(7).find("current_user=admin") != std::string::npos);
    CHECK(meaning(10).find("current_user=admin") != std::string::npos);
    CHECK(meaning(13).empty());
    CHECK(meaning(16).find("current_user=app") != std::string::npos);
    CHECK(meaning(18).empty());
    CHECK(meaning(20).find("current_user=staging") != std::string::npos);
    // A search_path without "$user": the role changes no name, and is not part of the meaning.
    CHECK(meaning(22).find("current_user") == std::string::npos);
}
