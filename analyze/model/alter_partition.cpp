#include "analyze/model/alter_table_parts.hpp"
#include <utility>
#include "analyze/parse/names.hpp"

namespace pgfence::analyze::model::alter {

void attach_partition(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                      StatementFacts& facts, Context& ctx) {
    const PartitionCmd* pc = pg::as<PartitionCmd>(cmd.def);
    if (pc == nullptr || pc->name == nullptr) return;
    const RangeVar* part = pc->name;
    std::string part_name(pg::relname(part));
    raise(acc, lock.mode, std::string(lock.label) + " " + pg::display_name(part), lock.recurses);
    if (t.kind == "index") {
        lock_range_var(facts, ctx, part, k_partition, "ATTACH PARTITION: the partition's index", "index");
        // Both indexes' tables are opened to check that they match.
        for (const std::string& index : {t.relname, part_name}) {
            const RelationInfo* info = std::as_const(ctx.catalog).find(index);
            if (info && !info->index_table.empty()) {
                add_lock(facts, ctx, info->index_table, display_of(ctx, info->index_table), M::AccessShare, "",
                         "ATTACH PARTITION: the index's table");
            }
        }
        return;
    }
    lock_range_var(facts, ctx, part, k_partition, "ATTACH PARTITION: the table becoming a partition");
    lock_descendants(facts, ctx, part_name, k_partition, "ATTACH PARTITION: the table becoming a partition");
    // A CHECK validated by an earlier migration may prove the bound (PartConstraintImpliedByRelConstraint):
    // then no row is read. The plan's own shape (attach-partition-scan's recipe) is such a CHECK.
    const RelationInfo* partition = std::as_const(ctx.catalog).find(std::string(pg::relname(part)));
    auto validated = partition == nullptr ? std::map<std::string, CheckInfo>::const_iterator{}
                                          : std::find_if(partition->checks.begin(), partition->checks.end(),
                                                         [](const auto& c) { return c.second.validated; });
    if (partition != nullptr && validated != partition->checks.end()) {
        facts.notes.push_back("ATTACH PARTITION: the validated CHECK " + quote_ident(validated->first) + " on " +
                              pg::display_name(part) + " is taken as proof of the bound if it implies it; if not, every row is read");
    } else {
        add_scan(facts, pg::display_name(part),
                 "ATTACH PARTITION: every row is checked against the partition bound unless a CHECK constraint already proves it",
                 false);
    }
    partition_foreign_keys(t.relname, true, "ATTACH PARTITION", facts, ctx);
    // The new partition's constraint includes its parent's own (generate_partition_qual),
    // which opens every partitioned table above it.
    for (std::string above = t.relname; const RelationInfo* p = std::as_const(ctx.catalog).find(above);) {
        const RelationInfo* up = std::as_const(ctx.catalog).find(p->parent);
        if (up == nullptr || up->kind != "partitioned table" || above == p->parent) break;
        add_lock(facts, ctx, p->parent, up->display, M::AccessShare, "",
                 "ATTACH PARTITION: the partition constraint of " + p->display + " comes from its own parent");
        above = p->parent;
    }
    RelationInfo* parent = ctx.catalog.find(t.relname);
    if (parent == nullptr) {
        facts.notes.push_back("if " + t.display + " has a DEFAULT partition, it is locked ACCESS EXCLUSIVE and scanned");
        return;
    }
    parent->children.push_back(part_name);
    bool as_default = pc->bound != nullptr && pc->bound->is_default;
    if (as_default) {
        parent->default_partition = part_name;
    } else if (!parent->default_partition.empty()) {
        std::string display = display_of(ctx, parent->default_partition);
        add_lock(facts, ctx, parent->default_partition, display, k_partition, "",
                 "ATTACH PARTITION: the default partition is checked for rows of the new bound");
        add_scan(facts, display, "ATTACH PARTITION: the default partition is scanned for rows that belong to the new partition");
    }
    if (auto* child = ctx.catalog.find(part_name)) child->parent = t.relname;
}

void detach_partition(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                      StatementFacts& facts, Context& ctx) {
    const PartitionCmd* pc = pg::as<PartitionCmd>(cmd.def);
    if (pc == nullptr || pc->name == nullptr) return;
    std::string part(pg::relname(pc->name));
    bool concurrent = pc->concurrent;
    if (concurrent && ctx.pg_version < 14) facts.notes.push_back("DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later");
    raise(acc, lock.mode, std::string(lock.label), lock.recurses);
    // CONCURRENTLY: SHARE UPDATE EXCLUSIVE in the first transaction; the second one, after
    // waiting out every query that saw the partition, takes ACCESS EXCLUSIVE on it.
    lock_range_var(facts, ctx, pc->name, k_partition,
                   concurrent ? "DETACH PARTITION CONCURRENTLY: the partition, in its second transaction"
                              : "DETACH PARTITION: the partition");
    if (concurrent) facts.no_transaction_block = true;
    partition_foreign_keys(t.relname, false, concurrent ? "DETACH PARTITION CONCURRENTLY" : "DETACH PARTITION", facts, ctx);
    RelationInfo* parent = ctx.catalog.find(t.relname);
    if (parent == nullptr) return;
    if (!parent->default_partition.empty() && parent->default_partition != part && !concurrent) {
        add_lock(facts, ctx, parent->default_partition, display_of(ctx, parent->default_partition), k_partition, "",
                 "DETACH PARTITION: the default partition's constraint changes");
    }
    if (parent->default_partition == part) parent->default_partition.clear();
    erase(parent->children, part);
    if (auto* child = ctx.catalog.find(part)) child->parent.clear();
}

}  // namespace pgfence::analyze::model::alter
