#pragma once
// The project's configuration file: `.pgfence.toml` or `.pgfence.json`, found from the
// working directory upward. Keys are documented in README "Configuration"; an unknown key or
// a bad value is an error naming the file and line.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analyze/migrations/conventions.hpp"
#include "analyze/base/error.hpp"
#include "analyze/model/findings.hpp"
#include "analyze/rules/rule.hpp"
#include "stats/size_risk.hpp"

namespace pgfence::bot {

struct Config {
    std::string source;  // the file it was read from
    std::optional<int> pg_version;
    std::optional<analyze::Risk> max_risk;
    std::optional<bool> fail_on_unparsable;
    std::optional<bool> block_unknown;  // `unknown = "block"|"warn"`: whether SQL pgfence could not see fails --ci and pr
    std::optional<analyze::Direction> direction;
    std::optional<std::string> tool;  // `tool = "sqlx"|"golang-migrate"`: AnalyzeOptions::tool
    std::optional<std::uint64_t> max_file_bytes;  // max_file_size, in MiB
    std::vector<std::string> paths;  // migration globs
    std::vector<std::string> exclude;  // globs of files never analysed, though `paths` selects them
    analyze::rules::Options rules;
    std::optional<std::string> stats_file;  // stats snapshot for analyze (as written; relative to the file)
    stats::SizeOptions stats;               // [stats]: size thresholds and throughput (docs/stats-format.md)
};

// The nearest .pgfence.toml or .pgfence.json in `start` or a parent directory.
[[nodiscard]] std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);

// Reads only a regular file of at most analyze::k_config_max_bytes (1 MiB).
[[nodiscard]] analyze::Result<Config> load_config(const std::filesystem::path& path);
// The same from text already read; `file` names it in errors (and its extension picks JSON).
[[nodiscard]] analyze::Result<Config> parse_config(const std::string& text, const std::string& file);

}  // namespace pgfence::bot
