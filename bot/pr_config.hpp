#pragma once
// Which configuration reviews a pull request. The pull request cannot be trusted with its own
// review: by default `pgfence pr` reads .pgfence.toml / .pgfence.json, and the files they or the
// command line name (stats_file, --config, --stats-file), from the base commit, so a pull
// request that adds or edits them (paths = [], rules turned off, a higher max_risk, a stats file
// showing tiny tables) is still reviewed by the configuration it would change. `--config-from
// head` reads them from the checkout instead. README "pgfence pr" documents the rules.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "bot/analyze_command.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

enum class ConfigFrom { Base, Head };

// What the review needs to know besides the command line.
struct PrConfigPlace {
    const diff::Repository* repo = nullptr;
    std::string base_sha;  // full ids
    std::string head_sha;
    ConfigFrom from = ConfigFrom::Base;
    // Filled when set: the repository files the configuration was read from (the configuration
    // file, the stats snapshot it names), whose change by the pull request is itself reviewed
    // (bot/config_review.hpp).
    std::vector<std::string>* read_files = nullptr;
};

// Settings for the review: defaults, then the configuration file, then the command line, with
// the stats snapshot loaded. `paths` come out repository-relative (a config's globs are relative
// to its own folder). Prints one "pgfence: config: ..." line saying which file was used, and
// returns false after one error: line when a file is bad.
[[nodiscard]] bool resolve_pr_settings(const AnalyzeArgs& a, const PrConfigPlace& place, Settings& settings,
                                       std::ostream& err);

// The --schema files (the action's schema-file), and likewise the --history files, of a review in base mode: a file inside the
// repository is read from the base commit, a folder as its .sql files there, so a structure.sql
// the pull request regenerates (already holding its migrations' result) cannot hide what they do;
// one only the pull request has is left out with a warning; one outside the repository, or in
// neither commit (made by the workflow), is read from disk (`disk`). In head mode every one is
// read from disk. Returns false after one error: line.
struct PrSchemaSources {
    std::vector<std::pair<std::string, std::string>> texts;  // name shown, text
    std::vector<std::string> disk;
};
// A glob (`*`, `?`, `[`) inside the repository selects the base commit's files it matches.
// `option` names the option in messages ("--schema", "--history").
[[nodiscard]] bool pr_schema_sources(const std::vector<std::string>& named, const PrConfigPlace& place, std::uint64_t limit,
                                     PrSchemaSources& out, std::ostream& err, std::string_view option = "--schema");

}  // namespace pgfence::bot
