#include <algorithm>
#include <string>
#include <vector>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// A statement a template placeholder keeps pgfence from reading (Flyway `${...}`, a Go template
// action, `$%NAME%$`): its SQL is only known when the migration runs.
bool templated(const StatementFacts& s) {
    return s.status == StatementStatus::Unknown &&
           std::any_of(s.notes.begin(), s.notes.end(), [](const std::string& n) { return n.starts_with("templated: not analysed"); });
}

// One finding for the file's templated statements, at the first, listing their lines (issue #34:
// a templated file is valid code, not one unknown statement after another).
void check_templated(const StatementContext& ctx, Sink& sink) {
    const auto& statements = ctx.file.statements;
    std::vector<int> lines;
    for (const auto& other : statements) {
        if (templated(other)) lines.push_back(other.span.start.line);
    }
    if (lines.empty() || lines.front() != ctx.statement.span.start.line) return;
    std::string where;
    for (std::size_t k = 0; k < lines.size() && k < 8; ++k) where += (k == 0 ? "" : ", ") + std::to_string(lines[k]);
    if (lines.size() > 8) where += ", ...";
    const bool one = lines.size() == 1;
    Finding& f = sink.add(ctx.statement, "pgfence could not see what " +
                                             std::string(one ? "a statement" : std::to_string(lines.size()) + " statements") +
                                             " of this file (line" + (one ? " " : "s ") + where + (one ? ") does: it holds" : ") do: they hold") +
                                             " a template placeholder: " + (one ? "its" : "their") +
                                             " SQL is known only when the migration runs, so " + (one ? "its" : "their") +
                                             " locks are not shown");
    f.fix = "review them as rendered (or run `pgfence trace` on the rendered file), then suppress with "
            "`-- pgfence-ignore-file: unknown-statement`";
}

void check(const StatementContext& ctx, Sink& sink) {
    const StatementFacts& s = ctx.statement;
    if (s.status != StatementStatus::Unknown) return;
    if (templated(s)) {
        check_templated(ctx, sink);
        return;
    }
    std::string what = s.tag.empty() ? std::string(s.kind) : s.tag;
    if (what.empty()) what = "this statement";
    // Why it is unknown: the note that says what could not be seen, else one that says what is
    // not in the lock model, else only that its kind is not.
    std::string why;
    constexpr std::string_view hidden = "not visible to static analysis: ";
    for (const auto& n : s.notes) {
        if (n.starts_with(hidden)) {
            why = n.substr(hidden.size());
            break;
        }
    }
    for (const auto& n : s.notes) {
        if (!why.empty()) break;
        if (n.find("not visible") != std::string::npos || n.find("not in the lock model") != std::string::npos ||
            n.find("does not parse") != std::string::npos) {
            why = n;
            break;
        }
    }
    if (why.empty()) why = what + " is not fully known to the lock model";
    const std::string detail = ": " + why;
    if (s.tag == "migration tool setting") {
        // A settings line (analyze_tool_settings): the folder the tool runs migrations from.
        Finding& f = sink.add(s, "pgfence could not tell which folder the migration tool reads its migrations from, so the "
                                 "migrations there are not analysed and a person must review them" + detail);
        f.fix = "name the folder as a constant in this settings file (pgfence then analyses its migrations), or review the "
                "migrations of the folder it names when it runs by hand (`pgfence analyze <folder>`)";
        return;
    }
    // Said plainly first (issue #53): the comment, the check run and the terminal all show it. A
    // statement partly read (a Flyway placeholder without a value read with a stand-in name, a DO
    // block's static part) keeps the locks pgfence read: they are shown, and may not be all.
    const std::string locks = s.locks.empty() ? "its locks are not shown,"
                                              : "the locks shown are only those of what pgfence could read (what it could "
                                                "not see may take others),";
    Finding& f = sink.add(s, "pgfence could not see what this statement does" + detail + "; " + locks + " and a person must review it");
    f.fix = "review its locks by hand (or run `pgfence trace`), then suppress with `-- pgfence-ignore: unknown-statement` "
            "(added by a pull request, a suppression does not lift governance: that needs an exemption from the service)";
}

}  // namespace

PGFENCE_RULE(unknown_statement) {
    return Rule{"unknown-statement", Risk::Medium, "A statement whose locks pgfence cannot see is never reported as safe",
                check, nullptr, true, "meta"};
}

}  // namespace pgfence::analyze::rules
