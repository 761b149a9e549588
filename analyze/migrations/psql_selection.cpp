#include <string>

#include "analyze/migrations/psql_includes.hpp"
#include "analyze/migrations/tool_dirs.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/splitter.hpp"

namespace pgfence::analyze::tools {

bool psql_runs_text(std::string_view text) {
    // A NUL in the first 8 KB: git's test for a binary file (an image, an archive), which psql
    // does not run as SQL.
    if (text.substr(0, 8000).find('\0') != std::string_view::npos) return false;
    // A meta-command (`\i`, `\!`, `\copy`) that opens its line: psql runs it. Found by the one
    // reader of psql's meta-commands (psql_includes.hpp each_meta_command: outside quotes and comments).
    bool meta = false;
    each_meta_command(text, [&](const MetaCommand& m) {
        std::size_t start = m.begin;
        while (start > 0 && (text[start - 1] == ' ' || text[start - 1] == '\t')) --start;
        meta = start == 0 || text[start - 1] == '\n';
        return !meta;
    });
    if (meta) return true;
    bool runs = false;
    for_each_statement(text, Region{0, text.size(), false, false}, [&](const RawStatement& s) {
        if (s.end <= s.begin) return true;
        runs = !parse_statement(text.substr(s.begin, s.end - s.begin)).failure.has_value();
        return !runs;
    });
    return runs;
}

}  // namespace pgfence::analyze::tools
