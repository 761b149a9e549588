// Internal to bot/analyze_command.cpp, bot/analyze_args.cpp, bot/analyze_output.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include "bot/analyze_command.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "analyze/base/civil_date.hpp"
#include "analyze/migrations/migration_order.hpp"
#include "analyze/base/path_parts.hpp"
#include "analyze/plan/plan.hpp"
#include "analyze/rules/common.hpp"
#include "annotate/ci_formats.hpp"
#include "annotate/json_report.hpp"
#include "annotate/markdown.hpp"
#include "annotate/printable.hpp"
#include "annotate/sarif.hpp"
#include "annotate/terminal.hpp"
#include "annotate/workflow_commands.hpp"
#include "bot/analyze_history.hpp"
#include "bot/baseline.hpp"
#include "bot/cli.hpp"
#include "bot/cli_args.hpp"
#include "bot/config.hpp"
#include "bot/extract_stats_command.hpp"
#include "bot/plan_hint.hpp"
#include "bot/plan_paths.hpp"
#include "bot/progress.hpp"
#include "analyze/base/safe_write.hpp"
#include "bot/stdin_input.hpp"
#include "diff/glob.hpp"
#include "analyze/flyway_locations.hpp"
#include "analyze/migrations/other_database.hpp"
#include "analyze/migrations/project_pg_version.hpp"
#include "analyze/migrations/sqlx_crate.hpp"
#include "analyze/tool_dir_inputs.hpp"
#include "diff/repository.hpp"
#include "stats/apply.hpp"
#include "stats/conninfo.hpp"
#include "stats/units.hpp"

namespace pgfence::bot {
namespace analyze_command_detail {

using namespace pgfence::analyze;
namespace fs = std::filesystem;
bool is_output_format(std::string_view f);
std::optional<orm::InputFormat> input_kind(std::string_view f);
std::vector<std::string> split_ids(const std::string& flag, const std::string& value);

// Said once at the end of a report analysed without a stats snapshot (text, compact, JSON), not on
// each finding: the levels of the size-sensitive rules are those of a large table.
constexpr const char* k_sizes_assumed =
    "no stats snapshot: tables the migrations did not create are taken as large (--stats-file or --db-url sizes them)";

std::string target_line(const Settings& settings);

void diagnose_file(const analyze::FileReport& f, const Settings& settings, bool block_unknown, std::ostream& err,
                   Diagnosis& d);

Diagnosis stream_report(annotate::ReportStream& stream, const std::vector<std::string>& files, const Settings& settings,
                        const HistoryRun& history, bool block_unknown, const StdinInput* input, const PlanHint* hint,
                        Baseline* baseline, std::ostream& out, std::ostream& err, std::vector<FileReport> extra);

std::optional<std::vector<std::string>> changed_since(const std::vector<std::string>& files, const std::string& ref,
                                                      std::uint64_t max_bytes, std::ostream& err);

// The baseline `path` as the merge base of `ref` and HEAD holds it ("" when it has none), for
// --changed-since: entries the branch adds are not honoured. Nothing, after one error: line,
// when that cannot be read.
std::optional<std::string> baseline_at_merge_base(const std::string& path, const std::string& ref, std::ostream& err);
// Without --changed-since, in CI: the baseline as the merge base of HEAD and the default branch
// holds it (origin/HEAD, else origin/main, origin/master, main, master; else HEAD itself), and
// which that is in `against`. Nothing when the baseline is not in a git checkout.
std::optional<std::string> baseline_at_default_base(const std::string& path, std::string& against);

}  // namespace analyze_command_detail
using namespace analyze_command_detail;

void version_from_project(Settings& settings, std::ostream& err);

}  // namespace pgfence::bot
