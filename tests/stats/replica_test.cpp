// extract-stats against a streaming replica gives the primary's sizes: the catalog
// replicates, the cumulative statistics counters do not.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "stats/snapshot.hpp"
#include "tests/stats/cluster.hpp"
#include "tests/stats/run.hpp"

using namespace pgfence;
using namespace pgfence::tests;

namespace {

constexpr const char* k_setup = R"(
CREATE TABLE events (id bigint PRIMARY KEY, user_id int NOT NULL, payload text NOT NULL);
INSERT INTO events SELECT g, g % 1000, repeat(md5(g::text), 3) FROM generate_series(1, 200000) g;
CREATE TABLE lookup (code int PRIMARY KEY, label text);
INSERT INTO lookup SELECT g, 'label ' || g FROM generate_series(1, 500) g;
CREATE TABLE measurements (at int NOT NULL, value float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_a PARTITION OF measurements FOR VALUES FROM (0) TO (50000);
CREATE TABLE measurements_b PARTITION OF measurements FOR VALUES FROM (50000) TO (100000);
INSERT INTO measurements SELECT g, g * 0.5 FROM generate_series(0, 99999) g;
CREATE SCHEMA "Billing";
CREATE TABLE "Billing"."Invoices" (id int, amount numeric(12, 2), note varchar(50));
INSERT INTO "Billing"."Invoices" SELECT g, g, 'n' FROM generate_series(1, 30000) g;
)";

// Written after VACUUM: the catalog has no estimate for it yet (autovacuum is off).
constexpr const char* k_fresh = "CREATE TABLE fresh (id int); INSERT INTO fresh SELECT generate_series(1, 20000)";

const std::string k_binary = PGFENCE_BINARY;

bool within(double got, double want, double tolerance = 0.10) {
    if (want == 0) return got == 0;
    return std::fabs(got - want) <= tolerance * want;
}

struct Truth {
    double rows = 0;
    double table_bytes = 0;
    double total_bytes = 0;
};

Truth truth(trace::Connection& primary, const std::string& qualified) {
    auto r = primary.query("SELECT (SELECT count(*) FROM " + qualified + "), pg_relation_size('" + qualified +
                           "'), pg_total_relation_size('" + qualified + "')");
    REQUIRE(r);
    return Truth{std::stod(r->value(0, 0)), std::stod(r->value(0, 1)), std::stod(r->value(0, 2))};
}

const stats::TableStats* table(const stats::Snapshot& s, const std::string& schema, const std::string& name) {
    for (const auto& t : s.tables) {
        if (t.schema == schema && t.name == name) return &t;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("extract-stats on a streaming replica matches the primary within 10%", "[replica]") {
    auto primary = start_primary();
    REQUIRE(primary);
    auto pconn = (*primary)->connect();
    REQUIRE(pconn);
    auto setup = [&](const char* sql) {
        auto done = pconn->execute(sql);
        INFO((done ? std::string() : done.error().message));
        REQUIRE(done);
    };
    setup(k_setup);
    setup("VACUUM ANALYZE");  // on its own: VACUUM refuses to run in the implicit transaction of a batch
    setup(k_fresh);
    auto replica = Replica::start(**primary);
    INFO((replica ? std::string() : replica.error().message));
    REQUIRE(replica);
    auto rconn = (*replica)->connect();
    REQUIRE(rconn);
    REQUIRE(pconn->execute("CHECKPOINT"));
    REQUIRE(wait_for_replay(*pconn, *rconn));

    // The point of reading the catalog: on the standby the counters are zero.
    auto recovery = rconn->query("SELECT pg_is_in_recovery(), coalesce((SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'events'), 0)");
    REQUIRE(recovery);
    REQUIRE(recovery->value(0, 0) == "t");
    CHECK(recovery->value(0, 1) == "0");

    std::string dir = temp_dir("pgfence-stats-test");
    std::string out = dir + "/snapshot.json";
    std::string url = std::string("postgresql://") + k_reader + ":" + k_reader_password + "@127.0.0.1:" +
                      std::to_string((*replica)->port()) + "/postgres";
    RunResult r = run({k_binary, "extract-stats", "--db-url", url, "--schema", "-o", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(k_reader_password) == std::string::npos);
    CHECK(r.err.find(k_reader_password) == std::string::npos);
    CHECK(r.out.find("standby") != std::string::npos);
    std::string text = read_text(out);
    CHECK(text.find(k_reader_password) == std::string::npos);
    auto snapshot = stats::parse_snapshot(text, out);
    REQUIRE(snapshot);
    CHECK(snapshot->in_recovery);
    CHECK(snapshot->has_columns);
    CHECK(snapshot->server_version_num >= 150000);

    for (auto [schema, name] : std::vector<std::pair<std::string, std::string>>{
             {"public", "events"}, {"public", "lookup"}, {"public", "measurements_a"}, {"public", "measurements_b"},
             {"Billing", "Invoices"}}) {
        INFO(schema << "." << name);
        const stats::TableStats* t = table(*snapshot, schema, name);
        REQUIRE(t != nullptr);
        Truth want = truth(*pconn, "\"" + schema + "\".\"" + name + "\"");
        REQUIRE(t->rows.has_value());
        // Logged for the record: replica estimate vs primary truth.
        std::printf("%s.%s: rows %.0f vs %.0f, table %lld vs %.0f bytes, total %lld vs %.0f bytes\n", schema.c_str(),
                    name.c_str(), *t->rows, want.rows, static_cast<long long>(t->table_bytes), want.table_bytes,
                    static_cast<long long>(t->total_bytes), want.total_bytes);
        CHECK(t->rows_source == "catalog");
        CHECK(within(*t->rows, want.rows));
        CHECK(within(static_cast<double>(t->table_bytes), want.table_bytes));
        CHECK(within(static_cast<double>(t->total_bytes), want.total_bytes));
    }
    const stats::TableStats* events = table(*snapshot, "public", "events");
    REQUIRE(events->indexes.size() == 1);
    CHECK(events->indexes[0].name == "events_pkey");
    CHECK(events->indexes[0].bytes > 0);
    const stats::TableStats* part = table(*snapshot, "public", "measurements_a");
    REQUIRE(part->parent);
    CHECK(*part->parent == "public.measurements");
    CHECK(table(*snapshot, "public", "measurements")->kind == "partitioned table");
    const stats::TableStats* invoices = table(*snapshot, "Billing", "Invoices");
    REQUIRE(invoices->columns.size() == 3);
    CHECK(invoices->columns[2].type == "character varying(50)");

    // Never vacuumed or analysed, and no counters on a standby: unknown rows, real bytes.
    const stats::TableStats* fresh = table(*snapshot, "public", "fresh");
    REQUIRE(fresh != nullptr);
    CHECK(!fresh->rows.has_value());
    CHECK(fresh->rows_source == "none");
    CHECK(within(static_cast<double>(fresh->table_bytes), truth(*pconn, "fresh").table_bytes));

    // The same snapshot drives analyze: lookup is small, events large by the thresholds
    // in the config file (without a time estimate, throughput 0, the classes decide), and the
    // measured sizes are in the messages.
    write_text(dir + "/m.sql", "CREATE INDEX lookup_label ON lookup (label);\nCREATE INDEX events_user ON events (user_id);\n"
                               "ALTER TABLE \"Billing\".\"Invoices\" ALTER COLUMN note TYPE varchar(80);\n");
    write_text(dir + "/.pgfence.toml", "[stats]\nthroughput = 0\nlarge_rows = 100000\n");
    RunResult a = run({k_binary, "analyze", "--config", dir + "/.pgfence.toml", "--stats-file", out, "--format", "json", dir + "/m.sql"});
    INFO(a.err);
    REQUIRE(a.exit_code == 0);
    auto report = nlohmann::json::parse(a.out);
    std::map<std::string, nlohmann::json> by_relation;
    for (const auto& f : report["files"][0]["findings"]) {
        if (f["rule"] == "create-index-without-concurrently") by_relation[f["relation"]] = f;
        CHECK(f["rule"] != "alter-column-type-rewrite");  // varchar(50) -> varchar(80) is decided: no rewrite
    }
    REQUIRE(by_relation.count("lookup") == 1);
    CHECK(by_relation["lookup"]["risk"] == "MEDIUM");
    CHECK(by_relation["lookup"]["size"]["size_class"] == "small");
    REQUIRE(by_relation.count("events") == 1);
    CHECK(by_relation["events"]["risk"] == "CRITICAL");
    CHECK(by_relation["events"]["size"]["size_class"] == "large");
    CHECK(by_relation["events"]["message"].get<std::string>().find("events: ~200k rows") != std::string::npos);
    std::filesystem::remove_all(dir);
}
