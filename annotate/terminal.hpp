#pragma once
// The terminal report: one table per file (statement, strongest lock, what it blocks,
// rewrites). The only renderer that may use ANSI colour, and only when asked to.
#include <ostream>

#include "analyze/facts.hpp"

namespace pgfence::annotate {

struct TerminalOptions {
    bool color = false;
    int sql_width = 48;  // characters of statement text shown per row
};

void render_terminal(const analyze::Report& report, std::ostream& out, const TerminalOptions& options);

}  // namespace pgfence::annotate
