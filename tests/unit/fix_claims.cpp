#include "fix_claims.hpp"

#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "analyze/model/catalog.hpp"

namespace pgfence::tests {
namespace {

using namespace pgfence::analyze;

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    std::string line;
    std::istringstream in{std::string(text)};
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to && i < lines.size(); ++i) out += lines[i] + "\n";
    return out;
}

// Counts by rule of the findings at `least` or above.
std::map<std::string, int> counts(const std::vector<const FileReport*>& reports, Risk least) {
    std::map<std::string, int> out;
    for (const FileReport* r : reports) {
        for (const auto& f : r->findings) {
            if (f.risk >= least) ++out[f.rule];
        }
    }
    return out;
}

// The second file of a split: the tool's own name in a folder of its own (Prisma's
// migration.sql, diesel's up.sql), else the file's name with "_2".
std::string second_path(const std::string& path) {
    std::size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name == "migration.sql" || name == "up.sql" || name == "down.sql") return dir + "_2/" + name;
    std::size_t dot = name.find('.');
    return (dir.empty() ? "" : dir + "/") + (dot == std::string::npos ? name + "_2" : name.substr(0, dot) + "_2" + name.substr(dot));
}

// The file's session settings before its first other statement: a new migration repeats them.
std::string leading_settings(const FileReport& report) {
    std::string out;
    for (const auto& s : report.statements) {
        if (s.kind != "VariableSetStmt") break;
        out += s.sql + ";\n";
    }
    return out;
}

FixCheck compare(const FileReport& before, const std::vector<const FileReport*>& after, const Finding& finding, std::string how) {
    FixCheck check{true, {}, std::move(how)};
    auto rule_count = [&](const std::vector<const FileReport*>& reports) {
        int n = 0;
        for (const FileReport* r : reports) {
            for (const auto& f : r->findings) n += f.rule == finding.rule;
        }
        return n;
    };
    if (rule_count(after) >= rule_count({&before})) {
        check.problem = finding.rule + " is still reported after its fix";
        return check;
    }
    std::map<std::string, int> was = counts({&before}, Risk::Medium);
    for (const auto& [rule, n] : counts(after, Risk::Medium)) {
        // A session setting's policy is one per file that lacks it: a file split in two lacks it twice.
        if (rule == "lock-timeout-missing" || rule == "statement-timeout-missing" ? was[rule] == 0 : n > was[rule]) {
            check.problem += (check.problem.empty() ? "" : "; ") + rule + " appears at MEDIUM or above after the fix";
        }
    }
    for (const FileReport* r : after) {
        for (const auto& s : r->statements) {
            if (s.status == StatementStatus::Unparsable) check.problem += "; the fixed file does not parse";
        }
    }
    return check;
}

}  // namespace

