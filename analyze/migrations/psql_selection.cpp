#include <string>

#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/splitter.hpp"

namespace pgfence::analyze::tools {

bool psql_runs_text(std::string_view text) {
    // A NUL in the first 8 KB: git's test for a binary file (an image, an archive), which psql
    // does not run as SQL.
    if (text.substr(0, 8000).find('\0') != std::string_view::npos) return false;
    // A meta-command (`\i`, `\!`, `\copy`): psql runs it wherever a line opens with one.
    for (std::size_t at = 0; at < text.size();) {
        std::size_t start = at;
        while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
        if (start < text.size() && text[start] == '\\') return true;
        const std::size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    bool runs = false;
    for_each_statement(text, Region{0, text.size(), false, false}, [&](const RawStatement& s) {
        if (s.end <= s.begin) return true;
        runs = !parse_statement(text.substr(s.begin, s.end - s.begin)).failure.has_value();
        return !runs;
    });
    return runs;
}

}  // namespace pgfence::analyze::tools
