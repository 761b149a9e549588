// Suppression comments with a reason, an owner and an expiry (README "Suppressions"): how the
// fields are read, what an expired, malformed or ownerless suppression does to the findings, the
// suppression_owner policy in the configuration, and PGFENCE_TODAY.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "analyze/analyzer.hpp"
#include "analyze/base/civil_date.hpp"
#include "analyze/rules/suppression_fields.hpp"
#include "bot/cli.hpp"
#include "bot/config.hpp"

namespace fs = std::filesystem;
using namespace pgfence;
using namespace pgfence::analyze;
using pgfence::analyze::rules::parse_suppression_fields;

namespace {

std::size_t count(const std::vector<Finding>& findings, std::string_view rule) {
    return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.rule == rule; }));
}

FileReport analyse(const std::string& text, std::optional<CivilDate> today, bool owner_policy = false) {
    AnalyzeOptions options;
    options.rules.today = today;
    if (owner_policy) options.rules.enabled.insert("suppression-missing-owner");
    return analyze_text("001.sql", text, options);
}

const std::string k_index = "CREATE INDEX users_email_idx ON users (email);\n";

}  // namespace

TEST_CASE("civil dates: exactly YYYY-MM-DD naming a real day") {
    CHECK(parse_civil_date("2028-02-29") == CivilDate{2028, 2, 29});
    CHECK(parse_civil_date("2000-02-29"));
    CHECK_FALSE(parse_civil_date("2026-02-29"));
    CHECK_FALSE(parse_civil_date("1900-02-29"));
    CHECK_FALSE(parse_civil_date("2026-13-45"));
    CHECK_FALSE(parse_civil_date("2026-04-31"));
    CHECK_FALSE(parse_civil_date("2026-1-05"));
    CHECK_FALSE(parse_civil_date("2026-01-05T00:00"));
    CHECK_FALSE(parse_civil_date("+026-01-05"));
    CHECK_FALSE(parse_civil_date(""));
    CHECK(format_civil_date(CivilDate{2026, 12, 1}) == "2026-12-01");
    CHECK(CivilDate{2026, 12, 2} > CivilDate{2026, 12, 1});
    CHECK(CivilDate{2027, 1, 1} > CivilDate{2026, 12, 31});
    CivilDate now = utc_today();
    CHECK(parse_civil_date(format_civil_date(now)) == now);
}

TEST_CASE("suppression fields: reason, owner, until") {
    auto f = parse_suppression_fields(R"( reason="users has 40 rows -- \"tiny\" \\ ok" owner=@acme/db-team until=2026-12-01 )");
    CHECK(f.problems.empty());
    CHECK(f.reason == R"(users has 40 rows -- "tiny" \ ok)");
    CHECK(f.owner == "@acme/db-team");
    CHECK(f.until == CivilDate{2026, 12, 1});

    f = parse_suppression_fields("users has 40 rows owner=@alice");
    CHECK(f.problems.empty());
    CHECK(f.reason == "users has 40 rows");
    CHECK(f.owner == "@alice");
    CHECK_FALSE(f.until);

    f = parse_suppression_fields("until=2027-01-31 reason=short");
    CHECK(f.problems.empty());
    CHECK(f.reason == "short");
    CHECK(f.until == CivilDate{2027, 1, 31});
}

TEST_CASE("suppression fields: text that names no field stays a free-form reason") {
    for (std::string text : {"users has 40 rows", "rows=40 in production", "order=asc, region=eu is fine", "", "a = b"}) {
        auto f = parse_suppression_fields(text);
        INFO(text);
        CHECK(f.problems.empty());
        CHECK(f.reason == text);
        CHECK(f.owner.empty());
        CHECK_FALSE(f.until);
    }
}

TEST_CASE("suppression fields: each malformed field is a problem") {
    auto problems = [](std::string_view text) { return parse_suppression_fields(text).problems; };
    CHECK(problems("until=2026-13-45").at(0).find("until '2026-13-45' is not a date") != std::string::npos);
    CHECK(problems("until=tomorrow").size() == 1);
    CHECK(problems("owner=alice").at(0).find("owner 'alice' is not @login or @org/team") != std::string::npos);
    for (const char* bad : {"owner=@", "owner=@-alice", "owner=@al--ice", "owner=@alice/", "owner=@a/<b>", "owner=@alice@evil",
                            "owner=@<img>", "owner=@a/b/c"}) {
        INFO(bad);
        CHECK(problems(bad).size() == 1);
    }
    CHECK(problems("reason=\"open").at(0) == "reason= opens a quote that does not close");
    CHECK(problems("reason=\"a\"b").size() == 1);
    CHECK(problems("owner=@a owner=@b").at(0) == "owner= is given twice");
    CHECK(problems("owner=@a then some words").at(0).find("text after the fields") != std::string::npos);
    CHECK(problems("expires=2026-12-01").at(0).find("unknown field 'expires'") != std::string::npos);
    CHECK(problems("untill=2026-12-01").at(0).find("did you mean until=?") != std::string::npos);
    CHECK(problems("owner=@a colour=red").at(0).find("unknown field 'colour'") != std::string::npos);
    CHECK(problems("why it is fine reason=\"again\"").at(0).find("both as free text and as reason=") != std::string::npos);
}

