#pragma once
// The snapshot's column types (extract-stats --schema) as the analysis's outside source of
// current types: the analyzer alone cannot know the type of a column the migration did not
// create, so without them ALTER COLUMN ... TYPE is "may rewrite" at MEDIUM.
#include <optional>
#include <string>

#include "analyze/column_types.hpp"
#include "stats/lookup.hpp"

namespace pgfence::stats {

// Tables resolved as the size pass resolves them; types in canonical_type() form. Safe for
// concurrent calls (the index is read-only once built).
class SnapshotColumnTypes final : public analyze::ColumnTypeSource {
public:
    explicit SnapshotColumnTypes(const Snapshot& snapshot);
    [[nodiscard]] std::optional<analyze::CurrentType> current_type(const std::string& relation,
                                                                   const std::string& column) const override;

private:
    SnapshotIndex m_index;
};

// A format_type() text ("character varying(50)") in the analyzer's canonical form ("varchar(50)").
[[nodiscard]] std::string canonical_from_format_type(const std::string& type);

}  // namespace pgfence::stats
