#pragma once
// `pgfence pr` and drizzle's migrations journal (issue #53, red team G2). drizzle-orm runs the
// files its `meta/_journal.json` lists, not the folder's files: readMigrationFiles
// (drizzle-orm src/migrator.ts) reads `${migrationsFolder}/${entry.tag}.sql` for each entry, and
// PgDialect.migrate (src/pg-core/dialect.ts) runs every entry whose `when` is later than the
// created_at of the last migration the database recorded. A pull request that edits the journal
// decides what runs.
#include "analyze/base/error.hpp"
#include "analyze/model/facts.hpp"
#include "analyze/analyzer.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// One report per drizzle journal the pull request changed, with a finding at each entry line:
// an entry whose tag leaves the migrations folder or names no file at the head (unknown: what
// runs is not a migration pgfence reviewed), an existing entry whose `when` changed, a removed
// entry, and an added entry for a file the base branch already had (HIGH,
// migration-tool-settings-changed: an old migration runs again, or one that ran is orphaned).
// An added entry whose file the pull request adds is the normal way to add a migration.
[[nodiscard]] analyze::Result<bool> add_drizzle_journal_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                               analyze::Report& report, const analyze::AnalyzeOptions& options);

}  // namespace pgfence::bot
