#include "stats/column_types.hpp"

#include "analyze/catalog.hpp"
#include "analyze/json_access.hpp"
#include "analyze/pg_parser.hpp"

namespace pgfence::stats {
namespace {

using namespace pgfence::analyze;
using json = analyze::Node;

const ColumnStats* column_of(const TableStats& table, const std::string& name) {
    for (const auto& c : table.columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

}  // namespace

std::string canonical_from_format_type(const std::string& type) {
    ParsedStatement parsed = parse_statement("CREATE TABLE pgfence_probe (c " + type + ")");
    if (parsed.kind != "CreateStmt") return {};
    const json& elements = member(member(parsed.node, "CreateStmt"), "tableElts");
    if (!elements.is_array() || elements.empty()) return {};
    return canonical_type(member(member(elements[0], "ColumnDef"), "typeName"));
}

SnapshotColumns::SnapshotColumns(const Snapshot& snapshot) : m_index(snapshot) {}

std::optional<CurrentColumn> SnapshotColumns::current_column(const std::string& relation, const std::string& column) const {
    const TableStats* table = m_index.find(relation);
    if (table == nullptr) return std::nullopt;
    const ColumnStats* current = column_of(*table, column);
    if (current == nullptr) return std::nullopt;
    std::string canonical = canonical_from_format_type(current->type);
    if (canonical.empty()) return std::nullopt;
    return CurrentColumn{canonical, current->type, current->not_null, "the stats snapshot"};
}

}  // namespace pgfence::stats
