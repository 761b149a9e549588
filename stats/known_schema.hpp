#pragma once
// The snapshot's columns (extract-stats --schema) as the analysis's outside knowledge of the
// schema: the analyzer alone cannot know the type of a column the migration did not create,
// so without them ALTER COLUMN ... TYPE is "may rewrite" at MEDIUM.
#include <optional>
#include <string>

#include "analyze/model/known_schema.hpp"
#include "stats/lookup.hpp"

namespace pgfence::stats {

// The snapshot's columns (type, NOT NULL; only in snapshots written with --schema) and its
// indexes' tables; names resolved as the size pass resolves them, types in canonical_type()
// form. Safe for concurrent calls (the index is read-only).
class SnapshotSchema final : public analyze::KnownSchema {
public:
    explicit SnapshotSchema(const Snapshot& snapshot);
    [[nodiscard]] std::optional<analyze::CurrentColumn> current_column(const std::string& relation,
                                                                     const std::string& column) const override;
    [[nodiscard]] std::optional<analyze::IndexOwner> index_owner(const std::string& index) const override;

private:
    SnapshotIndex m_index;
    bool m_has_columns = false;
};

// A format_type() text ("character varying(50)") in the analyzer's canonical form ("varchar(50)").
[[nodiscard]] std::string canonical_from_format_type(const std::string& type);

}  // namespace pgfence::stats
