// The configuration file and the CI gate, through the same entry point the binary uses.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/cli.hpp"
#include "bot/config.hpp"

namespace fs = std::filesystem;
using namespace pgfence;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("pgfence-test-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
    fs::path write(const std::string& name, const std::string& text) const {
        fs::path p = path / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
};

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run run(std::vector<std::string> args) {
    std::ostringstream out, err;
    int code = bot::run_cli(args, out, err);
    return Run{code, out.str(), err.str()};
}

const char* k_risky = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";

}  // namespace

TEST_CASE("the gate: --ci fails on findings above --max-risk, and only with --ci") {
    TempDir dir;
    auto file = dir.write("001.sql", k_risky).string();
    CHECK(run({"analyze", "--no-config", file}).code == 0);
    Run gated = run({"analyze", "--no-config", "--ci", file});
    CHECK(gated.code == 1);
    CHECK(gated.err.find("above --max-risk MEDIUM") != std::string::npos);
    CHECK(run({"analyze", "--no-config", "--ci", "--max-risk", "high", file}).code == 0);
    CHECK(run({"analyze", "--no-config", "--ci", "--disable", "create-index-without-concurrently", file}).code == 0);
    CHECK(run({"analyze", "--no-config", "--ci", "--disable", "no-such-rule", file}).code == 2);
}

TEST_CASE("a suppression comment keeps a finding out of the gate") {
    TempDir dir;
    auto file = dir.write("001.sql",
                          "SET lock_timeout = '2s';\n-- pgfence-ignore: create-index-without-concurrently -- 40 rows\n"
                          "CREATE INDEX users_email_idx ON users (email);\n")
                    .string();
    Run r = run({"analyze", "--no-config", "--ci", "--format", "json", file});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"suppressed\": [\n") != std::string::npos);
}

TEST_CASE("the configuration file is found upward and overridden by flags") {
    TempDir dir;
    dir.write(".pgfence.toml",
              "pg_version = 12\nmax_risk = \"critical\"\npaths = [\"db/*.sql\"]\n"
              "[rules]\ndisable = [\"statement-timeout-missing\"]\n"
              "[rules.create-index-without-concurrently]\nrisk = \"critical\"\n"
              "[policies]\nmax_lock_timeout = \"3s\"\napplication_name = true\n");
    dir.write("db/001.sql", k_risky);
    auto found = bot::find_config(dir.path / "db");
    REQUIRE(found);
    CHECK(found->filename() == ".pgfence.toml");
    auto config = bot::load_config(*found);
    REQUIRE(config.has_value());
    CHECK(config->pg_version == 12);
    CHECK(config->rules.max_lock_timeout_ms == 3000);
    CHECK(config->rules.enabled.count("application-name-missing") == 1);
    CHECK(config->rules.disabled.count("statement-timeout-missing") == 1);
    CHECK(config->rules.risk.at("create-index-without-concurrently") == analyze::Risk::Critical);

    fs::path cwd = fs::current_path();
    fs::current_path(dir.path);
    // paths come from the config; the CRITICAL override is not above max_risk = critical...
    Run r = run({"analyze", "--ci", "--format", "json"});
    // ...but --max-risk from the command line wins over the file.
    Run strict = run({"analyze", "--ci", "--max-risk", "high"});
    fs::current_path(cwd);
    CHECK(r.code == 0);
    CHECK(r.out.find("\"pg_version\": 12") != std::string::npos);
    CHECK(r.out.find("\"risk\": \"CRITICAL\"") != std::string::npos);
    CHECK(r.out.find("application-name-missing") != std::string::npos);
    CHECK(strict.code == 1);
}

