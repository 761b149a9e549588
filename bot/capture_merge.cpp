#include "bot/capture_merge.hpp"

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
bool starts_with(std::string_view s, std::string_view head) { return s.substr(0, head.size()) == head; }

// Whether `word` occurs in `line` outside a quoted string (quotes counted from the line's start).
bool in_code(std::string_view line, std::string_view word) {
    for (std::size_t at = line.find(word); at != std::string_view::npos; at = line.find(word, at + 1)) {
        const auto before = line.substr(0, at);
        if (std::count(before.begin(), before.end(), '"') % 2 == 0 && std::count(before.begin(), before.end(), '\'') % 2 == 0) return true;
    }
    return false;
}

// Why a line of Python migration code (Django, Alembic) makes what runs depend on data or the
// environment, or "".
std::string python_branch(std::string_view s) {
    if (in_code(s, "RunPython")) return "a RunPython operation runs Python code";
    if (in_code(s, "RunSQL(")) {
        auto rest = s.substr(s.find("RunSQL(") + 7);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == 'r' || rest.front() == 'b' || rest.front() == 'f')) {
            if (rest.front() == 'f') return "a RunSQL of SQL built at run time";
            rest.remove_prefix(1);
        }
        if (starts_with(rest, "sql=")) rest.remove_prefix(4);
        if (!rest.empty() && rest.front() != '"' && rest.front() != '\'' && rest.front() != '[' && rest.front() != '(')
            return "a RunSQL of SQL built at run time";
    }
    for (const std::string_view word : {"if ", "if(", "elif ", "for ", "while ", "try:"}) {
        if (starts_with(s, word)) return "a condition or loop in the migration's code";
    }
    if (in_code(s, "os.environ") || in_code(s, "getenv(")) return "the migration's code reads the environment";
    return {};
}

// The same for Ruby (Rails).
std::string ruby_branch(std::string_view s) {
    if (starts_with(s, "reversible") || starts_with(s, "up_only")) return "a reversible or up_only block";
    for (const std::string_view word : {"if ", "unless ", "case ", "while ", "until ", "loop "}) {
        if (starts_with(s, word)) return "a condition or loop in the migration's code";
    }
    for (const std::string_view word : {" if ", " unless ", ".each", ".find_each", ".times", " while ", " until "}) {
        if (in_code(s, word)) return "a condition or loop in the migration's code";
    }
    if (in_code(s, "ENV[") || in_code(s, "ENV.")) return "the migration's code reads the environment";
    return {};
}

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
    int number = 0;
    for (std::size_t start = 0; start < code.size();) {
        std::size_t end = code.find('\n', start);
        if (end == std::string_view::npos) end = code.size();
        auto line = code.substr(start, end - start);
        start = end + 1;
        ++number;
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        const std::string why = python ? python_branch(line) : ruby_branch(line);
        if (why.empty()) continue;
        unknown.push_back({number, why + " (line " + std::to_string(number) +
                                       "): the capture ran it once, on an empty database, and saw one path only; what it "
                                       "sends on a database with data, or in another environment, is not known",
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
