#pragma once
// `--format markdown`: the pull-request comment body (and the job summary). Per file, the
// statements with their lock, what it blocks, risk and findings; then the safe rewrite
// recipes as sql blocks. Kept under GitHub's size limit by leaving out detail, lowest risk
// first, and saying what was left out.
#include <cstddef>
#include <ostream>
#include <string>

#include "analyze/facts.hpp"

namespace pgfence::annotate {

// GitHub rejects comment bodies over 65536 characters; the margin keeps room for the bot's
// own additions. The limit is counted in UTF-8 bytes, never fewer than GitHub's characters.
inline constexpr std::size_t k_comment_max_chars = 65536 - 1024;
// $GITHUB_STEP_SUMMARY takes up to 1 MiB per step.
inline constexpr std::size_t k_job_summary_max_chars = 1024 * 1024 - 1024;

struct MarkdownOptions {
    std::string marker;  // a hidden HTML comment the bot uses to find its comment again
    std::size_t max_chars = k_comment_max_chars;  // UTF-8 bytes; 0: no limit
    std::string more_details = "the check run and the SARIF upload";  // where left-out detail is
    std::string title = "pgfence";  // the heading: "pgfence (api)" for one of several pgfence jobs
};

// Without findings (and with every file read) the body is one short "found nothing risky"
// note, so the bot can overwrite an older comment whose findings are gone.
// Pre-existing findings are listed, marked, and do not count toward the headline risk.
void render_markdown(const analyze::Report& report, std::ostream& out, const MarkdownOptions& options = {});

}  // namespace pgfence::annotate