TEST_CASE("configuration errors name the file and line and exit 2") {
    TempDir dir;
    auto bad_key = dir.write("a/.pgfence.toml", "pg_version = 15\n\nmax_rsk = \"high\"\n");
    auto r = bot::load_config(bad_key);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().describe().find(".pgfence.toml:3:1: unknown key 'max_rsk'") != std::string::npos);

    auto bad_value = dir.write("b/.pgfence.toml", "[rules]\ndisable = [\"create-index-without-concurrently\", \"nope\"]\n");
    auto r2 = bot::load_config(bad_value);
    REQUIRE_FALSE(r2.has_value());
    CHECK(r2.error().where->line == 2);
    CHECK(r2.error().message.find("unknown rule id \"nope\"") != std::string::npos);

    // The bad value is named, escaped: a control byte or a quote in it cannot end the line.
    auto bad_risk = dir.write("d/.pgfence.toml", "max_risk = \"hgih\\u001b[2J\\\"\"\n");
    auto risk = bot::load_config(bad_risk);
    REQUIRE_FALSE(risk.has_value());
    CHECK(risk.error().message == "max_risk must be one of low, medium, high, critical, not \"hgih\\x1b[2J\\\"\"");
    auto bad_version = dir.write("e/.pgfence.json", "{\"pg_version\": 99}\n");
    auto version = bot::load_config(bad_version);
    REQUIRE_FALSE(version.has_value());
    CHECK(version.error().message == "pg_version must be a whole number from 11 to 18, not 99");

    auto bad_toml = dir.write("c/.pgfence.toml", "pg_version = \n");
    auto r3 = bot::load_config(bad_toml);
    REQUIRE_FALSE(r3.has_value());
    CHECK(r3.error().where->line == 1);

    auto json = dir.write("d/.pgfence.json", "{\n  \"pg_version\": 14,\n  \"max_risk\": \"extreme\"\n}\n");
    auto r4 = bot::load_config(json);
    REQUIRE_FALSE(r4.has_value());
    CHECK(r4.error().where->line == 3);

    auto sql = dir.write("d/001.sql", k_risky).string();
    Run run_bad = run({"analyze", "--config", json.string(), sql});
    CHECK(run_bad.code == 2);
    CHECK(run_bad.err.rfind("error: " + json.string() + ":3:1: max_risk must be", 0) == 0);
}

TEST_CASE("markdown output has the digest, the detail and the migration plan as sql blocks, without ANSI escapes") {
    TempDir dir;
    dir.write("001.sql", k_risky);
    // A workflow runs the file with psql: the runner a plain SQL plan needs known (plan_runner.hpp).
    dir.write(".github/workflows/deploy.yml", "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
                                              "      - run: psql -f 001.sql\n");
    Run r = run({"analyze", "--no-config", "--format", "markdown", dir.path.string()});
    CHECK(r.code == 0);
    CHECK(r.out.find("**Fix before merging:**") != std::string::npos);
    CHECK(r.out.find("**[create-index-without-concurrently]**") != std::string::npos);
    CHECK(r.out.find("<details><summary>Migration plan: ") != std::string::npos);
    CHECK(r.out.find("```sql\nSET lock_timeout = '2s';") != std::string::npos);
    CHECK(r.out.find("\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);") != std::string::npos);
    CHECK(r.out.find('\x1b') == std::string::npos);
}

TEST_CASE("the strict profile: the style rules are off by default, on with --profile strict or [rules] profile") {
    TempDir dir;
    auto file = dir.write("db/001.sql", "SET lock_timeout = '2s';\nCREATE TABLE t (id serial PRIMARY KEY, name varchar(20));\n"
                                        "ALTER TABLE users ADD COLUMN nick text;\n").string();
    Run plain = run({"analyze", "--no-config", "--format", "json", file});
    CHECK(plain.code == 0);
    CHECK(plain.out.find("prefer-") == std::string::npos);
    CHECK(plain.out.find("missing-if-not-exists") == std::string::npos);
    Run strict = run({"analyze", "--no-config", "--profile", "strict", "--format", "json", file});
    CHECK(strict.out.find("prefer-text-over-varchar") != std::string::npos);
    CHECK(strict.out.find("prefer-identity") != std::string::npos);
    CHECK(strict.out.find("missing-if-not-exists") != std::string::npos);
    // One rule of the profile, by itself.
    Run one = run({"analyze", "--no-config", "--enable", "prefer-identity", "--format", "json", file});
    CHECK(one.out.find("prefer-identity") != std::string::npos);
    CHECK(one.out.find("prefer-text-over-varchar") == std::string::npos);
    CHECK(run({"analyze", "--no-config", "--profile", "pedantic", file}).code == 2);

    auto config = dir.write(".pgfence.toml", "[rules]\nprofile = \"strict\"\ndisable = [\"prefer-identity\"]\n");
    Run from_file = run({"analyze", "--config", config.string(), "--format", "json", file});
    CHECK(from_file.out.find("prefer-text-over-varchar") != std::string::npos);
    CHECK(from_file.out.find("prefer-identity") == std::string::npos);
    Run back = run({"analyze", "--config", config.string(), "--profile", "default", "--format", "json", file});
    CHECK(back.out.find("prefer-text-over-varchar") == std::string::npos);
    auto bad = dir.write("b/.pgfence.toml", "[rules]\nprofile = \"loose\"\n");
    auto r = bot::load_config(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().where->line == 2);
}

