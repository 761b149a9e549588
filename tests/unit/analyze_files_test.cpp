// analyze_files streams: each file's ordered step runs in input order, as soon as the file and
// every one before it are done, and only a few files per thread are analysed ahead of the first
// one not yet written (what keeps `pgfence analyze`'s peak memory independent of the file count).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "annotate/json_report.hpp"
#include "annotate/terminal.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

namespace {

// `count` files in a fresh folder; every seventh is large, so the workers finish out of order.
std::vector<std::string> make_files(const fs::path& dir, int count) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::vector<std::string> files;
    for (int i = 0; i < count; ++i) {
        fs::path p = dir / ("m" + std::to_string(1000 + i) + ".sql");
        std::ofstream out(p);
        int statements = i % 7 == 0 ? 400 : 1;
        for (int s = 0; s < statements; ++s) out << "ALTER TABLE t" << i << " ADD COLUMN c" << s << " int;\n";
        files.push_back(p.string());
    }
    return files;
}

}  // namespace

TEST_CASE("analyze_files: ordered steps in input order, a bounded number of files ahead") {
    auto files = make_files(fs::temp_directory_path() / ("pgfence_analyze_files_test_" + std::to_string(::getpid())), 120);
    AnalyzeOptions options;
    options.threads = 3;
    std::atomic<std::size_t> written{0};
    std::atomic<std::size_t> most_ahead{0};
    std::vector<std::size_t> order;
    std::vector<std::size_t> statements;
    analyze_files(files, options, [&](FileReport&& report, std::size_t index) -> OrderedStep {
        CHECK(report.path == files[index]);
        std::size_t ahead = index - written.load();
        for (std::size_t seen = most_ahead.load(); ahead > seen && !most_ahead.compare_exchange_weak(seen, ahead);) {}
        std::size_t count = report.statements.size();
        return [&, index, count] {
            order.push_back(index);
            statements.push_back(count);
            ++written;
        };
    });
    REQUIRE(order.size() == files.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        CHECK(order[i] == i);
        CHECK(statements[i] == (i % 7 == 0 ? 400u : 1u));
    }
    // 4 files per thread (k_files_ahead_per_thread): a file is taken only while it is within
    // that window of the first one not yet written.
    CHECK(most_ahead.load() < 4 * 3);
}

TEST_CASE("analyze_files: an exception from the handler ends the run and reaches the caller") {
    auto files = make_files(fs::temp_directory_path() / ("pgfence_analyze_files_throw_" + std::to_string(::getpid())), 30);
    AnalyzeOptions options;
    options.threads = 2;
    std::atomic<int> handled{0};
    CHECK_THROWS_WITH(analyze_files(files, options,
                                    [&](FileReport&&, std::size_t index) -> OrderedStep {
                                        ++handled;
                                        if (index == 5) throw std::runtime_error("handler failed");
                                        return [] {};
                                    }),
                      "handler failed");
    CHECK(handled.load() < 30);
}

TEST_CASE("analyze_files: the streamed reports equal the collected ones") {
    auto files = make_files(fs::temp_directory_path() / ("pgfence_analyze_files_same_" + std::to_string(::getpid())), 40);
    AnalyzeOptions options;
    options.threads = 2;
    Report collected = analyze_files(files, options);
    REQUIRE(collected.files.size() == files.size());

    std::ostringstream whole_json, whole_text;
    pgfence::annotate::write_json_report(collected, whole_json);
    pgfence::annotate::render_terminal(collected, whole_text, pgfence::annotate::TerminalOptions{});

    std::ostringstream json, text;
    pgfence::annotate::JsonReportStream json_stream(collected.pg_version);
    pgfence::annotate::TerminalStream text_stream(pgfence::annotate::TerminalOptions{});
    json_stream.begin(json);
    text_stream.begin(text);
    analyze_files(files, options, [&](FileReport&& report, std::size_t) -> OrderedStep {
        auto j = std::make_shared<pgfence::annotate::Section>(json_stream.render(report));
        auto t = std::make_shared<pgfence::annotate::Section>(text_stream.render(report));
        return [&, j, t] {
            json_stream.write(json, *j);
            text_stream.write(text, *t);
        };
    });
    json_stream.end(json);
    text_stream.end(text);
    CHECK(json.str() == whole_json.str());
    CHECK(text.str() == whole_text.str());
    CHECK(text.str().find("summary: 40 files, ") != std::string::npos);
    CHECK(json.str().find("\"statements\": " + std::to_string(6 * 400 + 34)) != std::string::npos);
}

TEST_CASE("report streams: a large file written as it is rendered equals its whole section") {
    // 30,000 CREATE INDEX statements on few lines, a finding each: megabytes of JSON and text,
    // so write_file hands both on in many pieces.
    std::string big;
    for (int i = 0; i < 30000; ++i) {
        big += "CREATE INDEX i" + std::to_string(i) + " ON t (c);";
        big += i % 1000 == 999 ? "\n" : " ";
    }
    Report report;
    report.files.push_back(analyze_text("big.sql", big, AnalyzeOptions{}));
    report.files.push_back(analyze_text("small.sql", "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 1;\n", AnalyzeOptions{}));
    report.files.push_back(analyze_text("big2.sql", big, AnalyzeOptions{}));
    REQUIRE(report.files[0].statements.size() == 30000);

    std::ostringstream whole_json, whole_text;
    pgfence::annotate::write_json_report(report, whole_json);
    pgfence::annotate::render_terminal(report, whole_text, pgfence::annotate::TerminalOptions{});

    pgfence::annotate::JsonReportStream json_stream(report.pg_version);
    pgfence::annotate::TerminalStream text_stream(pgfence::annotate::TerminalOptions{});
    CHECK(json_stream.large(report.files[0]));
    CHECK_FALSE(json_stream.large(report.files[1]));
    CHECK_FALSE(text_stream.large(report.files[1]));
    std::ostringstream json, text;
    json_stream.begin(json);
    text_stream.begin(text);
    for (const auto& file : report.files) {
        json_stream.write_file(json, file);
        text_stream.write_file(text, file);
    }
    json_stream.end(json);
    text_stream.end(text);
    CHECK(whole_json.str().size() > (20u << 20));
    CHECK(whole_text.str().size() > (2u << 20));
    CHECK(json.str() == whole_json.str());
    CHECK(text.str() == whole_text.str());
}
