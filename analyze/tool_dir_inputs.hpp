#pragma once
// `pgfence analyze` and the other tools' migration folders (tool_dirs.hpp): a project's
// diesel.toml, knexfile, .env, data source or sqlx migrate!() puts its migrations where the tool
// reads them, whatever folder was given to pgfence.
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"

namespace pgfence::analyze::tools {

struct FollowedDirs {
    std::vector<std::string> notes;    // what each settings file said, for stderr (printable)
    std::vector<FileReport> unknown;   // a settings file whose folder is computed: its unknown lines
    std::vector<std::string> sqlx_folders;  // the folders sqlx::migrate!() names (AnalyzeOptions::sqlx_folders)
    std::vector<PsqlRun> psql_runs;         // the files psql runs (AnalyzeOptions::psql_runs)
    // The folders a settings file, workflow, Procfile or node-config file names as node-pg-migrate's,
    // dbmate's or goose's, with why (AnalyzeOptions::tool_folders).
    std::vector<std::pair<std::string, std::string>> tool_folders;
    // golang-migrate's x-multi-statement as the settings files read set it (AnalyzeOptions::golang_multi_statement*).
    std::string golang_multi_statement;
    bool golang_multi_statement_off = false;
    // The files of the folders the settings name and the files psql includes, absolute and
    // normal: each is run by a tool whatever its folder is called (tools/loose_sql.hpp).
    std::vector<std::string> named_files;
};

// Reads the settings files in the working directory (diesel.toml, .env, knexfile.*, package.json,
// config/default.json) and in each directory of `inputs` (there also *.rs files and data source
// files below it), adds the migrations of the constant folders they name to `files` (sorted, no
// duplicates), and reports the folders they compute.
[[nodiscard]] FollowedDirs add_tool_dirs(std::vector<std::string>& files, const std::vector<std::string>& inputs,
                                         const AnalyzeOptions& options);

}  // namespace pgfence::analyze::tools
