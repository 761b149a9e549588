#pragma once
// A capture's migrations judged (docs/capture.md, "Per migration" and "Analysis"): each migration's
// statements analysed as plain SQL on the schema the earlier ones built, reported at the file its
// bookkeeping write names. Shared by `pgfence capture` (the command it ran) and `pgfence pr
// --capture FILE` (a record an earlier step of the job wrote).
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "capture/migration_files.hpp"
#include "capture/migrations.hpp"
#include "capture/record_json.hpp"

namespace pgfence::bot {

struct CaptureJudgement {
    std::vector<analyze::FileReport> files;  // one per migration worth a report, in the order they ran
    // Per reported file: the captured SQL judged there (what an approval of it binds to).
    std::map<std::string, std::string> captured_sql;
    // What pgfence could not see of the whole run (no migration recognised, ...): add_run_unknowns.
    std::vector<std::string> unseen;
    bool failed_migration = false;  // the server rejected a statement (each said on an error: line)
    bool unreadable = false;        // a statement whose text is not what ran (each said on an error: line)
    std::size_t looked = 0;         // reads of the system catalogs left out
    std::size_t quiet = 0;          // reads and session settings outside any migration, not reported
    std::size_t closed = 0;         // migrations recognised
    bool forged = false;            // the tool's record was rewritten (capture/migrations.hpp, forged)
};

// `where` names the files' place in messages ("under ./app (--root)", "in the head commit").
// The statements are read as plain SQL (input_format Sql), with no plan check, whatever `options` say.
[[nodiscard]] CaptureJudgement judge_capture(std::vector<capture::CapturedMigration>& migrations,
                                             const capture::MigrationFiles& files, const std::string& where,
                                             const analyze::AnalyzeOptions& options, std::ostream& err);

// What the run's facts leave unseen (a session that bypassed the proxy, a server that cannot count
// them, a process that outlived the command, a command that did not finish), for `unseen`.
[[nodiscard]] std::vector<std::string> run_unseen(const capture::RunFacts& run);

// Each of `unseen` as an unknown statement of one more report, `<capture>`.
void add_run_unknowns(std::vector<analyze::FileReport>& files, const std::vector<std::string>& unseen,
                      const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
