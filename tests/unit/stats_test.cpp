// stats/: the snapshot file, connection strings shown without passwords, name matching,
// and the size pass on real analyzer output.
#include <catch2/catch.hpp>

#include "analyze/analyzer.hpp"
#include "stats/known_schema.hpp"
#include "stats/conninfo.hpp"
#include "stats/lookup.hpp"
#include "stats/size_risk.hpp"
#include "stats/snapshot.hpp"
#include "stats/units.hpp"

using namespace pgfence;
using namespace pgfence::stats;

namespace {

Snapshot sample() {
    Snapshot s;
    s.taken_at = "2024-05-01T12:00:00Z";
    s.search_path = {"app", "public"};
    TableStats users{"public", "users", "table", 12e6, "catalog", 3'000'000'000, 4'000'000'000, {{"users_pkey", 1000}}, {}, {}};
    TableStats app_users{"app", "users", "table", 500, "catalog", 40960, 65536, {}, {}, {}};
    TableStats mixed{"public", "MixedCase", "table", 20000, "catalog", 2'000'000, 3'000'000, {}, {}, {}};
    TableStats parent{"public", "metrics", "partitioned table", 0, "catalog", 0, 0, {}, {}, {}};
    TableStats p1{"public", "metrics_a", "table", 6e6, "catalog", 1'000'000'000, 1'000'000'000, {}, std::string("public.metrics"), {}};
    TableStats p2{"public", "metrics_b", "table", std::nullopt, "none", 500'000'000, 500'000'000, {}, std::string("public.metrics"), {}};
    s.tables = {users, app_users, mixed, parent, p1, p2};
    return s;
}

analyze::Report report_for(const std::string& sql) {
    analyze::AnalyzeOptions options;
    analyze::Report report;
    report.files.push_back(analyze::analyze_text("m.sql", sql, options));
    return report;
}

const analyze::Finding* finding(const analyze::Report& r, std::string_view rule) {
    for (const auto& f : r.files[0].findings) {
        if (f.rule == rule) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("stats: connection strings never show the password", "[stats]") {
    CHECK(redact_conninfo("postgresql://app:s3cret@db:5432/app") == "postgresql://app:***@db:5432/app");
    CHECK(redact_conninfo("postgres://app:p%40ss@db/app?sslmode=require") == "postgres://app:***@db/app?sslmode=require");
    CHECK(redact_conninfo("postgresql://app@db/app?password=s3cret&sslmode=disable") ==
          "postgresql://app@db/app?password=***&sslmode=disable");
    CHECK(redact_conninfo("host=db password='a b c' dbname=app") == "host=db password=*** dbname=app");
    CHECK(redact_conninfo("host=db user=app") == "host=db user=app");
    auto secrets = passwords_in("postgres://app:p%40ss@db/app");
    REQUIRE(secrets.size() == 2);
    CHECK(scrub("failed for p@ss and p%40ss", secrets) == "failed for *** and ***");
}

TEST_CASE("stats: a password with an unencoded '/', '?', '#' or '@' is never shown", "[stats]") {
    for (std::string password : {"s3c/ret", "s3c?ret", "s3c#ret", "s3c@ret", "a/b@c?d"}) {
        std::string url = "postgresql://u:" + password + "@host/db";
        INFO(url);
        CHECK(redact_conninfo(url) == "postgresql://u:***@host/db");
        CHECK(passwords_in(url).front() == password);
        CHECK(userinfo_needs_encoding(url) == (password.find_first_of("/?#") != std::string::npos));
    }
    CHECK_FALSE(userinfo_needs_encoding("postgresql://u:p%2Fw@host:5432/db?sslmode=require"));
    CHECK_FALSE(userinfo_needs_encoding("host=db password=a/b@c"));
}

TEST_CASE("stats: sizes and durations read like pg_size_pretty", "[stats]") {
    CHECK(format_bytes(4.1 * 1024 * 1024 * 1024) == "4.1 GB");
    CHECK(format_bytes(65536) == "64 kB");
    CHECK(format_rows(12e6) == "~12M rows");
    CHECK(format_rows(199998) == "~200k rows");
    CHECK(format_rows(500) == "~500 rows");
    CHECK(format_seconds(0.2) == "under 1 s");
    CHECK(format_seconds(82) == "1 min 22 s");
    CHECK(format_seconds(7500) == "2 h 5 min");
    CHECK(parse_bytes("10MB") == 10.0 * 1024 * 1024);
    CHECK(parse_throughput("50 MB/s") == 50.0 * 1024 * 1024);
    CHECK(!parse_throughput("fast"));
    CHECK(!parse_throughput("0MB/s"));
}

TEST_CASE("stats: the snapshot round-trips and rejects other versions", "[stats]") {
    Snapshot s = sample();
    s.has_columns = true;
    s.tables[0].columns = {{"id", "bigint", true}};
    auto back = parse_snapshot(snapshot_to_json(s), "x.json");
    REQUIRE(back);
    REQUIRE(back->tables.size() == s.tables.size());
    CHECK(back->tables[0].columns[0].type == "bigint");
    CHECK(*back->tables[4].parent == "public.metrics");
    CHECK(!back->tables[5].rows);
    auto old = parse_snapshot(R"({"pgfence_stats_version": 2, "taken_at": "x", "tables": []})", "old.json");
    REQUIRE(!old);
    CHECK(old.error().describe().find("old.json") != std::string::npos);
    CHECK(!parse_snapshot("[]", "a.json"));
    CHECK(!parse_snapshot(R"({"pgfence_stats_version": 1, "taken_at": "x", "tables": [{"schema": "s"}]})", "b.json"));
}

TEST_CASE("stats: names resolve like PostgreSQL's", "[stats]") {
    Snapshot s = sample();
    SnapshotIndex index(s);
    CHECK(split_name("\"Billing\".\"In.voices\"") == std::vector<std::string>{"Billing", "In.voices"});
    CHECK(index.find("users")->schema == "app");          // search_path order
    CHECK(index.find("public.users")->schema == "public");
    CHECK(index.find("PUBLIC.USERS")->schema == "public");  // unquoted folds
    CHECK(index.find("\"MixedCase\"") != nullptr);
    CHECK(index.find("mixedcase") == nullptr);              // only the quoted form matches
    CHECK(index.find("public.users_pkey")->name == "users");  // an index -> its table
    CHECK(index.find("nope") == nullptr);
    TableSize metrics = index.size_of(*index.find("metrics"));
    CHECK(metrics.partitions == 2);
    CHECK(*metrics.rows == 6e6);  // the partition without an estimate adds bytes, not rows
    CHECK(metrics.table_bytes == 1'500'000'000);
}

TEST_CASE("stats: format_type text becomes the analyzer's canonical type", "[stats]") {
    CHECK(canonical_from_format_type("character varying(50)") == "varchar(50)");
    CHECK(canonical_from_format_type("integer[]") == "int4[]");
    CHECK(canonical_from_format_type("numeric(12,2)") == "numeric(12,2)");
    CHECK(canonical_from_format_type("timestamp without time zone") == "timestamp");
}

TEST_CASE("stats: risk moves with the table's size", "[stats]") {
    Snapshot s = sample();
    SizeOptions options;
    {
        auto r = report_for("CREATE INDEX i ON public.users (id);");
        apply_size_risk(r, s, options);
        const auto* f = finding(r, "create-index-without-concurrently");
        REQUIRE(f);
        CHECK(f->risk == analyze::Risk::Critical);
        CHECK(f->size->base_risk == analyze::Risk::High);
        CHECK(f->message.find("public.users: ~12M rows, 3.7 GB") != std::string::npos);
        CHECK(r.files[0].risk == analyze::Risk::Critical);
        CHECK(r.files[0].statements[0].risk == analyze::Risk::Critical);
    }
    {
        auto r = report_for("CREATE INDEX i ON users (id);");  // app.users through search_path: 500 rows
        apply_size_risk(r, s, options);
        CHECK(finding(r, "create-index-without-concurrently")->risk == analyze::Risk::Medium);
    }
    {
        // Medium-sized: risk unchanged, estimate still there.
        auto r = report_for("CREATE INDEX i ON \"MixedCase\" (id);");
        apply_size_risk(r, s, options);
        const auto* f = finding(r, "create-index-without-concurrently");
        CHECK(f->risk == analyze::Risk::High);
        CHECK(f->size->size_class == "medium");
        CHECK(f->message.find("less than 1 s under SHARE (index build of") != std::string::npos);
    }
    {
        auto r = report_for("CREATE TABLE fresh (id int);\nCREATE INDEX i ON fresh (id);\nCREATE INDEX j ON ghost (id);");
        apply_size_risk(r, s, options);
        const auto* f = finding(r, "create-index-without-concurrently");
        REQUIRE(f);  // only ghost: the new table has no finding to size
        CHECK(f->relation == "ghost");
        CHECK(f->size->status == "absent");
        CHECK(f->risk == analyze::Risk::High);
    }
    {
        // Policy findings stay where they are.
        auto r = report_for("ALTER TABLE public.users ADD CONSTRAINT c CHECK (id > 0);");
        auto before = r;
        apply_size_risk(r, s, options);
        const auto* policy = finding(r, "lock-timeout-missing");
        REQUIRE(policy);
        CHECK(!policy->size);
        CHECK(policy->risk == finding(before, "lock-timeout-missing")->risk);
        CHECK(finding(r, "add-check-without-not-valid")->risk == analyze::Risk::Critical);
    }
}