TEST_CASE("an expired suppression hides nothing and is reported; it holds through its until day") {
    std::string text = "SET lock_timeout = '2s';\n"
                       "-- pgfence-ignore: create-index-without-concurrently -- reason=\"40 rows\" owner=@alice until=2026-12-01\n" +
                       k_index;
    FileReport last_day = analyse(text, CivilDate{2026, 12, 1});
    CHECK(count(last_day.findings, "create-index-without-concurrently") == 0);
    REQUIRE(count(last_day.suppressed, "create-index-without-concurrently") == 1);
    CHECK(count(last_day.findings, "expired-suppression") == 0);
    const Finding& hidden = last_day.suppressed.front();
    REQUIRE(hidden.suppressed_by);
    CHECK(hidden.suppressed_by->line == 2);
    CHECK(hidden.suppressed_by->owner == "@alice");
    CHECK(hidden.suppressed_by->until == "2026-12-01");
    CHECK(hidden.suppressed_by->reason == "40 rows");
    CHECK_FALSE(hidden.suppressed_by->whole_file);

    FileReport after = analyse(text, CivilDate{2026, 12, 2});
    CHECK(count(after.findings, "create-index-without-concurrently") == 1);
    CHECK(after.suppressed.empty());
    REQUIRE(count(after.findings, "expired-suppression") == 1);
    CHECK(count(after.findings, "unused-suppression") == 0);
    auto expired = std::find_if(after.findings.begin(), after.findings.end(), [](const Finding& f) { return f.rule == "expired-suppression"; });
    CHECK(expired->start.line == 2);
    CHECK(expired->message.find("create-index-without-concurrently") != std::string::npos);
    CHECK(expired->message.find("@alice") != std::string::npos);
    CHECK(expired->message.find("2026-12-01") != std::string::npos);
    CHECK(after.risk >= Risk::High);  // the index build's finding counts again

    // Without a day given, the real date decides: long past, far ahead.
    CHECK(count(analyse("SET lock_timeout = '2s';\n-- pgfence-ignore -- until=2000-01-01\n" + k_index, std::nullopt).findings,
                "expired-suppression") == 1);
    CHECK(count(analyse("SET lock_timeout = '2s';\n-- pgfence-ignore -- until=9999-12-31\n" + k_index, std::nullopt).findings,
                "expired-suppression") == 0);
}

TEST_CASE("a malformed suppression hides nothing; findings about suppressions cannot be suppressed") {
    std::string text = "SET lock_timeout = '2s';\n-- pgfence-ignore-file -- reason=\"x\" owner=@alice until=2026-02-30\n" + k_index;
    FileReport r = analyse(text, CivilDate{2026, 1, 1});
    CHECK(count(r.findings, "create-index-without-concurrently") == 1);
    CHECK(count(r.findings, "invalid-suppression") == 1);
    CHECK(count(r.findings, "unused-suppression") == 0);
    CHECK(r.suppressed.empty());

    // A valid file-wide suppression next to it hides the index finding, never the meta findings.
    FileReport both = analyse("-- pgfence-ignore-file -- reason=\"all reviewed\" owner=@bob\n" + text, CivilDate{2026, 1, 1});
    CHECK(count(both.findings, "create-index-without-concurrently") == 0);
    CHECK(count(both.findings, "invalid-suppression") == 1);
}

