#include "analyze/plan/plan_index_order.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <string>

#include "analyze/model/catalog.hpp"

namespace pgfence::analyze::plan_index_order {
namespace {

enum class Kind { other, drop, build };

Kind kind_of(const pg::Node* node) {
    if (const auto* drop = pg::as<DropStmt>(node); drop != nullptr && drop->removeType == OBJECT_INDEX) return Kind::drop;
    if (pg::is<IndexStmt>(node)) return Kind::build;
    return Kind::other;
}

// Whether the run [from, to) of statement indexes (drops and builds only) may build first.
bool may_reorder(const std::vector<const pg::Node*>& stmts, const std::vector<std::size_t>& run, const Catalog* start) {
    std::set<std::string> freed;
    bool drop_before_build = false;
    bool dropped = false;
    for (std::size_t i : run) {
        if (kind_of(stmts[i]) == Kind::drop) {
            const auto* drop = pg::as<DropStmt>(stmts[i]);
            if (drop->behavior == DROP_CASCADE) return false;
            for (const List* items : pg::each<List>(drop->objects)) {
                if (pg::length(items) == 0) return false;
                std::string name(pg::last_name(items));
                const RelationInfo* info = start->find(name);
                if (info == nullptr || !info->index || info->index->unique) return false;
                freed.insert(name);
            }
            dropped = true;
            continue;
        }
        drop_before_build = drop_before_build || dropped;
    }
    if (!drop_before_build) return false;
    for (std::size_t i : run) {
        const auto* build = pg::as<IndexStmt>(stmts[i]);
        if (build == nullptr) continue;
        if (build->idxname == nullptr || freed.contains(build->idxname)) return false;
    }
    return true;
}

}  // namespace

Order planned_order(const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down, std::size_t count,
                    const Catalog* start) {
    Order out;
    out.statements.resize(count);
    std::iota(out.statements.begin(), out.statements.end(), std::size_t{0});
    if (start == nullptr) return out;
    auto planned = [&](std::size_t i) { return !(i < down.size() && down[i]); };
    std::size_t i = 0;
    while (i < count) {
        if (!planned(i) || i >= stmts.size() || kind_of(stmts[i]) == Kind::other) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < count && end < stmts.size() && planned(end) && kind_of(stmts[end]) != Kind::other) ++end;
        std::vector<std::size_t> run(out.statements.begin() + static_cast<std::ptrdiff_t>(i),
                                     out.statements.begin() + static_cast<std::ptrdiff_t>(end));
        if (may_reorder(stmts, run, start)) {
            std::stable_partition(out.statements.begin() + static_cast<std::ptrdiff_t>(i),
                                  out.statements.begin() + static_cast<std::ptrdiff_t>(end),
                                  [&](std::size_t k) { return kind_of(stmts[k]) == Kind::build; });
            out.moved = true;
        }
        i = end;
    }
    return out;
}

}  // namespace pgfence::analyze::plan_index_order
