#pragma once
// `--format markdown`: the pull-request comment body. Per file, the statements with their
// lock, what it blocks, risk and findings; then the safe rewrite recipes as sql blocks.
#include <ostream>
#include <string>

#include "analyze/facts.hpp"

namespace pgfence::annotate {

struct MarkdownOptions {
    std::string marker;  // a hidden HTML comment the bot uses to find its comment again
};

void render_markdown(const analyze::Report& report, std::ostream& out, const MarkdownOptions& options = {});

}  // namespace pgfence::annotate
