#pragma once
// `--format markdown`: the pull-request comment (and the job summary and the check run's
// text). Written for a reviewer who reads one screen: the verdict and a digest of what to
// change first (every new HIGH and CRITICAL finding with its line and fix, MEDIUM and LOW
// counted per rule), what changed since the last push, the exemptions (pgfence-ignore comments
// with a reason, owner or expiry that hid findings), then the detail per file, folded,
// riskiest files first. Kept under GitHub's size limit by leaving detail out by value:
// pre-existing, then LOW, MEDIUM, then plans and HIGH detail of the least risky files.
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analyze/model/facts.hpp"
#include "annotate/review_state.hpp"

namespace pgfence::annotate {

// GitHub rejects comment bodies over 65536 characters; the margin keeps room for the bot's
// own additions. The limit is counted in UTF-8 bytes, never fewer than GitHub's characters.
inline constexpr std::size_t k_comment_max_chars = 65536 - 1024;
// $GITHUB_STEP_SUMMARY takes up to 1 MiB per step.
inline constexpr std::size_t k_job_summary_max_chars = 1024 * 1024 - 1024;

// Each rule's page, at the release this binary is.
inline constexpr const char* k_docs_base = "https://github.com/pgfence/action/blob/v" PGFENCE_VERSION "/docs/rules/";

// Where links point; each field empty: no such links.
struct ReviewLinks {
    std::string server;      // "https://github.com"
    std::string repository;  // "owner/name"
    std::string sha;         // the commit analysed: file:line links point into it
    std::string run_url;     // the workflow run, whose summary page has the job summary
    std::string docs_base = k_docs_base;  // + "<rule>.md"
};

// Which part of the report: the comment is whole; the check run's summary is the digest and
// its text the details.
enum class MarkdownPart { whole, digest, details };

// A pgfence-ignore comment the pull request adds or changes (not on the base branch), and the
// finding it hides or, given no reason on a HIGH or CRITICAL finding, could not hide (pgfence pr:
// bot/pr_suppressions.hpp). Named in the check run and the comment.
struct PullRequestSuppression {
    std::string path;      // the file, as the report names it
    int line = 0;          // the comment's line
    std::string rule;
    analyze::Risk risk = analyze::Risk::Low;
    int finding_line = 0;  // the finding's first line
    std::string reason;    // "" when none
    bool lifted = true;    // false: the finding stands
};

struct MarkdownOptions {
    std::string marker;  // a hidden HTML comment the bot uses to find its comment again
    std::vector<PullRequestSuppression> pull_request_suppressions;  // pr: listed, never "nothing risky"
    std::size_t max_chars = k_comment_max_chars;  // UTF-8 bytes; 0: no limit
    std::string title = "pgfence";  // the heading: "pgfence (api)" for one of several pgfence jobs
    // Where the whole report is when this one is cut (Markdown, ours): "the job summary".
    std::string full_report = "the job summary";
    ReviewLinks links;
    std::string root;  // paths in links are made relative to it (empty: the current directory)
    // The state the previous comment carried: the comment then says what changed since.
    std::optional<ReviewState> previous;
    bool with_state = false;  // carry this run's state, hidden, for the next push
    MarkdownPart part = MarkdownPart::whole;
};

// Without findings (and with every file read) the body is one short "found nothing risky"
// note (with what was resolved, when there was an earlier state), so the bot can overwrite an
// older comment whose findings are gone. Pre-existing findings are listed last, folded, and do
// not count toward the headline risk.
void render_markdown(const analyze::Report& report, std::ostream& out, const MarkdownOptions& options = {});

}  // namespace pgfence::annotate
