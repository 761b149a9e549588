#include "bot/psql_script_review.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "analyze/migrations/psql_scripts.hpp"

namespace pgfence::bot {

std::optional<analyze::FileReport> psql_script_report(const diff::ChangedFile& file, std::string_view text,
                                                      const analyze::tools::ReadFile& read, const analyze::AnalyzeOptions& options) {
    namespace tools = analyze::tools;
    if (!tools::may_run_sql(file.path, text)) return std::nullopt;
    std::vector<analyze::SettingUnknown> unknown;
    for (const auto& d : tools::read_script_psql_files(file.path, text, read)) {
        if (d.unknown.empty()) continue;
        // A file psql runs whose name the line computes: which one is not known whatever line changed.
        const bool computed = d.unknown.find("comput") != std::string::npos;
        if (!file.all_lines_new && !computed && !file.touches(d.line, d.line)) continue;
        if (std::any_of(unknown.begin(), unknown.end(), [&](const analyze::SettingUnknown& u) { return u.line == d.line; })) continue;
        unknown.push_back(analyze::SettingUnknown{d.line, tools::describe(file.path, d), "psql in a script"});
    }
    if (unknown.empty()) return std::nullopt;
    return analyze::analyze_tool_settings(file.path, {}, options, text, unknown);
}

}  // namespace pgfence::bot
