#pragma once
// What the analysis of an open migration takes from its workspace, as `pgfence analyze FILE`
// takes it there: the configuration file found from the file's folder upward, the stats
// snapshot it names, and the schema the migration set's earlier files built. Computed once per
// file and kept until a watched file or a setting changes; each keystroke then costs only the
// file's own analysis.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/analyze_command.hpp"
#include "bot/analyze_history.hpp"
#include "bot/plan_hint.hpp"

namespace pgfence::bot::lsp {

// The editor's settings (initializationOptions, or workspace/configuration section "pgfence").
struct ClientSettings {
    std::string stats_file;  // a snapshot from extract-stats, over the configuration's stats_file
    bool code_lens = true;   // the strongest lock above each statement
};

struct FileContext {
    std::string path;  // absolute, normal
    // The configuration or the stats snapshot could not be read: shown as one diagnostic, and
    // the file analysed with the defaults.
    std::optional<std::string> error;
    std::string config_path;  // "" when none was found
    bool excluded = false;    // the configuration's `exclude` names it: not analysed
    Settings settings;        // options.history, known_migrations and merged point into this
    CommittedMigrations committed;
    analyze::KnownMigrations known;
    std::unique_ptr<HistoryRun> history;
    std::vector<std::string> replayed;  // the history's files, in order (for the plan's command)
    std::string metadata;               // analyze::sibling_metadata of the path

    // Whether `text` at this path is a migration pgfence reads: a .sql file, or a TypeORM, Knex,
    // Sequelize or db-migrate script under a folder named like "migrations" (or one the
    // configuration's `paths` selects).
    [[nodiscard]] bool reads(const std::string& text) const;
    [[nodiscard]] PlanHint plan_hint() const;
};

// The history is the set's files that its tool applies before this one, each as committed at
// HEAD when git has it there (a committed migration stays what it was when it ran, as analyze
// reads it), else as it is on disk (an earlier migration of the same change, not committed yet,
// which `pgfence analyze` of both files would chain before it). `root`: the workspace folder,
// against which a relative settings.stats_file is read.
[[nodiscard]] std::unique_ptr<FileContext> make_context(const std::string& path, const ClientSettings& client,
                                                        const std::string& root);

}  // namespace pgfence::bot::lsp
