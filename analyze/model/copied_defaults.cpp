// DEFAULTs copied from one table to another (copied_defaults.hpp).
#include "analyze/model/copied_defaults.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace pgfence::analyze {
namespace {

constexpr std::string_view k_default = "DEFAULT of ";

// A column's DEFAULT (function_attach.cpp Collector::column, AT_ColumnDefault), not a domain's
// CHECK reached through it, a trigger, a CHECK or an index.
bool column_default(const AttachedFunction& f) {
    return f.via.starts_with(k_default) && (f.events & AttachedFunction::Event::Insert) != 0 && f.trigger.empty() && f.index.empty() &&
           f.constraint.empty();
}

// The column of a DEFAULT's `via` ("DEFAULT of audit.who": "who"), "" when not known.
std::string column_of(const std::string& via) {
    const std::string_view head = std::string_view(via).substr(0, via.find(", "));
    const std::size_t dot = head.rfind('.');
    return dot == std::string_view::npos || dot < k_default.size() ? std::string() : std::string(head.substr(dot + 1));
}

}  // namespace

void copied_defaults(const CreateStmt* create, const Catalog& catalog, std::vector<Attachment>& out) {
    if (create == nullptr || create->relation == nullptr) return;
    const std::string relname(pg::relname(create->relation));
    const RelationInfo* self = catalog.find(relname);
    const std::string table = self != nullptr ? self->display : pg::display_name(create->relation);
    // The new table's own DEFAULTs replace an inherited one's (PostgreSQL MergeAttributes).
    std::set<std::string> own;
    for (const ColumnDef* def : pg::each<ColumnDef>(create->tableElts)) {
        bool has = def->raw_default != nullptr;
        for (const Constraint* c : pg::each<Constraint>(def->constraints)) has = has || c->contype == CONSTR_DEFAULT;
        if (has && def->colname != nullptr) own.insert(def->colname);
    }
    auto copy = [&](const RangeVar* source, const char* how) {
        if (source == nullptr) return;
        const RelationInfo* src = catalog.find(std::string(pg::relname(source)));
        if (src == nullptr) return;
        for (const AttachedFunction& f : src->attached) {
            if (out.size() > 2 * k_max_attached) return;  // the new table overflows anyway
            if (!column_default(f)) continue;
            const std::string column = column_of(f.via);
            if (!column.empty() && own.count(column) > 0) continue;
            Attachment a;
            a.relname = relname;
            a.function = f;
            a.function.via = k_default;
            a.function.via += table + "." + (column.empty() ? "?" : column) + ", copied from " + src->display + " by " + how;
            a.function.events = AttachedFunction::Event::Insert;
            out.push_back(std::move(a));
        }
    };
    for (const TableLikeClause* like : pg::each<TableLikeClause>(create->tableElts)) {
        if ((like->options & CREATE_TABLE_LIKE_DEFAULTS) != 0) copy(like->relation, "LIKE ... INCLUDING DEFAULTS");
    }
    for (const RangeVar* parent : pg::each<RangeVar>(create->inhRelations)) copy(parent, create->partbound != nullptr ? "PARTITION OF" : "INHERITS");
}

void inherited_defaults(const AlterTableStmt* alter, const Catalog& catalog, std::vector<Attachment>& out, std::size_t first) {
    if (alter == nullptr || alter->relation == nullptr || !alter->relation->inh || first >= out.size()) return;
    const std::size_t end = out.size();
    for (const std::string& child : catalog.descendants(std::string(pg::relname(alter->relation)))) {
        const RelationInfo* rel = catalog.find(child);
        if (rel == nullptr) continue;
        for (std::size_t i = first; i < end && out.size() < end + 2 * k_max_attached; ++i) {
            Attachment a = out[i];
            a.relname = child;
            a.function.via += ", which " + rel->display + " inherits";
            out.push_back(std::move(a));
        }
    }
}

}  // namespace pgfence::analyze