FixCheck check_fix_claim(const std::string& path, std::string_view text, std::string_view metadata,
                         const AnalyzeOptions& options, const FileReport& report, const Finding& finding) {
    const std::string& fix = finding.fix;
    std::vector<std::string> lines = lines_of(text);
    std::smatch m;
    // "add `SET lock_timeout = '2s';` on a line before line 7", "`RESET x;` before line 3"
    static const std::regex before(R"(`([^`]+;)`(?: on a line)? before line (\d+))");
    // "add `COMMIT;` after line 9"
    static const std::regex after_line(R"(^add `([^`]+;)` after line (\d+))");
    // "commit after line 4 and run this ...", "end the transaction after line 4 and run this ..."
    static const std::regex split(R"(^(?:commit|end the transaction) after line (\d+) and run this)");
    // "move `ALTER TABLE t VALIDATE CONSTRAINT c;` into a later migration"
    static const std::regex move(R"(^move `([^`]+;)` into a later migration)");
    if (std::regex_search(fix, m, before)) {
        std::size_t line = std::stoul(m[2].str());
        if (line == 0 || line > lines.size() + 1) return {true, "the fix names line " + m[2].str() + ", past the file", fix};
        lines.insert(lines.begin() + static_cast<long>(line - 1), m[1].str());
        FileReport again = analyze_text(path, join(lines, 0, lines.size()), options, metadata);
        return compare(report, {&again}, finding, "inserted `" + m[1].str() + "` before line " + m[2].str());
    }
    if (std::regex_search(fix, m, after_line)) {
        std::size_t line = std::stoul(m[2].str());
        if (line == 0 || line > lines.size()) return {true, "the fix names line " + m[2].str() + ", past the file", fix};
        lines.insert(lines.begin() + static_cast<long>(line), m[1].str());
        FileReport again = analyze_text(path, join(lines, 0, lines.size()), options, metadata);
        return compare(report, {&again}, finding, "inserted `" + m[1].str() + "` after line " + m[2].str());
    }
    if (std::regex_search(fix, m, split)) {
        // "this" is the finding's statement: the file up to the line, that statement in a
        // migration of its own, and what follows it in another. In a BEGIN ... COMMIT of the file
        // each part commits and begins again; in the tool's transaction, each file is one.
        std::size_t line = std::stoul(m[1].str());
        if (finding.statement < 0 || static_cast<std::size_t>(finding.statement) >= report.statements.size()) {
            return {true, "the fix names a statement the finding has not", fix};
        }
        const StatementFacts& own = report.statements[static_cast<std::size_t>(finding.statement)];
        const std::size_t from = static_cast<std::size_t>(own.span.start.line) - 1, to = static_cast<std::size_t>(own.span.stop.line);
        if (line == 0 || line > from) return {true, "the fix splits at line " + m[1].str() + ", not before the statement", fix};
        const bool explicit_block = own.transaction == Transaction::Explicit;
        const std::string settings = leading_settings(report);
        std::string first = join(lines, 0, line) + (explicit_block ? "COMMIT;\n" : "");
        std::string middle = join(lines, line, from);  // between the line and the statement: stays with the first part
        std::string second = settings + (explicit_block ? "BEGIN;\n" : "") + join(lines, from, to) + (explicit_block ? "COMMIT;\n" : "");
        std::string third = settings + (explicit_block ? "BEGIN;\n" : "") + join(lines, to, lines.size());
        if (!middle.empty()) first = join(lines, 0, line) + middle + (explicit_block ? "COMMIT;\n" : "");
        Catalog catalog = options.history ? *options.history : Catalog{};
        FileReport a = analyze_text(path, first, options, metadata, catalog);
        catalog.mark_existing();
        FileReport b = analyze_text(second_path(path), second, options, metadata, catalog);
        catalog.mark_existing();
        FileReport c = analyze_text(second_path(second_path(path)), third, options, metadata, catalog);
        return compare(report, {&a, &b, &c}, finding, "split the file after line " + m[1].str() + ", the statement alone");
    }
    if (fix.rfind("drop the explicit LOCK TABLE", 0) == 0 && finding.statement >= 0 &&
        static_cast<std::size_t>(finding.statement) < report.statements.size()) {
        const StatementFacts& own = report.statements[static_cast<std::size_t>(finding.statement)];
        std::string kept = join(lines, 0, static_cast<std::size_t>(own.span.start.line) - 1) +
                           join(lines, static_cast<std::size_t>(own.span.stop.line), lines.size());
        FileReport again = analyze_text(path, kept, options, metadata);
        return compare(report, {&again}, finding, "dropped the LOCK TABLE of line " + std::to_string(own.span.start.line));
    }
    // "move the DELETE at line 7 after line 8": the statement starting at the first line, placed
    // after the second line.
    static const std::regex move_after(R"(^move the \w+ at line (\d+) after line (\d+))");
    if (std::regex_search(fix, m, move_after)) {
        int from_line = std::stoi(m[1].str()), after = std::stoi(m[2].str());
        const StatementFacts* moved = nullptr;
        for (const auto& s : report.statements) {
            if (s.span.start.line == from_line) moved = &s;
        }
        if (moved == nullptr || after <= moved->span.stop.line || static_cast<std::size_t>(after) > lines.size()) {
            return {true, "the fix names lines that are not a statement and a later line", fix};
        }
        const std::size_t from = static_cast<std::size_t>(from_line) - 1, to = static_cast<std::size_t>(moved->span.stop.line);
        std::string moved_text = join(lines, 0, from) + join(lines, to, static_cast<std::size_t>(after)) + join(lines, from, to) +
                                 join(lines, static_cast<std::size_t>(after), lines.size());
        FileReport again = analyze_text(path, moved_text, options, metadata);
        return compare(report, {&again}, finding, "moved the statement of line " + m[1].str() + " after line " + m[2].str());
    }
    if (std::regex_search(fix, m, move)) {
        std::string moved = m[1].str();
        std::string kept(text);
        std::size_t at = kept.find(moved);
        if (at == std::string::npos) return {true, "`" + moved + "` is not in the file", fix};
        kept.erase(at, moved.size());
        Catalog catalog = options.history ? *options.history : Catalog{};
        FileReport a = analyze_text(path, kept, options, metadata, catalog);
        catalog.mark_existing();
        FileReport b = analyze_text(second_path(path), leading_settings(report) + moved + "\n", options, metadata, catalog);
        return compare(report, {&a, &b}, finding, "moved `" + moved + "` into a later migration");
    }
    return {};
}

}  // namespace pgfence::tests
