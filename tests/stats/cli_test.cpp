// analyze with and without --stats-file: the same migration, every output format, and
// the differences docs/stats-format.md promises.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/stats/run.hpp"

using namespace pgfence::tests;
using nlohmann::json;

namespace {

const std::string k_binary = PGFENCE_BINARY;
const std::string k_fixtures = PGFENCE_STATS_FIXTURES;

// Every --format the binary accepts, as its own usage error lists them ("--format takes
// text, json, markdown, sarif or github, not 'x'"): formats added later are covered too.
std::vector<std::string> formats() {
    RunResult r = run({k_binary, "analyze", "--no-config", "--format", "no-such-format", "x.sql"});
    std::smatch m;
    std::vector<std::string> out;
    if (!std::regex_search(r.err, m, std::regex(R"(--format takes (.*), not)"))) return out;
    std::string list = std::regex_replace(std::string(m[1]), std::regex(" or "), ", ");
    std::size_t start = 0;
    for (std::size_t comma = list.find(", ");; comma = list.find(", ", start)) {
        std::string format = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        // `plan` writes each file's migration plan as files, not a report.
        if (format != "plan") out.push_back(format);
        if (comma == std::string::npos) break;
        start = comma + 2;
    }
    return out;
}

RunResult analyze(const std::string& format, bool with_stats, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{k_binary, "analyze", "--no-config", "--format", format};
    if (with_stats) {
        argv.push_back("--stats-file");
        argv.push_back(k_fixtures + "/snapshot.json");
    }
    for (auto& e : extra) argv.push_back(e);
    argv.push_back(k_fixtures + "/sizes.sql");
    return run(argv);
}

std::map<std::string, json> findings_by_statement(const json& report) {
    std::map<std::string, json> out;
    for (const auto& f : report["files"][0]["findings"]) {
        if (f["rule"] == "lock-timeout-missing" || f["rule"] == "statement-timeout-missing") continue;
        std::string key = f["rule"].get<std::string>() + "@" + std::to_string(f["start"]["line"].get<int>());
        out[key] = f;
    }
    return out;
}

// `sql` written to dir/name and analysed as JSON, with or without the fixture snapshot: the
// file's report.
json analyze_sql(const std::string& dir, const std::string& name, const std::string& sql, bool with_stats) {
    write_text(dir + "/" + name, sql);
    std::vector<std::string> argv{k_binary, "analyze", "--no-config", "--format", "json"};
    if (with_stats) {
        argv.push_back("--stats-file");
        argv.push_back(k_fixtures + "/snapshot.json");
    }
    argv.push_back(dir + "/" + name);
    RunResult r = run(argv);
    INFO(r.err);
    REQUIRE(r.exit_code <= 1);
    return json::parse(r.out)["files"][0];
}

// Markdown with its backslash escapes removed.
std::string markdown_text(const std::string& markdown) {
    std::string out;
    for (std::size_t i = 0; i < markdown.size(); ++i) {
        if (markdown[i] == '\\' && i + 1 < markdown.size() && std::ispunct(static_cast<unsigned char>(markdown[i + 1]))) ++i;
        out += markdown[i];
    }
    return out;
}

}  // namespace

TEST_CASE("every format carries the sizes and estimates", "[cli]") {
    std::vector<std::string> list = formats();
    REQUIRE(list.size() >= 3);
    for (const auto& format : list) {
        INFO("format " << format);
        RunResult without = analyze(format, false);
        RunResult with = analyze(format, true);
        INFO(without.err << with.err);
        REQUIRE(without.exit_code == 0);
        REQUIRE(with.exit_code == 0);
        CHECK(without.out != with.out);
        // Markdown escapes its punctuation ("\~12M"): the text is compared as a reader sees it.
        if (format == "markdown") with.out = markdown_text(with.out);
        // The compact form wraps its lines: the text is compared as one paragraph.
        if (format == "compact") {
            std::string joined;
            for (char c : with.out) {
                if (c == '\n') {
                    if (!joined.empty() && joined.back() != ' ') joined += ' ';
                } else if (c != ' ' || joined.empty() || joined.back() != ' ') {
                    joined += c;
                }
            }
            with.out = joined;
        }
        CHECK(without.out.find("~12M rows") == std::string::npos);
        CHECK(with.out.find("users: ~12M rows, 4.1 GB") != std::string::npos);
        CHECK(with.out.find("about 1 min 6 s under SHARE (index build of 3.2 GB at 50 MB/s); risk HIGH → CRITICAL (at least 1 min)") !=
              std::string::npos);
        CHECK(with.out.find("lookup: ~500 rows, 64 kB") != std::string::npos);
        CHECK(with.out.find("audit: not in the stats snapshot: treated as unknown size") != std::string::npos);
        CHECK(with.out.find("metrics: ~12M rows, 4 GB") != std::string::npos);  // its two partitions
    }
}

