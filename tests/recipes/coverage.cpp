#include "tests/recipes/coverage.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/analyzer.hpp"

namespace fs = std::filesystem;

namespace pgfence::tests::recipes {
namespace {

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The case's "-- pgfence-test: path=... pg-version=N enable=a,b disable=c sibling-metadata=k=v"
// line, applied to `options`; the file name it is analysed under goes to `path`.
void apply_setup(const std::string& text, analyze::AnalyzeOptions& options, std::string& path, std::string& sibling) {
    const std::string marker = "-- pgfence-test:";
    if (text.rfind(marker, 0) != 0) return;
    std::istringstream words(text.substr(marker.size(), text.find('\n') - marker.size()));
    for (std::string w; words >> w;) {
        auto eq = w.find('=');
        std::string key = w.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : w.substr(eq + 1);
        if (key == "path") path = value;
        else if (key == "sibling-metadata") sibling = value + "\n";
        else if (key == "pg-version") options.pg_version = std::stoi(value);
        else if (key == "max-lock-timeout-ms") options.rules.max_lock_timeout_ms = std::stoi(value);
        else if (key == "max-statement-timeout-ms") options.rules.max_statement_timeout_ms = std::stoi(value);
        else if (key == "enable" || key == "disable") {
            std::stringstream ids(value);
            for (std::string id; std::getline(ids, id, ',');) {
                (key == "enable" ? options.rules.enabled : options.rules.disabled).insert(id);
            }
        }
    }
}

}  // namespace

std::set<std::string> rules_with_recipes(const std::string& rules_dir) {
    std::set<std::string> out;
    if (!fs::is_directory(rules_dir)) return out;
    for (const auto& dir : fs::directory_iterator(rules_dir)) {
        if (!dir.is_directory()) continue;
        for (const auto& file : fs::directory_iterator(dir.path())) {
            if (file.path().extension() != ".sql") continue;
            std::string text = read(file.path());
            analyze::AnalyzeOptions options;
            options.threads = 1;
            std::string path = "case.sql";
            std::string sibling;
            apply_setup(text, options, path, sibling);
            analyze::FileReport report = analyze::analyze_text(path, text, options, sibling);
            for (const auto& f : report.findings) {
                if (f.recipe && !f.recipe->steps.empty()) out.insert(f.rule);
            }
        }
    }
    return out;
}

}  // namespace pgfence::tests::recipes
