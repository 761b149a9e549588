#include <algorithm>
#include <optional>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

constexpr std::size_t k_name_max = 63;  // NAMEDATALEN - 1

std::string clipped(std::string name) { return name.size() > k_name_max ? name.substr(0, k_name_max) : name; }

bool same_relation(const RangeVar* a, const RangeVar* b) {
    if (pg::relname(a) != pg::relname(b)) return false;
    std::string_view sa = a != nullptr ? pg::text(a->schemaname) : std::string_view();
    std::string_view sb = b != nullptr ? pg::text(b->schemaname) : std::string_view();
    return sa.empty() || sb.empty() || sa == sb;
}

// The partition key column of `parent` when this file creates it with a one-column key.
std::string partition_key(const StatementContext& ctx, const RangeVar* parent) {
    std::string key;
    for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* node) {
        const auto* create = pg::as<CreateStmt>(node);
        if (create == nullptr || create->partspec == nullptr || !same_relation(create->relation, parent)) return false;
        const List* params = create->partspec->partParams;
        if (pg::length(params) == 1) {
            const auto* elem = pg::as<PartitionElem>(pg::nth(params, 0));
            if (elem != nullptr) key = pg::text(elem->name);
        }
        return true;
    });
    return key.empty() ? std::string() : quote_ident(key);
}

// Did an earlier statement validate a CHECK on `relation` (which ATTACH may take as proof)?
bool validated_earlier(const StatementContext& ctx, const std::string& relation) {
    bool found = false;
    for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* node) {
        const auto* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || pg::display_name(alter->relation) != relation) return false;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* con = pg::as<Constraint>(cmd->def);
            found = found || cmd->subtype == AT_ValidateConstraint ||
                    (cmd->subtype == AT_AddConstraint && con != nullptr && con->contype == CONSTR_CHECK &&
                     !con->skip_validation);
        }
        return found;
    });
    return found;
}

// The CHECK condition equivalent to a one-column range or list bound, as written in `sql`.
std::optional<std::string> bound_condition(std::string_view sql, const PartitionBoundSpec* bound, const std::string& key) {
    std::size_t at = static_cast<std::size_t>(std::max(0, bound->location));
    auto inner = [&](Range r) { return split_list(sql.substr(r.begin + 1, r.end - r.begin - 2)); };
    if (bound->strategy == PARTITION_STRATEGY_RANGE) {
        Range lo = group_at(sql, find_keyword(sql, at, sql.size(), "FROM"));
        if (!lo.found()) return std::nullopt;
        Range hi = group_at(sql, find_keyword(sql, lo.end, sql.size(), "TO"));
        if (!hi.found()) return std::nullopt;
        auto low = inner(lo), high = inner(hi);
        if (low.size() != 1 || high.size() != 1) return std::nullopt;
        if (same_word(low[0], "MAXVALUE") || same_word(high[0], "MINVALUE")) return std::nullopt;
        std::string cond = key + " IS NOT NULL";
        if (!same_word(low[0], "MINVALUE")) cond += " AND " + key + " >= " + low[0];
        if (!same_word(high[0], "MAXVALUE")) cond += " AND " + key + " < " + high[0];
        return cond;
    }
    if (bound->strategy == PARTITION_STRATEGY_LIST) {
        Range in = group_at(sql, find_keyword(sql, at, sql.size(), "IN"));
        if (!in.found()) return std::nullopt;
        bool null = false;
        std::string values;
        for (const auto& v : inner(in)) {
            if (same_word(v, "NULL")) null = true;
            else values += (values.empty() ? "" : ", ") + v;
        }
        if (values.empty()) return null ? std::optional<std::string>(key + " IS NULL") : std::nullopt;
        return null ? key + " IS NULL OR " + key + " IN (" + values + ")"
                    : key + " IS NOT NULL AND " + key + " IN (" + values + ")";
    }
    return std::nullopt;
}

