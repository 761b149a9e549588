#pragma once
// Finds the snapshot table a relation name from the analysis refers to: the name as the
// SQL wrote it (quote_ident form, "schema.name" or "name"), resolved the way PostgreSQL would.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/snapshot.hpp"

namespace pgfence::stats {

// A table's size with its partitions / inheritance children added (a partitioned table
// holds no rows itself).
struct TableSize {
    const TableStats* table = nullptr;
    std::optional<double> rows;  // empty when no part of it has an estimate
    std::int64_t table_bytes = 0;
    std::int64_t total_bytes = 0;
    int partitions = 0;  // descendants added in
};

// The parts of a written name: quoted parts kept exactly, unquoted ones folded to lower case.
[[nodiscard]] std::vector<std::string> split_name(std::string_view written);

class SnapshotIndex {
public:
    explicit SnapshotIndex(const Snapshot& snapshot);

    // "schema.name" resolves exactly; "name" through the snapshot's search_path (public when
    // it has none). An index name resolves to the table it belongs to.
    [[nodiscard]] const TableStats* find(std::string_view written) const;
    // The table of the index `written` names, resolved through the search_path as PostgreSQL
    // resolves a relation name (the first schema with a relation of that name wins); nullptr
    // when the name is not an index of the snapshot.
    [[nodiscard]] const TableStats* index_owner(std::string_view written) const;
    [[nodiscard]] TableSize size_of(const TableStats& table) const;

private:
    // The schemas a written name's parts are looked up in, in order.
    [[nodiscard]] std::vector<std::string> schemas_for(const std::vector<std::string>& parts) const;

    const Snapshot& m_snapshot;
    std::map<std::pair<std::string, std::string>, const TableStats*> m_tables;   // (schema, name)
    std::map<std::pair<std::string, std::string>, const TableStats*> m_indexes;  // (schema, index name) -> table
    std::map<std::string, std::vector<const TableStats*>> m_children;            // parent "schema.name"
};

}  // namespace pgfence::stats
