#include "tests/conformance/case_file.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyze/analyzer.hpp"
#include "analyze/parse/splitter.hpp"

namespace fs = std::filesystem;

namespace pgfence::tests::conformance {
namespace {

using analyze::Error;

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "-- case: x" -> "x" when the line is that directive.
bool directive(const std::string& line, const std::string& name, std::string& value) {
    std::string t = trim(line);
    std::string prefix = "-- " + name + ":";
    if (!t.starts_with(prefix)) return false;
    value = trim(t.substr(prefix.size()));
    return true;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');) {
        if (!trim(item).empty()) out.push_back(trim(item));
    }
    return out;
}

Error error_at(const std::string& file, int line, const std::string& message) {
    return Error{message, file, analyze::Position{line, 1}};
}

// A major version the analyzer knows (--pg-version's range); nothing for anything else.
std::optional<int> major_version(const std::string& text) {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (n < analyze::k_oldest_pg_version || n > analyze::k_newest_pg_version) return std::nullopt;
    return n;
}

}  // namespace

analyze::Result<std::vector<Case>> parse_cases(const std::string& file, const std::string& text) {
    std::vector<Case> cases;
    std::string body;
    auto close = [&]() -> std::optional<Error> {
        if (cases.empty()) return std::nullopt;
        Case& c = cases.back();
        for (const auto& raw : analyze::split_statements(body, analyze::Region{0, body.size(), false})) {
            if (raw.unterminated_quote) return error_at(file, c.line, "case " + c.id + ": unterminated quote");
            c.statements.push_back(body.substr(raw.begin, raw.end - raw.begin));
        }
        if (c.statements.empty()) return error_at(file, c.line, "case " + c.id + " has no statement");
        body.clear();
        return std::nullopt;
    };
    std::stringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        std::string value;
        if (directive(line, "case", value)) {
            if (auto err = close()) return *err;
            if (value.empty()) return error_at(file, number, "`-- case:` needs an id");
            cases.push_back(Case{value, file, number, {}, {}, {}, {}, 0, {}});
        } else if (directive(line, "needs", value)) {
            if (cases.empty()) return error_at(file, number, "`-- needs:` before the first case");
            Case& c = cases.back();
            if (c.needs != 0) return error_at(file, number, "case " + c.id + " has a second `-- needs:`");
            auto version = major_version(value);
            if (!version) {
                return error_at(file, number,
                                "`-- needs: " + value + "`: expected a PostgreSQL major version, " +
                                    std::to_string(analyze::k_oldest_pg_version) + " to " +
                                    std::to_string(analyze::k_newest_pg_version));
            }
            c.needs = *version;
        } else if (directive(line, "same-file-only", value)) {
            if (cases.empty()) return error_at(file, number, "`-- same-file-only:` before the first case");
            if (value.empty()) return error_at(file, number, "`-- same-file-only:` needs the reason");
            cases.back().same_file_only = value;
        } else if (directive(line, "hold", value) || directive(line, "pin", value) || directive(line, "squat", value)) {
            if (cases.empty()) return error_at(file, number, "a contention directive before the first case");
            Case& c = cases.back();
            auto& list = directive(line, "hold", value) ? c.hold : directive(line, "pin", value) ? c.pin : c.squat;
            list = split_list(value);
        } else if (!cases.empty()) {
            body += line + "\n";
        } else if (!trim(line).empty() && !trim(line).starts_with("--")) {
            return error_at(file, number, "SQL before the first `-- case:` line");
        }
    }
    if (auto err = close()) return *err;
    return cases;
}

std::optional<std::string> skip_reason(const Case& c, int server_major) {
    if (c.needs <= server_major) return std::nullopt;
    return "needs PostgreSQL " + std::to_string(c.needs) + ", the server is " + std::to_string(server_major);
}

analyze::Result<std::vector<Case>> load_cases(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".sql") files.push_back(entry.path().string());
    }
    if (ec) return Error{"cannot list cases: " + ec.message(), dir, std::nullopt};
    std::sort(files.begin(), files.end());
    std::vector<Case> all;
    std::set<std::string> ids;
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        auto parsed = parse_cases(f, ss.str());
        if (!parsed) return parsed.error();
        for (auto& c : *parsed) {
            if (!ids.insert(c.id).second) return error_at(f, c.line, "duplicate case id " + c.id);
            all.push_back(std::move(c));
        }
    }
    return all;
}

}  // namespace pgfence::tests::conformance