TEST_CASE("json: risks move with size, as documented", "[cli]") {
    auto without = json::parse(analyze("json", false).out);
    RunResult run_with = analyze("json", true);
    auto with = json::parse(run_with.out);
    auto before = findings_by_statement(without);
    auto after = findings_by_statement(with);

    // users: a 1 min 6 s index build under SHARE, which blocks writes -> CRITICAL.
    json users = after.at("create-index-without-concurrently@2");
    CHECK(before.at("create-index-without-concurrently@2")["risk"] == "HIGH");
    CHECK(users["risk"] == "CRITICAL");
    CHECK(users["size"]["status"] == "measured");
    CHECK(users["size"]["table"] == "public.users");
    CHECK(users["size"]["size_class"] == "huge");
    CHECK(users["size"]["base_risk"] == "HIGH");
    CHECK(users["size"]["lock"] == "SHARE");
    CHECK(users["size"]["work"] == "index build");
    // An index build reads the heap: table bytes / 50 MB/s.
    CHECK(users["size"]["blocking_seconds"].get<double>() == Approx(3435973837.0 / (50.0 * 1024 * 1024)).epsilon(0.01));

    // lookup: 500 rows, small -> one level lower.
    CHECK(after.at("create-index-without-concurrently@3")["risk"] == "MEDIUM");
    // events: 2M rows (large), but its scan is estimated at 10 s: HIGH, not CRITICAL.
    CHECK(before.at("add-foreign-key-without-not-valid@4")["risk"] == "HIGH");
    CHECK(after.at("add-foreign-key-without-not-valid@4")["risk"] == "HIGH");
    CHECK(after.at("add-foreign-key-without-not-valid@4")["size"]["size_class"] == "large");
    CHECK(after.at("add-foreign-key-without-not-valid@4")["size"]["blocking_seconds"].get<double>() == Approx(10.0));
    // audit: not in the snapshot -> default risk, said so.
    json audit = after.at("create-index-without-concurrently@5");
    CHECK(audit["risk"] == "HIGH");
    CHECK(audit["size"]["status"] == "absent");
    CHECK(audit["size"]["blocking_seconds"].is_null());
    // accounts.name varchar(50) -> varchar(100): binary-coercible per the snapshot's types.
    CHECK(before.count("alter-column-type-rewrite@6") == 1);
    CHECK(after.count("alter-column-type-rewrite@6") == 0);
    json statement6 = with["files"][0]["statements"][5];
    CHECK(statement6["rewrites"].empty());
    CHECK(statement6["notes"].dump().find("no rewrite") != std::string::npos);
    // accounts.code bigint -> integer: a certain rewrite (HIGH) instead of "may rewrite" (MEDIUM);
    // of 8 MB, so under 0.5 s: one level lower.
    CHECK(before.at("alter-column-type-rewrite@7")["risk"] == "MEDIUM");
    CHECK(after.at("alter-column-type-rewrite@7")["size"]["base_risk"] == "HIGH");
    CHECK(after.at("alter-column-type-rewrite@7")["risk"] == "MEDIUM");
    CHECK(after.at("alter-column-type-rewrite@7")["message"].get<std::string>().find(" rewrites accounts") != std::string::npos);
    // metrics: partitioned; its partitions' 12M rows make it huge.
    CHECK(after.at("create-index-without-concurrently@8")["risk"] == "CRITICAL");
    CHECK(after.at("create-index-without-concurrently@8")["size"]["rows"].get<double>() == 12000000);
    // Policy findings do not move.
    for (const auto& f : with["files"][0]["findings"]) {
        if (f["rule"] == "statement-timeout-missing") CHECK(!f.contains("size"));
    }
    // Without a snapshot there is no size field at all (the schema's additive field).
    for (const auto& f : without["files"][0]["findings"]) CHECK(!f.contains("size"));
    // Statement and file risks follow.
    CHECK(with["files"][0]["risk"] == "CRITICAL");
    CHECK(without["files"][0]["risk"] == "HIGH");

    // The schema accepts both.
    std::string dir = temp_dir("pgfence-stats-cli");
    write_text(dir + "/with.json", run_with.out);
    RunResult valid = run({"/usr/bin/python3", "-c",
                           "import json, sys, jsonschema; s = json.load(open(sys.argv[1])); "
                           "jsonschema.validate(json.load(open(sys.argv[2])), s)",
                           std::string(PGFENCE_SOURCE_DIR) + "/docs/pgfence-report.schema.json", dir + "/with.json"});
    INFO(valid.err);
    CHECK(valid.exit_code == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("--ci: the snapshot can turn a pass into a failure", "[cli]") {
    CHECK(analyze("text", false, {"--ci", "--max-risk", "high"}).exit_code == 0);
    RunResult r = analyze("text", true, {"--ci", "--max-risk", "high"});
    CHECK(r.exit_code == 1);
}

TEST_CASE("thresholds and throughput are configurable", "[cli]") {
    // 100 MB/s halves the estimate: users' index build takes 33 s, HIGH below a critical_seconds of
    // 40 s and CRITICAL from one of 30 s; events' scan (5 s) is MEDIUM under a high_seconds of 6 s.
    std::string dir = temp_dir("pgfence-stats-conf");
    write_text(dir + "/.pgfence.toml", "[stats]\nthroughput = \"100MB/s\"\nhigh_seconds = 6\ncritical_seconds = \"40s\"\n");
    auto with = json::parse(analyze("json", true, {"--config", dir + "/.pgfence.toml"}).out);
    auto after = findings_by_statement(with);
    // --no-config comes first in analyze(); --config given later wins for the file to read.
    CHECK(after.at("create-index-without-concurrently@2")["size"]["throughput_bytes_per_second"].get<double>() == 100.0 * 1024 * 1024);
    CHECK(after.at("create-index-without-concurrently@2")["risk"] == "HIGH");
    CHECK(after.at("add-foreign-key-without-not-valid@4")["risk"] == "MEDIUM");
    CHECK(after.at("add-foreign-key-without-not-valid@4")["message"].get<std::string>().ends_with("risk HIGH → MEDIUM (under 6 s)"));
    write_text(dir + "/.pgfence.toml", "[stats]\nthroughput = \"100MB/s\"\ncritical_seconds = 30\n");
    after = findings_by_statement(json::parse(analyze("json", true, {"--config", dir + "/.pgfence.toml"}).out));
    CHECK(after.at("create-index-without-concurrently@2")["risk"] == "CRITICAL");
    // throughput 0: no estimate, so the size classes decide; a large_rows of 400 makes lookup
    // large instead of small.
    write_text(dir + "/.pgfence.toml", "[stats]\nthroughput = 0\nsmall_rows = 100\nlarge_rows = 400\n");
    after = findings_by_statement(json::parse(analyze("json", true, {"--config", dir + "/.pgfence.toml"}).out));
    CHECK(after.at("create-index-without-concurrently@3")["risk"] == "CRITICAL");
    CHECK(after.at("create-index-without-concurrently@3")["size"]["blocking_seconds"].is_null());
    CHECK(after.at("add-foreign-key-without-not-valid@4")["risk"] == "CRITICAL");  // events: 2M rows, large
    auto flag = json::parse(analyze("json", true, {"--stats-throughput", "25MB/s"}).out);
    CHECK(findings_by_statement(flag).at("create-index-without-concurrently@2")["size"]["throughput_bytes_per_second"].get<double>() ==
          25.0 * 1024 * 1024);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a bad snapshot is one error line, exit 2", "[cli]") {
    std::string dir = temp_dir("pgfence-stats-bad");
    write_text(dir + "/old.json", R"({"pgfence_stats_version": 99, "taken_at": "x", "tables": []})");
    RunResult r = run({k_binary, "analyze", "--no-config", "--stats-file", dir + "/old.json", k_fixtures + "/sizes.sql"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("error: ", 0) == 0);
    CHECK(r.err.find("version 99") != std::string::npos);
    RunResult missing = run({k_binary, "analyze", "--no-config", "--stats-file", dir + "/none.json", k_fixtures + "/sizes.sql"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("cannot read the stats snapshot") != std::string::npos);
    RunResult bad_flag = run({k_binary, "analyze", "--no-config", "--stats-throughput", "fast", k_fixtures + "/sizes.sql"});
    CHECK(bad_flag.exit_code == 2);
    std::filesystem::remove_all(dir);
}

TEST_CASE("--schema types are known during the analysis: every rule sees the decided type change", "[cli]") {
    std::string dir = temp_dir("pgfence-stats-types");
    auto report_of = [&](const std::string& name, const std::string& sql, bool with_stats) {
        return analyze_sql(dir, name, sql, with_stats);
    };
    auto count = [](const json& file, const std::string& rule) {
        int n = 0;
        for (const auto& f : file["findings"]) n += f["rule"] == rule;
        return n;
    };

    SECTION("a change the snapshot shows is binary-coercible needs no statement_timeout") {
        std::string sql = "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);\n";
        json without = report_of("widen.sql", sql, false);
        json with = report_of("widen.sql", sql, true);
        CHECK(count(without, "statement-timeout-missing") == 1);  // "may rewrite" is slow under the lock
        CHECK(count(with, "statement-timeout-missing") == 0);
        CHECK(count(with, "alter-column-type-rewrite") == 0);
        CHECK(with["statements"][1]["rewrites"].empty());
        CHECK(with["statements"][1]["notes"].dump().find(
                  "no rewrite, ") != std::string::npos);
        CHECK(with["statements"][1]["notes"].dump().find(
                  "(current type character varying(50) from the stats snapshot)") != std::string::npos);
    }
    SECTION("a rewriting change is certain, and says where the type came from") {
        json with = report_of("narrow.sql", "ALTER TABLE accounts ALTER COLUMN code TYPE integer;\n", true);
        REQUIRE(count(with, "alter-column-type-rewrite") == 1);
        for (const auto& f : with["findings"]) {
            if (f["rule"] != "alter-column-type-rewrite") continue;
            CHECK(f["size"]["base_risk"] == "HIGH");  // then under 0.5 s of rewrite (8 MB): MEDIUM
            CHECK(f["message"].get<std::string>().find(" rewrites accounts") != std::string::npos);
            CHECK(f["message"].get<std::string>().find("current type bigint from the stats snapshot") != std::string::npos);
        }
        CHECK(with["statements"][0]["rewrites"] == json::array({"accounts"}));
    }
    SECTION("columns the migration renamed or retyped are not read from the snapshot") {
        // After the renames, "name" is the old "code" (bigint): the snapshot's varchar(50) no longer holds.
        json renamed = report_of("renamed.sql",
                                 "ALTER TABLE accounts RENAME COLUMN name TO old_name;\n"
                                 "ALTER TABLE accounts RENAME COLUMN code TO name;\n"
                                 "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);\n",
                                 true);
        CHECK(renamed["statements"][2]["rewrites"].size() == 1);
        CHECK(renamed["statements"][2]["notes"].dump().find("no rewrite") == std::string::npos);
        // text -> varchar(50) checks every value: not the snapshot's varchar(50) -> varchar(50).
        json retyped = report_of("retyped.sql",
                                 "ALTER TABLE accounts ALTER COLUMN name TYPE text;\n"
                                 "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(50);\n",
                                 true);
        CHECK(retyped["statements"][0]["rewrites"].empty());
        CHECK(retyped["statements"][1]["rewrites"].size() == 1);
        // A table renamed in the migration is not the snapshot's table of that name.
        json table = report_of("table.sql",
                               "ALTER TABLE accounts RENAME TO accounts_old;\n"
                               "ALTER TABLE users RENAME TO accounts;\n"
                               "ALTER TABLE accounts ALTER COLUMN name TYPE varchar(100);\n",
                               true);
        CHECK(table["statements"][2]["rewrites"].size() == 1);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("--schema NOT NULL: SET NOT NULL on a column that already is NOT NULL checks nothing", "[cli]") {
    std::string dir = temp_dir("pgfence-stats-notnull");
    auto statements_of = [&](const std::string& sql, bool with_stats) {
        return analyze_sql(dir, "m.sql", sql, with_stats)["statements"];
    };
    // accounts.id is NOT NULL in the snapshot, accounts.name is not.
    std::string sql = "ALTER TABLE accounts ALTER COLUMN id SET NOT NULL;\nALTER TABLE accounts ALTER COLUMN name SET NOT NULL;\n";
    json without = statements_of(sql, false);
    json with = statements_of(sql, true);
    CHECK(without[0]["scans"].size() == 1);
    CHECK(with[0]["scans"].empty());
    CHECK(with[0]["notes"].dump().find("SET NOT NULL on id checks no row: the column is already NOT NULL (from the stats snapshot)") !=
          std::string::npos);
    CHECK(with[0]["locks"][0]["mode"] == "ACCESS EXCLUSIVE");  // the lock stays
    CHECK(with[1]["scans"].size() == 1);
    // One ALTER TABLE, two columns: the scan is name's, and only name gets the finding.
    json two_report = analyze_sql(dir, "two.sql",
                                  "ALTER TABLE accounts ALTER COLUMN id SET NOT NULL, ALTER COLUMN name SET NOT NULL;\n", true);
    std::vector<std::string> flagged;
    for (const auto& f : two_report["findings"]) {
        if (f["rule"] == "set-not-null-scan") flagged.push_back(f["message"].get<std::string>().substr(0, 19));
    }
    CHECK(flagged == std::vector<std::string>{"SET NOT NULL on nam"});
    // DROP NOT NULL earlier in the migration: the snapshot's NOT NULL no longer holds.
    json dropped = statements_of("ALTER TABLE accounts ALTER COLUMN id DROP NOT NULL;\n"
                                 "ALTER TABLE accounts ALTER COLUMN id SET NOT NULL;\n",
                                 true);
    CHECK(dropped[1]["scans"].size() == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the snapshot's indexes: DROP INDEX and REINDEX INDEX lock the index's table by name", "[cli]") {
    std::string dir = temp_dir("pgfence-stats-indexes");
    auto statements_of = [&](const std::string& sql, bool with_stats) {
        return analyze_sql(dir, "m.sql", sql, with_stats)["statements"];
    };
    auto mode_on = [](const json& statement, const std::string& relation) {
        for (const auto& l : statement["locks"]) {
            if (l["relation"] == relation) return l["mode"].get<std::string>();
        }
        return std::string("-");
    };
    std::string sql = "DROP INDEX users_email_key;\n"
                      "REINDEX INDEX lookup_pkey;\n"
                      "DROP INDEX CONCURRENTLY public.events_pkey;\n"
                      "DROP INDEX no_such_index;\n";
    json without = statements_of(sql, false);
    json with = statements_of(sql, true);
    CHECK(mode_on(without[0], "users") == "-");
    CHECK(without[0]["notes"].dump().find("the index's table also gets") != std::string::npos);
    // Modes as the conformance suite proves them for known indexes.
    CHECK(mode_on(with[0], "users") == "ACCESS EXCLUSIVE");
    CHECK(with[0]["notes"].dump().find("the index's table also gets") == std::string::npos);
    CHECK(mode_on(with[1], "lookup") == "SHARE");
    CHECK(mode_on(with[2], "public.events") == "SHARE UPDATE EXCLUSIVE");  // qualified like the index
    CHECK(with[3]["notes"].dump().find("the index's table also gets") != std::string::npos);
    // Dropped or renamed earlier in the migration: the snapshot's owner no longer holds.
    json again = statements_of("DROP INDEX users_email_key;\nDROP INDEX IF EXISTS users_email_key;\n"
                               "ALTER INDEX lookup_pkey RENAME TO lookup_old;\nREINDEX INDEX lookup_pkey;\n",
                               true);
    CHECK(mode_on(again[1], "users") == "-");
    CHECK(mode_on(again[3], "lookup") == "-");
    std::filesystem::remove_all(dir);
}