TEST_CASE("the suppression_owner policy: a suppression without reason and owner hides nothing") {
    std::string plain = "SET lock_timeout = '2s';\n-- pgfence-ignore: create-index-without-concurrently -- 40 rows\n" + k_index;
    CHECK(count(analyse(plain, CivilDate{2026, 1, 1}).findings, "create-index-without-concurrently") == 0);
    FileReport required = analyse(plain, CivilDate{2026, 1, 1}, true);
    CHECK(count(required.findings, "create-index-without-concurrently") == 1);
    CHECK(count(required.findings, "suppression-missing-owner") == 1);
    std::string owned = "SET lock_timeout = '2s';\n-- pgfence-ignore: create-index-without-concurrently -- 40 rows owner=@acme/dba\n" + k_index;
    FileReport ok = analyse(owned, CivilDate{2026, 1, 1}, true);
    CHECK(count(ok.findings, "create-index-without-concurrently") == 0);
    CHECK(count(ok.findings, "suppression-missing-owner") == 0);
    CHECK(ok.suppressed.at(0).suppressed_by->owner == "@acme/dba");
    CHECK(ok.suppressed.at(0).suppressed_by->reason == "40 rows");
}

TEST_CASE("the statement's own suppression is named on the finding before a file-wide one") {
    std::string text = "-- pgfence-ignore-file -- reason=\"file\" owner=@file\nSET lock_timeout = '2s';\n"
                       "-- pgfence-ignore: create-index-without-concurrently -- reason=\"own\" owner=@own\n" + k_index;
    FileReport r = analyse(text, CivilDate{2026, 1, 1});
    auto it = std::find_if(r.suppressed.begin(), r.suppressed.end(), [](const Finding& f) { return f.rule == "create-index-without-concurrently"; });
    REQUIRE(it != r.suppressed.end());
    CHECK(it->suppressed_by->owner == "@own");
    CHECK(it->suppressed_by->line == 3);
}

TEST_CASE("pgfence-ignore -- reason: every rule, with a reason (it was not read as a suppression before)") {
    FileReport r = analyse("SET lock_timeout = '2s';\n-- pgfence-ignore -- owner=@alice reason=\"tiny\"\n" + k_index, CivilDate{2026, 1, 1});
    CHECK(count(r.findings, "create-index-without-concurrently") == 0);
    REQUIRE_FALSE(r.suppressed.empty());
    CHECK(r.suppressed.front().suppressed_by->owner == "@alice");
    // A word glued to the marker is still not ours.
    FileReport other = analyse("SET lock_timeout = '2s';\n-- pgfence-ignored: create-index-without-concurrently\n" + k_index,
                               CivilDate{2026, 1, 1});
    CHECK(count(other.findings, "create-index-without-concurrently") == 1);
}

TEST_CASE("[policies] suppression_owner in .pgfence.toml and .pgfence.json") {
    auto toml = bot::parse_config("[policies]\nsuppression_owner = true\n", ".pgfence.toml");
    REQUIRE(toml);
    CHECK(toml->rules.enabled.count("suppression-missing-owner") == 1);
    auto json = bot::parse_config(R"({"policies": {"suppression_owner": true}})", ".pgfence.json");
    REQUIRE(json);
    CHECK(json->rules.enabled.count("suppression-missing-owner") == 1);
    auto off = bot::parse_config("[policies]\nsuppression_owner = false\n", ".pgfence.toml");
    REQUIRE(off);
    CHECK(off->rules.disabled.count("suppression-missing-owner") == 1);
    auto bad = bot::parse_config("[policies]\nsuppression_owner = \"yes\"\n", ".pgfence.toml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().describe().find("policies.suppression_owner must be true or false") != std::string::npos);
}

TEST_CASE("PGFENCE_TODAY sets the day for the CLI; a bad value is a usage error") {
    fs::path dir = fs::temp_directory_path() / ("pgfence-sup-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path file = dir / "001.sql";
    std::ofstream(file) << "SET lock_timeout = '2s';\n-- pgfence-ignore: create-index-without-concurrently -- until=2026-12-01 owner=@alice\n"
                        << k_index;
    auto run = [&](const char* today) {
        if (today) ::setenv("PGFENCE_TODAY", today, 1);
        else ::unsetenv("PGFENCE_TODAY");
        std::ostringstream out, err;
        int code = bot::run_cli({"analyze", "--no-config", "--ci", file.string()}, out, err);
        ::unsetenv("PGFENCE_TODAY");
        return std::make_pair(code, out.str() + err.str());
    };
    CHECK(run("2026-12-01").first == 0);
    auto expired = run("2026-12-02");
    CHECK(expired.first == 1);
    CHECK(expired.second.find("expired-suppression") != std::string::npos);
    auto bad = run("2026-13-45");
    CHECK(bad.first == 2);
    CHECK(bad.second.find("error: PGFENCE_TODAY takes a date YYYY-MM-DD") != std::string::npos);
    fs::remove_all(dir);
}
