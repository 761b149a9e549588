#pragma once
// ALTER COLUMN ... TYPE decided exactly when the snapshot has column types (extract-stats
// --schema): the analyzer alone cannot know the current type of a column the migration
// did not create, so it reports "may rewrite" at MEDIUM.
#include "analyze/facts.hpp"
#include "stats/lookup.hpp"

namespace pgfence::stats {

// For each uncertain alter-column-type-rewrite finding whose column the snapshot knows:
// a binary-coercible change drops the finding and its rewrite (and says so in a note); a
// rewriting one becomes certain at the rule's HIGH. Returns how many were decided.
int decide_type_changes(analyze::FileReport& file, const SnapshotIndex& index, int pg_version);

// A format_type() text ("character varying(50)") in the analyzer's canonical form ("varchar(50)").
[[nodiscard]] std::string canonical_from_format_type(const std::string& type);

}  // namespace pgfence::stats
