#pragma once
// The trace's own renderers: the terminal text and the JSON document (docs in the README's
// "Trace mode" section). The bot renders the same TraceReport into the check run and comment.
#include <iosfwd>

#include "trace/verdict.hpp"

namespace pgfence::trace {

struct TextOptions {
    bool color = false;
    bool verbose = false;  // also the predicted and observed locks of confirmed statements
};

void render_trace_text(const TraceReport& report, std::ostream& out, const TextOptions& options);
void write_trace_json(const TraceReport& report, std::ostream& out);

}  // namespace pgfence::trace
