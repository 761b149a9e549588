// Golden migration plans: tests/plans/<case>.sql is a migration in the style of a real
// project's, and <case>.expected the whole plan pgfence composes for it (summary or decline,
// notes, each step's title, how it runs, whether it waits for the new release, and its SQL),
// then what check_plan says of it. Each case is a shape where a plan once did harm on a real
// history (issue #33): a backfill moved out of band, an order-dependent UPDATE batched, a
// constraint the old release's writes cannot satisfy, a DEFERRABLE constraint, a rename view.
// The case's first line "-- path: db/migrate/0005_x.sql" names the file (its tool); the lines
// up to "-- migration" are the schema it starts from (replayed as history). A second line
// "-- tool: psql" says what runs the file, as `tool` in .pgfence.toml does (AnalyzeOptions::tool):
// a plain SQL file psql -f runs, whose plan may have a step outside a transaction.
// PGFENCE_UPDATE_GOLDEN=plans rewrites the .expected files from the current output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/model/catalog.hpp"
#include "analyze/history.hpp"
#include "analyze/plan/plan.hpp"

namespace fs = std::filesystem;
using namespace pgfence::analyze;

namespace {

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string indented(const std::string& text) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out += "    " + line + "\n";
    return out;
}

std::string render(const FileReport& report, const PlanCheck& check) {
    if (!report.plan) return "no plan\n";
    const Plan& plan = *report.plan;
    std::string out;
    if (!plan.declined.empty()) out += "declined: " + plan.declined + "\n";
    else out += "plan: " + plan.summary + "\n";
    for (const auto& n : plan.notes) out += "note: " + n + "\n";
    for (const auto& s : plan.steps) {
        out += "-- " + s.title + " [" + std::string(plan_run_name(s.run)) + (s.after_release ? ", after the release" : "") +
               "] " + s.path + "\n" + indented(s.sql);
    }
    for (const auto& p : check.problems) out += "problem: " + p + "\n";
    for (const auto& k : check.kept) out += "kept: " + k + "\n";
    return out;
}

}  // namespace

TEST_CASE("golden plans: each shape's plan, or its decline, and what check_plan says of it") {
    const char* update_env = std::getenv("PGFENCE_UPDATE_GOLDEN");
    bool update = update_env != nullptr && std::string(update_env) == "plans";
    fs::path dir = fs::path(PGFENCE_SOURCE_DIR) / "tests" / "plans";
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".sql") cases.push_back(e.path());
    }
    std::sort(cases.begin(), cases.end());
    CHECK(cases.size() >= 6);
    for (const auto& c : cases) {
        INFO("case " << c.string());
        std::string text = read(c);
        std::string path = "migrations/0002_change.sql";
        if (text.rfind("-- path: ", 0) == 0) {
            std::size_t nl = text.find('\n');
            path = text.substr(9, nl - 9);
            text = text.substr(nl + 1);
        }
        std::string tool;
        if (text.rfind("-- tool: ", 0) == 0) {
            std::size_t nl = text.find('\n');
            tool = text.substr(9, nl - 9);
            text = text.substr(nl + 1);
        }
        std::string schema;
        const std::string marker = "-- migration\n";
        if (std::size_t at = text.find(marker); at != std::string::npos) {
            schema = text.substr(0, at);
            text = text.substr(at + marker.size());
        }
        AnalyzeOptions options;
        options.threads = 1;
        options.tool = tool;
        Replay replay(options);
        replay.replay_schema_text("schema.sql", schema);
        options.history = replay.snapshot();
        FileReport report = analyze_text(path, text, options);
        PlanCheck check;
        if (report.plan) check = check_plan(report, options, options.history);
        std::string got = render(report, check);
        fs::path expected = c;
        expected.replace_extension(".expected");
        if (update) {
            std::ofstream(expected, std::ios::binary) << got;
        } else {
            CHECK(got == read(expected));
        }
        // A declined plan offers no step. In an offered one, the steps after the release come
        // last, and every step that waits for "no deployed code" is one of them: the new release
        // deploys after every backfill, validation and finishing step.
        if (report.plan && !report.plan->declined.empty()) CHECK(report.plan->steps.empty());
        // A later-release migration after another migration of the plan is written apart
        // (later-release/), where the tool cannot run it in the same deploy; every other step in
        // its folder.
        // So is any other migration after an out-of-band step that follows a migration
        // (after-out-of-band/): the tool would run it before that step.
        bool after = false;
        bool behind_band = false;
        int migrations = 0;
        for (const auto& s : report.plan ? report.plan->steps : std::vector<PlanStep>{}) {
            CHECK((!after || s.after_release));
            after = after || s.after_release;
            if (s.sql.find("Once no deployed code") != std::string::npos) CHECK(s.after_release);
            if (s.run == PlanRun::out_of_band) {
                behind_band = behind_band || migrations > 0;
                continue;
            }
            ++migrations;
            INFO(c.string() << ": " << s.path);
            const bool later = s.after_release && migrations > 1;
            CHECK(s.path.starts_with("later-release/") == later);
            CHECK(s.path.starts_with("after-out-of-band/") == (!later && behind_band));
        }
    }
}