TEST_CASE("stats config: the blocking-time thresholds as durations or seconds and their errors") {
    auto config = bot::parse_config("[stats]\nlow_seconds = 0.25\nhigh_seconds = \"10s\"\ncritical_seconds = \"2min\"\nthroughput = 0\n",
                                    ".pgfence.toml");
    REQUIRE(config.has_value());
    CHECK(config->stats.times.low_seconds == 0.25);
    CHECK(config->stats.times.high_seconds == 10);
    CHECK(config->stats.times.critical_seconds == 120);
    CHECK(config->stats.throughput == 0);  // no estimate: the size classes decide
    auto json = bot::parse_config("{\n  \"stats\": {\"high_seconds\": 20, \"critical_seconds\": \"500ms\"}\n}\n", ".pgfence.json");
    REQUIRE_FALSE(json.has_value());  // 20 s is not below 0.5 s
    auto defaults = bot::parse_config("", ".pgfence.toml");
    REQUIRE(defaults.has_value());
    CHECK(defaults->stats.times.low_seconds == 0.5);
    CHECK(defaults->stats.times.high_seconds == 5);
    CHECK(defaults->stats.times.critical_seconds == 60);

    struct Bad {
        std::string toml;
        int line;
        std::string message;
    };
    for (const Bad& bad : std::vector<Bad>{
             {"[stats]\nhigh_seconds = -1\n", 2, "stats.high_seconds must be a duration such as \"5s\", \"2min\" or a number of seconds"},
             {"[stats]\n\ncritical_seconds = \"soon\"\n", 3, "stats.critical_seconds must be a duration"},
             {"[stats]\nlow_seconds = true\n", 2, "stats.low_seconds must be a duration"},
             {"[stats]\nhigh_seconds = 60\n", 2, "stats.high_seconds (1 min) must be below stats.critical_seconds (1 min)"},
             {"[stats]\nhigh_seconds = \"2min\"\ncritical_seconds = \"1min\"\n", 3,
              "stats.high_seconds (2 min) must be below stats.critical_seconds (1 min)"},
             {"[stats]\nlow_seconds = 6\n", 2, "stats.low_seconds (6 s) must not be above stats.high_seconds (5 s)"},
             {"[stats]\nthroughput = -1\n", 2, "stats.throughput must be a rate"},
             {"[stats]\nhigh_secs = 5\n", 2, "unknown key stats.high_secs (expected small_rows,"},
         }) {
        INFO(bad.toml);
        auto r = bot::parse_config(bad.toml, ".pgfence.toml");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message.rfind(bad.message, 0) == 0);
        REQUIRE(r.error().where);
        CHECK(r.error().where->line == bad.line);
    }

    // Through the binary: one error: line naming the file and line, exit 2.
    TempDir dir;
    auto file = dir.write(".pgfence.toml", "[stats]\nhigh_seconds = \"5 days\"\n");
    auto sql = dir.write("001.sql", k_risky).string();
    Run r = run({"analyze", "--config", file.string(), sql});
    CHECK(r.code == 2);
    CHECK(r.err == "error: " + file.string() + ":2:1: stats.high_seconds must be a duration such as \"5s\", \"2min\" or a number of seconds, not \"5 days\"\n");
}
