#include "stats/known_schema.hpp"

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_tree.hpp"

namespace pgfence::stats {
namespace {

using namespace pgfence::analyze;

const ColumnStats* column_of(const TableStats& table, const std::string& name) {
    for (const auto& c : table.columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

}  // namespace

std::string canonical_from_format_type(const std::string& type) {
    ParsedStatement parsed = parse_statement("CREATE TABLE pgfence_probe (c " + type + ")");
    const CreateStmt* create = pg::as<CreateStmt>(parsed.stmt);
    const ColumnDef* column = create != nullptr ? pg::as<ColumnDef>(pg::nth(create->tableElts, 0)) : nullptr;
    return column != nullptr ? canonical_type(column->typeName) : std::string();
}

SnapshotSchema::SnapshotSchema(const Snapshot& snapshot) : m_index(snapshot), m_has_columns(snapshot.has_columns) {}

std::optional<CurrentColumn> SnapshotSchema::current_column(const std::string& relation, const std::string& column) const {
    if (!m_has_columns) return std::nullopt;
    const TableStats* table = m_index.find(relation);
    if (table == nullptr) return std::nullopt;
    const ColumnStats* current = column_of(*table, column);
    if (current == nullptr) return std::nullopt;
    std::string canonical = canonical_from_format_type(current->type);
    if (canonical.empty()) return std::nullopt;
    return CurrentColumn{canonical, current->type, current->not_null, "the stats snapshot"};
}

std::optional<IndexOwner> SnapshotSchema::index_owner(const std::string& index) const {
    const TableStats* table = m_index.index_owner(index);
    if (table == nullptr) return std::nullopt;
    // An index lives in its table's schema: qualify the table as the index was qualified.
    std::vector<std::string> parts = split_name(index);
    std::string display = quote_ident(table->name);
    if (parts.size() >= 2) display = quote_ident(table->schema) + "." + display;
    return IndexOwner{table->name, display, table->kind == "partitioned table", "the stats snapshot"};
}

}  // namespace pgfence::stats
