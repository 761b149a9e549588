#include "stats/lookup.hpp"

#include <cctype>
#include <set>

namespace pgfence::stats {

std::vector<std::string> split_name(std::string_view written) {
    std::vector<std::string> parts(1);
    bool quoted = false;
    for (std::size_t i = 0; i < written.size(); ++i) {
        char c = written[i];
        if (quoted) {
            if (c == '"' && i + 1 < written.size() && written[i + 1] == '"') {
                parts.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                parts.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == '.') {
            parts.emplace_back();
        } else if (c != ' ') {
            // Unquoted identifiers fold to lower case (ASCII only, as PostgreSQL does for
            // identifiers in a UTF-8 database).
            parts.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return parts;
}

SnapshotIndex::SnapshotIndex(const Snapshot& snapshot) : m_snapshot(snapshot) {
    for (const auto& t : snapshot.tables) {
        m_tables[{t.schema, t.name}] = &t;
        for (const auto& i : t.indexes) m_indexes[{t.schema, i.name}] = &t;
        if (t.parent) m_children[*t.parent].push_back(&t);
    }
}

std::vector<std::string> SnapshotIndex::schemas_for(const std::vector<std::string>& parts) const {
    if (parts.size() >= 2) return {parts[parts.size() - 2]};
    return m_snapshot.search_path.empty() ? std::vector<std::string>{"public"} : m_snapshot.search_path;
}

const TableStats* SnapshotIndex::find(std::string_view written) const {
    std::vector<std::string> parts = split_name(written);
    if (parts.empty() || parts.back().empty()) return nullptr;
    std::vector<std::string> schemas = schemas_for(parts);
    const std::string& name = parts.back();
    for (const auto& schema : schemas) {
        if (auto t = m_tables.find({schema, name}); t != m_tables.end()) return t->second;
    }
    for (const auto& schema : schemas) {
        if (auto i = m_indexes.find({schema, name}); i != m_indexes.end()) return i->second;
    }
    return nullptr;
}

const TableStats* SnapshotIndex::index_owner(std::string_view written) const {
    std::vector<std::string> parts = split_name(written);
    if (parts.empty() || parts.back().empty()) return nullptr;
    std::vector<std::string> schemas = schemas_for(parts);
    const std::string& name = parts.back();
    for (const auto& schema : schemas) {
        if (m_tables.count({schema, name}) > 0) return nullptr;  // a table of that name comes first
        if (auto i = m_indexes.find({schema, name}); i != m_indexes.end()) return i->second;
    }
    return nullptr;
}

TableSize SnapshotIndex::size_of(const TableStats& table) const {
    TableSize out;
    out.table = &table;
    std::set<const TableStats*> seen;
    std::vector<const TableStats*> todo{&table};
    while (!todo.empty()) {
        const TableStats* t = todo.back();
        todo.pop_back();
        if (!seen.insert(t).second) continue;
        if (t != &table) ++out.partitions;
        if (t->rows) out.rows = out.rows.value_or(0) + *t->rows;
        out.table_bytes += t->table_bytes;
        out.total_bytes += t->total_bytes;
        if (auto c = m_children.find(t->qualified()); c != m_children.end()) {
            for (const TableStats* child : c->second) todo.push_back(child);
        }
    }
    return out;
}

}  // namespace pgfence::stats
