#pragma once
// What becomes one annotation in the check run and in the workflow-command fallback: a finding,
// or all the session-setting findings of a file (lock_timeout, statement_timeout, ...: the
// registry's "policy" rules) folded into one. Those say what the file as a whole must set, and
// one box at the first of them, listing the lines, replaces a box beside every statement's real
// findings. SARIF keeps one result per finding: code scanning tracks each.
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "annotate/finding_view.hpp"

namespace pgfence::annotate {

struct Annotation {
    const analyze::FileReport* file = nullptr;
    std::vector<const analyze::Finding*> findings;  // in source order; more than one: a fold

    [[nodiscard]] bool folded() const { return findings.size() > 1; }
    [[nodiscard]] const analyze::Finding& first() const { return *findings.front(); }
    [[nodiscard]] analyze::Risk risk() const;  // the highest of its findings
    [[nodiscard]] Severity severity() const;   // the highest of its findings'
    [[nodiscard]] bool pre_existing() const;   // all of its findings are
    // The finding's span; a fold's is the line of its first finding (the settings go before it).
    [[nodiscard]] LineSpan span() const;
    // Whether the span's columns mean something: on one line, and not a fold's whole line.
    [[nodiscard]] bool has_columns() const { return !folded() && span().one_line(); }
    // "rule (RISK)" with ", pre-existing" inside the parentheses when it is; a fold names its
    // rules: "session settings: lock-timeout-missing, statement-timeout-missing (MEDIUM)".
    [[nodiscard]] std::string title() const;
};

// A finding of a session-setting policy rule (lock-timeout-missing, lock-timeout-too-long, ...).
[[nodiscard]] bool is_session_setting(const analyze::Finding& finding);

// The annotations of a report: files in report order, each file's in source order (a fold where
// its first finding is).
[[nodiscard]] std::vector<Annotation> annotations_of(const analyze::Report& report);

// A fold's message, plain text for its writer to escape: the rules and their lines, then each
// finding with its fix, e.g. "lock-timeout-missing on lines 2 and 9; statement-timeout-missing
// on line 2.\n\nLine 2, lock-timeout-missing (MEDIUM): ...\nFix: ...".
[[nodiscard]] std::string fold_message(const Annotation& annotation);

}  // namespace pgfence::annotate
