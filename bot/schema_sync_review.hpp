#pragma once
// `pgfence pr` and schema synchronisation from models (analyze/tools/schema_sync.hpp): where the
// head turns on TypeORM's synchronize or Sequelize's sync({ alter }) / sync({ force }), an entity
// or model file the pull request adds or changes is an unknown statement (the DDL is computed when
// the application starts), and so is a changed line that turns it on.
#include <set>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/base/error.hpp"
#include "diff/change_set.hpp"
#include "diff/repository.hpp"

namespace pgfence::bot {

// Appends to `added` those files (not already in `listed`, which it extends).
[[nodiscard]] analyze::Result<bool> add_schema_sync_reports(const diff::Repository& repo, const diff::ChangeSet& changes,
                                                            const analyze::AnalyzeOptions& options, std::set<std::string>& listed,
                                                            std::vector<analyze::FileReport>& added);

}  // namespace pgfence::bot
