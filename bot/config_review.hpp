#pragma once
// `pgfence pr` and pgfence's own configuration (red team r70 F15). A pull request reviewed by the
// base commit's configuration cannot lower the rules for itself, but once merged its configuration
// reviews every later pull request: a change that turns a rule off, lowers a risk, excludes files,
// relaxes `unknown` / `unparsable`, or a governance policy's sign-off, is itself a finding
// (migration-tool-settings-changed, HIGH: it needs a sign-off), at each key that changed. A change
// that is only stricter (a rule enabled, a risk raised, an exclude removed) is none.
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Whether `path` names one of pgfence's configuration files by its name: `.pgfence.toml`,
// `.pgfence.json` in any folder, and a governance policy (`pgfence-policy.toml`, any `.toml` or
// `.json` whose name holds "pgfence", `governance.toml`).
[[nodiscard]] bool pgfence_config_name(std::string_view path);

// One change of a configuration between two texts of the file (nothing: the file is absent), each
// key that is not only stricter, at its line in the head text: "rules.disable = [\"unknown-statement\"]
// (was [])". `file` names the file (its extension picks JSON).
[[nodiscard]] std::vector<analyze::SettingChange> config_weakenings(const std::string& file, const std::optional<std::string>& base,
                                                                    const std::optional<std::string>& head);

// Adds to `report` one file per pgfence configuration file the pull request changes (by name, and
// the repository files in `named`: the stats snapshot the configuration names) in a way that is not
// only stricter, each weakening a migration-tool-settings-changed finding.
[[nodiscard]] analyze::Result<bool> add_config_change_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                              const std::vector<std::string>& named, analyze::Report& report,
                                                              const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