Recipe make_recipe(const StatementContext& ctx, const RangeVar* parent_rv, const PartitionCmd* pc,
                   const std::string& partition, const std::string& default_partition) {
    std::string parent = pg::display_name(parent_rv);
    std::string relname(pg::relname(pc->name));
    const PartitionBoundSpec* bound = pc->bound;
    std::string key = partition_key(ctx, parent_rv);
    bool placeholder = key.empty();
    if (placeholder) key = "partition_key";
    Recipe recipe;
    recipe.summary = "Prove the bound with a CHECK validated under a lock that allows reads and writes; ATTACH then skips its scan";
    auto cond = bound == nullptr || bound->is_default ? std::nullopt : bound_condition(ctx.statement.sql, bound, key);
    if (!cond) {
        std::string text =
            bound != nullptr && bound->strategy == PARTITION_STRATEGY_HASH
                ? "A hash bound has no plain CHECK that PostgreSQL matches for every key type. For a key of a\n"
                  "type without a collation (an integer, for example) this one is matched; add it NOT VALID,\n"
                  "then VALIDATE it before the ATTACH:\n"
                  "CHECK (satisfies_hash_partition(" + quote_literal(parent) + "::regclass, " +
                      std::to_string(bound->modulus) + ", " + std::to_string(bound->remainder) +
                      ", " + (placeholder ? std::string("<key>") : key) + "))"
                : "This bound is not a one-column range or list: write a CHECK that matches the partition\n"
                  "constraint exactly (see pg_get_partition_constraintdef on an existing partition), add it\n"
                  "NOT VALID, VALIDATE it, then ATTACH; or attach while " + partition + " is not in use.";
        recipe.steps.push_back({"Before the ATTACH (CHECK to fill in)", comment_lines(text), true});
        return recipe;
    }
    std::string check = quote_ident(clipped(relname + "_bound_check"));
    std::string excl = quote_ident(clipped(relname + "_not_in_default"));
    std::string first, second;
    if (placeholder) {
        first = "-- partition_key stands for the partition key column of " + parent + ": put its name in\n"
                "-- (SELECT pg_get_partkeydef(" + quote_literal(parent) + "::regclass) shows it).\n";
    }
    first += "ALTER TABLE " + partition + " ADD CONSTRAINT " + check + " CHECK (" + *cond + ") NOT VALID;\n";
    second = "ALTER TABLE " + partition + " VALIDATE CONSTRAINT " + check + ";\n";
    std::string drop = "ALTER TABLE " + partition + " DROP CONSTRAINT " + check + ";";
    if (!default_partition.empty()) {
        first += "ALTER TABLE " + default_partition + " ADD CONSTRAINT " + excl + " CHECK (NOT (" + *cond + ")) NOT VALID;\n";
        second += "ALTER TABLE " + default_partition + " VALIDATE CONSTRAINT " + excl + ";\n";
        drop += "\nALTER TABLE " + default_partition + " DROP CONSTRAINT " + excl + ";";
    }
    first += "-- Instant: existing rows are not read yet.";
    // A step whose title says "to fill in" is a template: the plan does not take the recipe.
    recipe.steps.push_back({placeholder ? "Migration 1 (partition key to fill in)" : "Migration 1", first, true});
    recipe.steps.push_back({"Migration 2",
                            "-- VALIDATE reads every row under a lock that lets reads and writes continue; ATTACH then\n"
                            "-- takes the validated CHECK as proof of the bound and skips its own scan.\n" +
                                second + ctx.statement.sql + ";\n" + drop,
                            true});
    return recipe;
}

