#include "analyze/catalog.hpp"

#include <algorithm>

#include "analyze/names.hpp"

namespace pgfence::analyze {

RelationInfo* Catalog::find(const std::string& relname) {
    auto it = m_relations.find(relname);
    return it == m_relations.end() ? nullptr : &it->second;
}

const RelationInfo* Catalog::find(const std::string& relname) const {
    auto it = m_relations.find(relname);
    return it == m_relations.end() ? nullptr : &it->second;
}

RelationInfo& Catalog::add(const std::string& relname, const std::string& display, const std::string& kind) {
    RelationInfo& info = m_relations[relname];
    info = RelationInfo{};
    info.relname = relname;
    info.display = display;
    info.kind = kind;
    return info;
}

void Catalog::remove(const std::string& relname) {
    for (auto& [name, info] : m_relations) {
        std::erase(info.children, relname);
        std::erase(info.references, relname);
        std::erase(info.referenced_by, relname);
        std::erase_if(info.foreign_keys, [&](const auto& fk) { return fk.second.target == relname; });
        if (info.default_partition == relname) info.default_partition.clear();
    }
    m_relations.erase(relname);
}

void Catalog::mark_existing() {
    for (auto& [name, info] : m_relations) info.is_new = false;
}

void Catalog::add_domain(const std::string& name, bool has_constraints) { m_domains[name] = has_constraints; }

void Catalog::remove_domain(const std::string& name) {
    m_domains.erase(name);
    m_types.erase(name);
}

std::optional<bool> Catalog::domain_has_constraints(const std::string& name) const {
    auto it = m_domains.find(name);
    if (it == m_domains.end()) return std::nullopt;
    return it->second;
}

void Catalog::add_type(const std::string& name) { m_types.insert(name); }

bool Catalog::is_known_type(const std::string& name) const { return m_types.count(name) > 0 || m_domains.count(name) > 0; }

namespace {

// The new name, keeping the schema the old display name was qualified with.
std::string renamed_display(const std::string& old_display, const std::string& to) {
    std::size_t dot = std::string::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < old_display.size(); ++i) {
        if (old_display[i] == '"') quoted = !quoted;
        else if (old_display[i] == '.' && !quoted) dot = i;
    }
    return (dot == std::string::npos ? std::string() : old_display.substr(0, dot + 1)) + quote_ident(to);
}

}  // namespace

void Catalog::rename(const std::string& from, const std::string& to) {
    auto node = m_relations.extract(from);
    if (node.empty()) return;
    node.key() = to;
    node.mapped().relname = to;
    node.mapped().display = renamed_display(node.mapped().display, to);
    m_relations.insert(std::move(node));
    for (auto& [name, info] : m_relations) {
        for (auto* list : {&info.children, &info.references, &info.referenced_by, &info.default_sequences}) {
            std::replace(list->begin(), list->end(), from, to);
        }
        if (info.index_table == from) info.index_table = to;
        if (info.parent == from) info.parent = to;
        if (info.default_partition == from) info.default_partition = to;
        if (info.owned_by == from) info.owned_by = to;
        for (auto& [n, fk] : info.foreign_keys) {
            if (fk.target == from) fk.target = to;
        }
        if (auto uses = info.column_uses.extract(from); !uses.empty()) {
            uses.key() = to;
            info.column_uses.insert(std::move(uses));
        }
        for (auto& [rel, display] : info.sources) {
            if (rel == from) {
                rel = to;
                display = renamed_display(display, to);
            }
        }
    }
}

ColumnInfo* Catalog::column(const std::string& relname, const std::string& column) {
    RelationInfo* rel = find(relname);
    if (rel == nullptr) return nullptr;
    auto it = rel->column_index.find(column);
    return it == rel->column_index.end() ? nullptr : &rel->columns[it->second];
}

void Catalog::add_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns) {
    for (const ColumnInfo& c : columns) {
        rel.column_index.emplace(c.name, rel.columns.size());  // a duplicate keeps the first, as a scan would
        rel.columns.push_back(c);
    }
}

void Catalog::set_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns) {
    rel.columns.clear();
    rel.column_index.clear();
    add_columns(rel, columns);
}

void Catalog::drop_column(const std::string& relname, const std::string& column) {
    RelationInfo* rel = find(relname);
    if (rel == nullptr || rel->column_index.count(column) == 0) return;
    std::vector<ColumnInfo> kept;
    kept.reserve(rel->columns.size());
    for (auto& c : rel->columns) {
        if (c.name != column) kept.push_back(std::move(c));
    }
    set_columns(*rel, kept);
}

void Catalog::rename_column(const std::string& relname, const std::string& from, const std::string& to) {
    RelationInfo* rel = find(relname);
    if (rel == nullptr) return;
    auto it = rel->column_index.find(from);
    if (it == rel->column_index.end()) return;
    rel->columns[it->second].name = to;
    std::vector<ColumnInfo> all = std::move(rel->columns);
    set_columns(*rel, all);  // another column may carry either name: the first of each wins again
    // Indexes and foreign keys refer to the column by number: they follow the new name.
    for (auto& [n, fk] : rel->foreign_keys) std::replace(fk.columns.begin(), fk.columns.end(), from, to);
    for (auto& [name, info] : m_relations) {
        if (info.kind != "index" || info.index_table != relname || !info.index) continue;
        std::replace(info.index->keys.begin(), info.index->keys.end(), from, to);
        if (info.index->uses.erase(from) > 0) info.index->uses.insert(to);
    }
    // So do views.
    for (auto& [name, info] : m_relations) {
        auto uses = info.column_uses.find(relname);
        if (uses != info.column_uses.end() && uses->second.erase(from) > 0) uses->second.insert(to);
    }
}

