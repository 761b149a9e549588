#pragma once
// `pgfence pr --capture FILE`: the pull request's migrations judged from what the project's own
// migrate command sent, as an earlier step of the same job recorded it (`pgfence capture --record
// FILE -- <migrate command>`, docs/capture.md). The record is cut into migrations and each is
// mapped to its file in the head commit; a migration whose file the pull request adds or changes
// replaces what pgfence read from that file (a Rails or Django file is otherwise unknown), the
// others are history, judged only to build the schema the later ones run on.
#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "analyze/analyzer.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// The largest record read (a capture of every statement of a long history).
inline constexpr std::uintmax_t k_capture_record_max_bytes = std::uintmax_t{512} << 20;

struct PrCapture {
    // Per reported path: the captured SQL judged there. An approval of the file binds to it too.
    std::map<std::string, std::string> captured_sql;
    bool failed = false;  // a migration failed, or a statement is unreadable (each said on an error: line)
};

// Reads the record at `record_path` and merges its migrations into `report`. An unreadable or
// malformed record is one Error (exit 2).
[[nodiscard]] analyze::Result<PrCapture> apply_capture(const std::string& record_path, const diff::Repository& repo,
                                                       const diff::ChangeSet& changes, analyze::Report& report,
                                                       const analyze::AnalyzeOptions& options, std::ostream& err);

}  // namespace pgfence::bot