// CREATE TABLE ... PARTITION OF p FOR VALUES ... while p has a DEFAULT partition: PostgreSQL scans
// the default partition for rows of the new bound, holding ACCESS EXCLUSIVE on it and on p
// (tablecmds.c DefineRelation -> check_default_partition_contents; red team h1 T_DEFPART2,
// PostgreSQL 15: AccessExclusiveLock on events and events_default for the scan). The lock model
// shows the scan; the application's reads and writes of p wait for it.
void check_create_partition(const StatementContext& ctx, const CreateStmt* create, Sink& sink) {
    if (create->partbound == nullptr || create->partbound->is_default || create->relation == nullptr) return;
    const std::string partition = pg::display_name(create->relation);
    for (const auto& scan : ctx.statement.scans) {
        if (scan.relation == partition) continue;
        const LockFact* lock = existing(ctx.statement, scan.relation);
        if (lock == nullptr || validated_earlier(ctx, scan.relation)) continue;
        std::string parents;
        for (const RangeVar* parent : pg::each<RangeVar>(create->inhRelations)) {
            const LockFact* parent_lock = existing(ctx.statement, pg::display_name(parent));
            if (parent_lock != nullptr && blocks_reads_or_writes(*parent_lock)) parents += ", and " + a_lock(*parent_lock);
        }
        Finding& f = sink.add(ctx.statement, "CREATE TABLE " + partition + " PARTITION OF ... reads every row of the default partition " +
                                                 scan.relation + " to check that none belongs in the new partition, holding " +
                                                 a_lock(*lock) + parents + " for as long: the application's reads and writes wait");
        if (!blocks_reads_or_writes(*lock)) f.risk = Risk::Medium;
        else f.risk = Risk::High;
        f.relation = scan.relation;
        f.fix = "add a CHECK (NOT (<the new bound>)) NOT VALID to " + scan.relation + " and VALIDATE it first (the scan is "
                "then skipped), or create the partition before rows of its range reach the default partition";
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* create = ctx.as<CreateStmt>()) return check_create_partition(ctx, create, sink);
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr || stmt->objtype != OBJECT_TABLE) return;  // ALTER INDEX ... ATTACH
    const RangeVar* parent_rv = stmt->relation;
    std::string parent = pg::display_name(parent_rv);
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        const auto* pc = pg::as<PartitionCmd>(cmd->def);
        if (cmd->subtype != AT_AttachPartition || pc == nullptr) continue;
        std::string partition = pg::display_name(pc->name);
        // The scanned relations that others can be using: the partition, and the default partition.
        std::vector<std::pair<const TableEffect*, const LockFact*>> scanned;
        std::string default_partition;
        for (const auto& scan : ctx.statement.scans) {
            const LockFact* lock = existing(ctx.statement, scan.relation);
            if (lock == nullptr || validated_earlier(ctx, scan.relation)) continue;
            scanned.emplace_back(&scan, lock);
            if (scan.relation != partition) default_partition = scan.relation;
        }
        if (scanned.empty()) continue;
        const LockFact* parent_lock = existing(ctx.statement, parent);
        std::string also = parent_lock != nullptr && blocks_reads_or_writes(*parent_lock)
                               ? ", and " + a_lock(*parent_lock) + " for as long"
                               : "";
        Recipe recipe = make_recipe(ctx, parent_rv, pc, partition, default_partition);
        for (const auto& [scan, lock] : scanned) {
            std::string message =
                scan->relation == partition
                    ? "ATTACH PARTITION " + partition + " reads every row of " + partition +
                          " to check it against the partition bound" +
                          (scan->certain ? std::string() : " (unless a validated CHECK constraint already proves it)") +
                          ", holding " + a_lock(*lock) + also
                    : "ATTACH PARTITION " + partition + " reads every row of the default partition " + scan->relation +
                          " to check that none belongs in " + partition + ", holding " + a_lock(*lock) + also;
            Finding& f = sink.add(ctx.statement, message);
            f.subcommand = pg::index_of(stmt->cmds, cmd);
            if (!also.empty()) f.risk = Risk::High;  // before PostgreSQL 12 the whole partitioned table waits
            // The default partition holds rows the application reads and writes, and ATTACH locks it
            // ACCESS EXCLUSIVE for the scan (tablecmds.c ATExecAttachPartition opens it so).
            if (scan->relation != partition && blocks_reads_or_writes(*lock)) f.risk = Risk::High;
            f.relation = scan->relation;
            f.fix = "add a CHECK matching the bound NOT VALID, VALIDATE it, then ATTACH (and drop the CHECK)";
            f.recipe = recipe;
        }
    }
}

}  // namespace

PGFENCE_RULE(attach_partition_scan) {
    return Rule{"attach-partition-scan", Risk::Medium,
                "ATTACH PARTITION (or CREATE TABLE ... PARTITION OF beside a DEFAULT partition) reads a whole partition under a lock that blocks its reads and writes", check,
                nullptr, true, "locking", SizeWork::scan};
}

}  // namespace pgfence::analyze::rules
