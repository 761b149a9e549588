#pragma once
// `pgfence analyze` and Flyway's locations: Flyway reads its migrations from the folders
// flyway.locations names, relative to its working directory, whatever folder was given to pgfence.
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"

namespace pgfence::analyze::tools {

// When `files` hold a Flyway migration: the migrations of the `filesystem:` locations the Flyway
// settings files of the working directory (and its conf/) name, added to `files` (sorted, no
// duplicates). Returns the settings files read; `folders`, when given, gets the locations' folders
// (Flyway scans each recursively: flyway-core FileSystemScanner).
std::vector<std::string> add_flyway_locations(std::vector<std::string>& files, const AnalyzeOptions& options,
                                              std::vector<std::string>* folders_out = nullptr);

}  // namespace pgfence::analyze::tools
