#pragma once
// `pgfence pr --capture FILE`: the pull request's migrations judged from what the project's own
// migrate command sent, as an earlier step of the same job recorded it (`pgfence capture --record
// FILE -- <migrate command>`, docs/capture.md). The record is cut into migrations and each is
// mapped to its file in the head commit. A migration whose file the pull request adds or changes is
// reported there: beside what pgfence read from a file it reads itself, in place of a Rails, Django
// or Alembic file's unknown (bot/capture_merge.hpp); the others are history, judged only to build
// the schema the later ones run on.
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
    std::size_t reported = 0;         // captured migrations reported (the caveat is said when any)
    std::size_t kept_reading = 0;     // files pgfence reads itself: its reading kept, the capture added
    std::size_t code_migrations = 0;  // Rails, Django or Alembic files judged from what they sent
    std::size_t branch_unknowns = 0;  // their lines that branch on data or the environment (unknown)
    bool failed = false;  // a migration failed, or a statement is unreadable (each said on an error: line)
};

// Reads the record at `record_path` and merges its migrations into `report`. An unreadable or
// malformed record is one Error (exit 2).
[[nodiscard]] analyze::Result<PrCapture> apply_capture(const std::string& record_path, const diff::Repository& repo,
                                                       const diff::ChangeSet& changes, analyze::Report& report,
                                                       const analyze::AnalyzeOptions& options, std::ostream& err);

}  // namespace pgfence::bot
