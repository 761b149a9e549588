#include "bot/capture_merge.hpp"

#include "bot/migration_code_allowlist.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace pgfence::bot {
namespace {

// A statement's text as compared between the reading and the capture: case, quotes of
// identifiers, whitespace and a closing `;` aside (Knex sends `select` where a script says
// `SELECT`).
std::string folded(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    bool space = false;
    for (const char c : sql) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"') continue;
        if (std::isspace(u)) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += static_cast<char>(std::tolower(u));
    }
    while (!out.empty() && (out.back() == ';' || out.back() == ' ')) out.pop_back();
    return out;
}

bool ends_with(std::string_view s, std::string_view tail) { return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail; }

}  // namespace

bool captured_code_migration(std::string_view path) { return ends_with(path, ".py") || ends_with(path, ".rb"); }

void add_unseen_captured(analyze::FileReport& read, analyze::FileReport&& captured) {
    std::set<std::string> seen;
    for (const auto& s : read.statements) seen.insert(folded(s.sql));
    const bool script = !read.script_calls.empty() || read.source_kind != "sql";
    std::vector<int> moved(captured.statements.size(), -1);
    for (auto& finding : captured.findings) {
        if (finding.statement < 0 || static_cast<std::size_t>(finding.statement) >= captured.statements.size()) continue;
        const auto i = static_cast<std::size_t>(finding.statement);
        auto& s = captured.statements[i];
        if (moved[i] < 0) {
            if (seen.count(folded(s.sql)) != 0) continue;
            moved[i] = static_cast<int>(read.statements.size());
            if (script) {
                // An ORM script's statements go with the calls that send them; this one no call
                // of the script was read to send.
                analyze::ScriptCall call;
                call.name = "captured by --capture";
                call.line = 1;
                call.index = static_cast<int>(read.script_calls.size());
                call.raw = true;
                call.source = s.sql.substr(0, analyze::k_script_source_bytes);
                read.script_calls.push_back(std::move(call));
            }
            s.index = moved[i];
            read.statements.push_back(s);
        }
        finding.statement = moved[i];
        finding.message = "captured, not in pgfence's reading of the file: " + finding.message;
        read.risk = std::max(read.risk, finding.risk);
        read.findings.push_back(std::move(finding));
    }
}

std::size_t add_code_branch_unknowns(analyze::FileReport& captured, const std::string* read, const analyze::AnalyzeOptions& options) {
    const bool python = ends_with(captured.path, ".py");
    std::vector<analyze::SettingUnknown> unknown;
    if (read == nullptr) {
        unknown.push_back({1, "the migration's code could not be read from the head commit (too large, or not text): what it "
                              "sends beyond the one path the capture saw is not known", "captured migration code"});
    }
    const std::string_view code = read ? std::string_view(*read) : std::string_view();
    for (const auto& [number, why] : python ? unlisted_python(code) : unlisted_ruby(code)) {
        unknown.push_back({number, why + " (line " + std::to_string(number) +
                                       "): a capture, one run on an empty database, can stand for a migration only when it is the "
                                       "tool's DSL with literal arguments; what this sends on a database with data, in another "
                                       "environment, or through code pgfence does not follow, is not known",
                           "captured migration code"});
    }
    if (unknown.empty()) return 0;
    analyze::FileReport one = analyze::analyze_tool_settings(captured.path, {}, options, code, unknown);
    const int offset = static_cast<int>(captured.statements.size());
    for (auto& st : one.statements) {
        st.index += offset;
        captured.statements.push_back(std::move(st));
    }
    for (auto& finding : one.findings) {
        if (finding.statement >= 0) finding.statement += offset;
        captured.risk = std::max(captured.risk, finding.risk);
        captured.findings.push_back(std::move(finding));
    }
    return unknown.size();
}

}  // namespace pgfence::bot