std::vector<const RelationInfo*> Catalog::views_using_column(const std::string& relname,
                                                             const std::string& column) const {
    std::vector<const RelationInfo*> out;
    for (const auto& [name, info] : m_relations) {
        auto uses = info.column_uses.find(relname);
        if (uses != info.column_uses.end() && (uses->second.count(column) > 0 || uses->second.count("*") > 0)) {
            out.push_back(&info);
        }
    }
    return out;
}

std::vector<Catalog::ForeignKeyRef> Catalog::foreign_keys_to(const std::string& target) const {
    std::vector<ForeignKeyRef> out;
    for (const auto& [relname, info] : m_relations) {
        for (const auto& [name, key] : info.foreign_keys) {
            if (key.target == target) out.push_back({relname, info.display, name, key});
        }
    }
    return out;
}

std::vector<std::string> Catalog::tables_using_type(const std::string& type) const {
    std::vector<std::string> out;
    for (const auto& [name, info] : m_relations) {
        for (const auto& c : info.columns) {
            if (type_base(c.type) == type) {
                out.push_back(name);
                break;
            }
        }
    }
    return out;
}

std::vector<std::string> Catalog::descendants(const std::string& relname) const {
    std::vector<std::string> out;
    const RelationInfo* rel = find(relname);
    if (rel == nullptr) return out;
    for (const auto& child : rel->children) {
        if (std::find(out.begin(), out.end(), child) != out.end()) continue;
        out.push_back(child);
        for (auto& grandchild : descendants(child)) out.push_back(grandchild);
    }
    return out;
}

std::vector<const RelationInfo*> Catalog::indexes_of(const std::string& table) const {
    std::vector<const RelationInfo*> out;
    for (const auto& [name, info] : m_relations) {
        if (info.kind == "index" && info.index_table == table) out.push_back(&info);
    }
    return out;
}

bool index_leads_with(const IndexDef& index, const std::vector<std::string>& columns) {
    if (index.partial || columns.empty() || index.keys.size() < columns.size()) return false;
    // The referential action looks rows up by equality: a B-tree's leading keys serve it in any
    // order; a hash index has a single key.
    if (index.method == "hash") return columns.size() == 1 && index.keys[0] == columns[0];
    if (index.method != "btree") return false;
    std::vector<std::string> leading(index.keys.begin(), index.keys.begin() + static_cast<long>(columns.size()));
    std::vector<std::string> wanted = columns;
    std::sort(leading.begin(), leading.end());
    std::sort(wanted.begin(), wanted.end());
    return leading == wanted;
}

namespace {

std::string fold_alias(const std::string& name) {
    static const std::map<std::string, std::string> k_aliases = {
        {"integer", "int4"}, {"int", "int4"}, {"smallint", "int2"}, {"bigint", "int8"},
        {"boolean", "bool"}, {"real", "float4"}, {"double precision", "float8"},
        {"character varying", "varchar"}, {"character", "bpchar"},
        {"decimal", "numeric"}, {"timestamp without time zone", "timestamp"},
        {"timestamp with time zone", "timestamptz"}, {"time without time zone", "time"},
        {"time with time zone", "timetz"}, {"bit varying", "varbit"},
        {"serial", "int4"}, {"serial4", "int4"}, {"bigserial", "int8"}, {"serial8", "int8"},
        {"smallserial", "int2"}, {"serial2", "int2"}};
    auto it = k_aliases.find(name);
    return it == k_aliases.end() ? name : it->second;
}

}  // namespace

std::string canonical_type(const TypeName* type_name) {
    if (type_name == nullptr || type_name->names == nullptr) return {};
    std::vector<std::string_view> parts;
    for (const pg::Node* n : pg::each(type_name->names)) parts.push_back(pg::text(n));
    if (parts.size() == 2 && parts[0] == "pg_catalog") parts.erase(parts.begin());
    std::string base;
    for (auto p : parts) (base += base.empty() ? "" : ".") += p;
    base = fold_alias(base);
    std::string mods;
    for (const pg::Node* m : pg::each(type_name->typmods)) {
        std::string v;
        if (const A_Const* c = pg::as<A_Const>(m); c != nullptr && !c->isnull) {
            if (c->val.node.type == T_Integer) v = std::to_string(c->val.ival.ival);
            else if (c->val.node.type == T_String) v = pg::text(c->val.sval.sval);
        } else if (pg::is<ColumnRef>(m)) {
            v = "?";
        }
        mods += (mods.empty() ? "" : ",") + v;
    }
    // Bare char means char(1); timestamp/time precision lists come as typmods too.
    if (base == "bpchar" && mods.empty() && parts.size() == 2) mods = "1";
    std::string out = base;
    if (!mods.empty()) out += "(" + mods + ")";
    if (type_name->arrayBounds != nullptr) out += "[]";
    return out;
}

std::string type_base(const std::string& canonical) {
    auto p = canonical.find_first_of("([");
    return p == std::string::npos ? canonical : canonical.substr(0, p);
}

}  // namespace pgfence::analyze
