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

TEST_CASE("stats: without a time estimate, risk moves with the table's size class", "[stats]") {
    Snapshot s = sample();
    SizeOptions options;
    options.throughput = 0;  // no estimate: the row and byte classes decide
    {
        auto r = report_for("CREATE INDEX i ON public.users (id);");
        apply_size_risk(r, s, options);
        const auto* f = finding(r, "create-index-without-concurrently");
        REQUIRE(f);
        CHECK(f->risk == analyze::Risk::Critical);
        CHECK(f->size->base_risk == analyze::Risk::High);
        CHECK(!f->size->blocking_seconds);
        CHECK(f->message.find("public.users: ~12M rows, 3.7 GB; huge table: risk HIGH → CRITICAL") != std::string::npos);
        CHECK(f->message.find(" under SHARE") == std::string::npos);
        CHECK(r.files[0].risk == analyze::Risk::Critical);
        CHECK(r.files[0].statements[0].risk == analyze::Risk::Critical);
    }
    {
        auto r = report_for("CREATE INDEX i ON users (id);");  // app.users through search_path: 500 rows
        apply_size_risk(r, s, options);
        CHECK(finding(r, "create-index-without-concurrently")->risk == analyze::Risk::Medium);
    }
    {
        // Medium-sized: risk unchanged.
        auto r = report_for("CREATE INDEX i ON \"MixedCase\" (id);");
        apply_size_risk(r, s, options);
        const auto* f = finding(r, "create-index-without-concurrently");
        CHECK(f->risk == analyze::Risk::High);
        CHECK(f->size->size_class == "medium");
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

namespace {

constexpr double k_mb = 1024.0 * 1024;

// Tables whose blocking times at the default 50 MB/s are round: orders' heap takes 3 s to read,
// big's 100 s and its whole relation 120 s to rewrite, wide's heap 10 s, narrow's 0.2 s; hollow
// has rows and no bytes.
Snapshot timed() {
    Snapshot s;
    s.taken_at = "2024-05-01T12:00:00Z";
    s.search_path = {"public"};
    auto table = [](std::string name, std::optional<double> rows, double heap, double total) {
        return TableStats{"public", std::move(name), "table", rows, "catalog", static_cast<std::int64_t>(heap),
                          static_cast<std::int64_t>(total), {}, {}, {}};
    };
    s.tables = {table("orders", 2e6, 150 * k_mb, 200 * k_mb), table("big", 20e6, 5000 * k_mb, 6000 * k_mb),
                table("wide", 3e6, 500 * k_mb, 600 * k_mb), table("narrow", 5e6, 10 * k_mb, 12 * k_mb),
                table("hollow", 2e6, 0, 0)};
    return s;
}

analyze::Finding sized(const std::string& sql, std::string_view rule, const SizeOptions& options,
                       std::optional<analyze::LockMode> mode = std::nullopt) {
    analyze::Report r = report_for(sql);
    if (mode) {
        for (auto& l : r.files[0].statements[0].locks) l.mode = *mode;  // the lock another statement shape would take
    }
    apply_size_risk(r, timed(), options);
    const auto* f = finding(r, rule);
    REQUIRE(f);
    REQUIRE(f->size);
    return *f;
}

}  // namespace

TEST_CASE("stats: with a time estimate, the blocking time decides the risk, not the rows", "[stats]") {
    SizeOptions options;
    using analyze::Risk;
    SECTION("3 s under SHARE on a table of 2M rows is MEDIUM, not CRITICAL (the issue's case)") {
        analyze::Finding f = sized("CREATE INDEX i ON orders (id);", "create-index-without-concurrently", options);
        CHECK(f.size->size_class == "large");  // the row class would have made it CRITICAL
        CHECK(f.size->blocking_seconds == Approx(3.0));
        CHECK(f.risk == Risk::Medium);
        CHECK(f.message.ends_with(" — orders: ~2M rows, 200 MB; about 3 s under SHARE (index build of 150 MB at 50 MB/s); "
                                  "risk HIGH → MEDIUM (under 5 s)"));
        // With a lower high_seconds it is HIGH, still not CRITICAL.
        SizeOptions lower = options;
        lower.times.high_seconds = 2;
        analyze::Finding g = sized("CREATE INDEX i ON orders (id);", "create-index-without-concurrently", lower);
        CHECK(g.risk == Risk::High);
        CHECK(g.message.find("risk ") == std::string::npos);  // it did not move
    }
    SECTION("2 minutes under ACCESS EXCLUSIVE is CRITICAL") {
        analyze::Finding f = sized("VACUUM FULL big;", "vacuum-full", options);
        CHECK(f.size->lock == "ACCESS EXCLUSIVE");
        CHECK(f.size->blocking_seconds == Approx(120.0));
        CHECK(f.risk == Risk::Critical);
        CHECK(f.message.ends_with("about 2 min under ACCESS EXCLUSIVE (rewrite of 5.9 GB at 50 MB/s); risk HIGH → CRITICAL "
                                  "(at least 1 min)"));
        SizeOptions later = options;
        later.times.critical_seconds = 180;
        CHECK(sized("VACUUM FULL big;", "vacuum-full", later).risk == Risk::High);
    }
    SECTION("between high_seconds and critical_seconds: HIGH") {
        analyze::Finding f = sized("CREATE INDEX i ON wide (id);", "create-index-without-concurrently", options);
        CHECK(f.size->blocking_seconds == Approx(10.0));
        CHECK(f.risk == Risk::High);
    }
    SECTION("under low_seconds: one level lower, however many rows") {
        analyze::Finding f = sized("CREATE INDEX i ON narrow (id);", "create-index-without-concurrently", options);
        CHECK(f.size->size_class == "large");
        CHECK(f.risk == Risk::Medium);
        CHECK(f.message.ends_with("; less than 1 s under SHARE (index build of 10 MB at 50 MB/s); risk HIGH → MEDIUM (under 0.5 s)"));
    }
    SECTION("a lock that blocks no reads or writes is HIGH at most, however long") {
        // The same 100 s build under SHARE is CRITICAL; under SHARE UPDATE EXCLUSIVE or ROW EXCLUSIVE, HIGH.
        CHECK(sized("CREATE INDEX i ON big (id);", "create-index-without-concurrently", options).risk == Risk::Critical);
        for (auto mode : {analyze::LockMode::ShareUpdateExclusive, analyze::LockMode::RowExclusive}) {
            analyze::Finding f = sized("CREATE INDEX i ON big (id);", "create-index-without-concurrently", options, mode);
            CHECK(f.size->blocking_seconds == Approx(100.0));
            CHECK(f.risk == Risk::High);
        }
    }
    SECTION("no estimate: throughput 0, or a table without bytes, and the size classes decide") {
        SizeOptions no_estimate = options;
        no_estimate.throughput = 0;
        analyze::Finding f = sized("CREATE INDEX i ON orders (id);", "create-index-without-concurrently", no_estimate);
        CHECK(!f.size->blocking_seconds);
        CHECK(f.risk == Risk::Critical);
        CHECK(f.message.ends_with(" — orders: ~2M rows, 200 MB; large table: risk HIGH → CRITICAL"));
        analyze::Finding g = sized("CREATE INDEX i ON hollow (id);", "create-index-without-concurrently", options);
        CHECK(!g.size->blocking_seconds);
        CHECK(g.risk == Risk::Critical);
        CHECK(g.message.find("large table: risk HIGH → CRITICAL") != std::string::npos);
    }
}

TEST_CASE("stats: durations as the config writes them", "[stats]") {
    CHECK(parse_seconds("5s") == 5.0);
    CHECK(parse_seconds("0.5 s") == 0.5);
    CHECK(parse_seconds("500ms") == 0.5);
    CHECK(parse_seconds("2min") == 120.0);
    CHECK(parse_seconds("1h") == 3600.0);
    CHECK(parse_seconds("90") == 90.0);
    CHECK(!parse_seconds("fast"));
    CHECK(!parse_seconds("5 days"));
    CHECK(!parse_seconds("-1s"));
    CHECK(format_threshold_seconds(0.5) == "0.5 s");
    CHECK(format_threshold_seconds(5) == "5 s");
    CHECK(format_threshold_seconds(60) == "1 min");
}
