#include "analyze/model/model.hpp"
#include "analyze/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

// The relations a query reads, by the name its column references use for each (the alias, else
// the relation's own name), with their relnames.
struct Source {
    std::string ref_name;
    std::string relname;
};

void collect(const pg::Node* node, const std::vector<Source>& sources, const Catalog& catalog,
             std::map<std::string, std::set<std::string>>& uses);

// Every column of `relname` the catalog knows, or "*" when it does not know them: `SELECT *`
// depends on the columns the relation has when the view is made.
void use_all(const std::string& relname, const Catalog& catalog, std::map<std::string, std::set<std::string>>& uses) {
    const RelationInfo* rel = catalog.find(relname);
    if (rel == nullptr || rel->columns.empty()) {
        uses[relname].insert("*");
        return;
    }
    for (const ColumnInfo& c : rel->columns) uses[relname].insert(c.name);
}

void column_ref(const ColumnRef* ref, const std::vector<Source>& sources, const Catalog& catalog,
                std::map<std::string, std::set<std::string>>& uses) {
    int n = pg::length(ref->fields);
    if (n == 0) return;
    bool star = pg::is<A_Star>(pg::last(ref->fields));
    if (n == 1) {
        if (star) {
            for (const Source& s : sources) use_all(s.relname, catalog, uses);
            return;
        }
        // Unqualified: the one source, or every source that has (or may have) the column.
        std::string column(pg::text(pg::nth(ref->fields, 0)));
        for (const Source& s : sources) {
            const RelationInfo* rel = catalog.find(s.relname);
            bool may_have = sources.size() == 1 || rel == nullptr || rel->columns.empty() ||
                            rel->column_index.count(column) > 0;
            if (may_have) uses[s.relname].insert(column);
        }
        return;
    }
    // table.column or schema.table.column: the qualifier names a source.
    std::string qualifier(pg::text(pg::nth(ref->fields, n - 2)));
    for (const Source& s : sources) {
        if (s.ref_name != qualifier) continue;
        if (star) use_all(s.relname, catalog, uses);
        else uses[s.relname].insert(std::string(pg::text(pg::last(ref->fields))));
    }
}

void collect(const pg::Node* node, const std::vector<Source>& sources, const Catalog& catalog,
             std::map<std::string, std::set<std::string>>& uses) {
    if (node == nullptr) return;
    if (const auto* ref = pg::as<ColumnRef>(node)) {
        column_ref(ref, sources, catalog, uses);
        return;
    }
    pg::each_child(node, [&](const pg::Node* child) { collect(child, sources, catalog, uses); });
}

}  // namespace

std::map<std::string, std::set<std::string>> view_column_uses(const pg::Node* query, const Catalog& catalog) {
    std::vector<Source> sources;
    for (const RangeVar* rv : query_range_vars(query)) {
        std::string relname(pg::relname(rv));
        std::string ref_name = rv->alias != nullptr ? std::string(pg::text(rv->alias->aliasname)) : relname;
        sources.push_back({ref_name, relname});
    }
    std::map<std::string, std::set<std::string>> uses;
    collect(query, sources, catalog, uses);
    return uses;
}

}  // namespace pgfence::analyze::model
