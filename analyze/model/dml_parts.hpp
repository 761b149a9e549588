// Internal to analyze/model/dml.cpp, analyze/model/dml_writes.cpp
// (one file until issue 55 split it): what their anonymous namespace shared. Not for use elsewhere.
#pragma once

#include <map>
#include <utility>
#include <optional>
#include <tuple>
#include <set>

#include "analyze/model/join_rows.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/model/target_columns.hpp"
#include "analyze/model/column_fills.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace dml_detail {

using M = LockMode;
std::set<std::string> set_columns(const List* target_list);
bool overlaps(const std::vector<std::string>& columns, const std::set<std::string>& set);
std::string_view alias_name(const Alias* alias);

// Walks one statement tree the way PostgreSQL opens its relations: targets of INSERT,
// UPDATE, DELETE and MERGE (also inside WITH) get ROW EXCLUSIVE, rows locked by FOR
// UPDATE/SHARE get ROW SHARE, everything else read gets ACCESS SHARE.
class Walker {
public:
    Walker(StatementFacts& facts, Context& ctx, QueryUse use, std::string reason)
        : m_facts(facts), m_ctx(ctx), m_use(use), m_reason(std::move(reason)) {}

    void run(const pg::Node* node) { visit(node); }

    void relation(const std::string& relname, const std::string& display, M mode, bool inh, int depth = 0) {
        add_lock(m_facts, m_ctx, relname, display, mode, "", m_reason);
        if (depth > 8) return;
        const RelationInfo* info = std::as_const(m_ctx.catalog).find(relname);
        if (info == nullptr) return;
        // The rewriter replaces a view by its query and opens the tables it reads.
        if (m_use != QueryUse::Parse && (info->kind == "view")) {
            auto sources = info->sources;
            for (const auto& [name, shown] : sources) relation(name, shown, mode, true, depth + 1);
        }
        // The planner opens every partition (or inheritance child) it may scan.
        if (m_use == QueryUse::Execute && inh) lock_descendants(m_facts, m_ctx, relname, mode, m_reason);
    }

private:
    void visit(const pg::Node* node) {
        if (node == nullptr) return;
        switch (node->type) {
            case T_InsertStmt:
            case T_UpdateStmt:
            case T_DeleteStmt:
            case T_MergeStmt:
                dml(node);
                return;
            case T_SelectStmt:
                select(pg::as<SelectStmt>(node));
                return;
            case T_RangeVar:
                read(pg::as<RangeVar>(node), M::AccessShare);
                return;
            case T_IntoClause:     // the new table of SELECT INTO
            case T_LockingClause:  // FOR UPDATE OF names, handled by select()
                return;
            default:
                pg::each_child(node, [&](const pg::Node* child) { visit(child); });
        }
    }

    void read(const RangeVar* rv, M mode) {
        if (names_cte(rv, m_ctes)) return;
        relation(std::string(pg::relname(rv)), pg::display_name(rv), mode, range_var_inh(rv));
    }

    void select(const SelectStmt* stmt) {
        std::size_t outer = m_ctes.size();
        push_cte_names(reinterpret_cast<const pg::Node*>(stmt), m_ctes);
        for (const LockingClause* clause : pg::each<LockingClause>(stmt->lockingClause)) {
            if (clause->lockedRels == nullptr) {
                row_lock_all(reinterpret_cast<const pg::Node*>(stmt->fromClause));
                continue;
            }
            for (const RangeVar* r : pg::each<RangeVar>(clause->lockedRels)) {
                row_lock_named(stmt->fromClause, pg::relname(r));
            }
        }
        // FROM first: its relations are opened before the expressions' sub-queries.
        const auto* from = reinterpret_cast<const pg::Node*>(stmt->fromClause);
        visit(from);
        pg::each_child(reinterpret_cast<const pg::Node*>(stmt), [&](const pg::Node* child) {
            if (child != from) visit(child);
        });
        m_ctes.resize(outer);
    }

    // FOR UPDATE without OF: every table in FROM, through joins and sub-selects.
    void row_lock_all(const pg::Node* node) {
        if (node == nullptr) return;
        switch (node->type) {
            case T_List:
                for (const pg::Node* item : pg::each(pg::as<List>(node))) row_lock_all(item);
                return;
            case T_RangeVar:
                read(pg::as<RangeVar>(node), M::RowShare);
                return;
            case T_JoinExpr:
                row_lock_all(pg::as<JoinExpr>(node)->larg);
                row_lock_all(pg::as<JoinExpr>(node)->rarg);
                return;
            case T_RangeSubselect:
                row_lock_all(pg::as<RangeSubselect>(node)->subquery);
                return;
            case T_RangeTableSample:
                row_lock_all(pg::as<RangeTableSample>(node)->relation);
                return;
            case T_SelectStmt:
                row_lock_all(reinterpret_cast<const pg::Node*>(pg::as<SelectStmt>(node)->fromClause));
                return;
            default:
                return;
        }
    }

    // FOR UPDATE OF name: the FROM item with that alias (or that name, when it has none).
    void row_lock_named(const List* from, std::string_view name) {
        for (const pg::Node* item : pg::each(from)) row_lock_named(item, name);
    }
    void row_lock_named(const pg::Node* item, std::string_view name) {
        if (const RangeVar* rv = pg::as<RangeVar>(item)) {
            std::string_view alias = alias_name(rv->alias);
            if (alias == name || (alias.empty() && pg::relname(rv) == name)) read(rv, M::RowShare);
        } else if (const RangeSubselect* sub = pg::as<RangeSubselect>(item)) {
            if (alias_name(sub->alias) == name) row_lock_all(sub->subquery);
        } else if (const JoinExpr* join = pg::as<JoinExpr>(item)) {
            row_lock_named(join->larg, name);
            row_lock_named(join->rarg, name);
        }
    }

    // The rewriter adds the actions of the table's rules on the statement's event (MERGE is
    // refused on a table with rules).
    void rule_actions(const std::string& relname, NodeTag kind) {
        const RelationInfo* info = std::as_const(m_ctx.catalog).find(relname);
        if (info == nullptr || info->rules.empty()) return;
        CmdType event = kind == T_InsertStmt ? CMD_INSERT : kind == T_UpdateStmt ? CMD_UPDATE : kind == T_DeleteStmt ? CMD_DELETE : CMD_UNKNOWN;
        std::vector<RuleInfo::Lock> locks;
        for (const auto& [name, rule] : info->rules) {
            if (rule.event == event) locks.insert(locks.end(), rule.locks.begin(), rule.locks.end());
        }
        for (const RuleInfo::Lock& l : locks) {
            add_lock(m_facts, m_ctx, l.relname, l.display, l.mode, "", m_reason + " (a rule on " + info->display + " adds it)");
        }
    }

    void dml(const pg::Node* stmt) {
        std::size_t outer = m_ctes.size();
        push_cte_names(stmt, m_ctes);
        const RangeVar* rv = target_relation(stmt);
        std::string relname(pg::relname(rv));
        NodeTag kind = stmt->type;
        relation(relname, pg::display_name(rv), M::RowExclusive, kind != T_InsertStmt && range_var_inh(rv));
        if (m_use != QueryUse::Parse) rule_actions(relname, kind);
        if (m_use == QueryUse::Execute) {
            const UpdateStmt* update = pg::as<UpdateStmt>(stmt);
            std::set<std::string> changed = update != nullptr ? set_columns(update->targetList) : std::set<std::string>();
            if (kind == T_InsertStmt || kind == T_MergeStmt) foreign_key_checks(relname, {}, true);
            if (kind == T_UpdateStmt) foreign_key_checks(relname, changed, false);
            if (kind == T_UpdateStmt || kind == T_MergeStmt) referencing_actions(relname, changed, false, 0);
            if (kind == T_DeleteStmt || kind == T_MergeStmt) referencing_actions(relname, {}, true, 0);
            if (kind != T_DeleteStmt) partition_parent(relname);
        }
        pg::each_child(stmt, [&](const pg::Node* child) { visit(child); });
        m_ctes.resize(outer);
    }

    // New or changed referencing values are checked with SELECT ... FOR KEY SHARE on the
    // referenced table (ROW SHARE).
    void foreign_key_checks(const std::string& table, const std::set<std::string>& changed, bool all) {
        const RelationInfo* info = std::as_const(m_ctx.catalog).find(table);
        if (info == nullptr) return;
        for (const auto& [name, fk] : std::map<std::string, ForeignKey>(info->foreign_keys)) {
            if (fk.target == table || (!all && !overlaps(fk.columns, changed))) continue;
            add_conditional_lock(m_facts, m_ctx, fk.target, display_of(m_ctx, fk.target), M::RowShare,
                                 "foreign key " + quote_ident(name) + ": each new key is checked (SELECT ... FOR KEY SHARE)");
        }
    }

    // Deleting rows, or changing referenced keys, runs the referencing tables' foreign key
    // actions: NO ACTION/RESTRICT look for referencing rows (ROW SHARE), CASCADE and SET
    // NULL/DEFAULT change them (ROW EXCLUSIVE), cascading further.
    void referencing_actions(const std::string& table, const std::set<std::string>& changed, bool deleting, int depth) {
        if (depth > 8) return;
        const RelationInfo* info = std::as_const(m_ctx.catalog).find(table);
        std::vector<std::string> key_columns;
        for (const auto& ref : m_ctx.catalog.foreign_keys_to(table)) {
            const std::string& relname = ref.relname;
            const std::string& name = ref.constraint;
            const ForeignKey& fk = ref.key;
            // Which referenced columns: named, or the primary key (unknown: assume touched).
            if (!deleting && !fk.target_columns.empty() && !overlaps(fk.target_columns, changed)) continue;
            if (!deleting && fk.target_columns.empty() && info && !info->primary_key.empty() &&
                !overlaps(info->primary_key, changed)) {
                continue;
            }
            char action = deleting ? fk.on_delete : fk.on_update;
            bool modifies = action == 'c' || action == 'n' || action == 'd';
            add_conditional_lock(m_facts, m_ctx, relname, ref.display, modifies ? M::RowExclusive : M::RowShare,
                                 "foreign key " + quote_ident(name) +
                                     (modifies ? ": its ON " + std::string(deleting ? "DELETE" : "UPDATE") +
                                                     " action changes referencing rows"
                                               : ": referencing rows are looked for"));
            if (action == 'c' && deleting) referencing_actions(relname, {}, true, depth + 1);
            if (modifies && !(action == 'c' && deleting)) {
                std::set<std::string> cols(fk.columns.begin(), fk.columns.end());
                referencing_actions(relname, cols, false, depth + 1);
            }
        }
    }

    // Rows written straight into a partition are checked against its bound; working the
    // bound out opens the partitioned table (ACCESS SHARE), and its parent in turn. (A
    // session does this once per partition, then keeps the result in its cache.)
    void partition_parent(const std::string& table) {
        std::string current = table;
        for (int depth = 0; depth < 8; ++depth) {
            const RelationInfo* info = std::as_const(m_ctx.catalog).find(current);
            if (info == nullptr || info->parent.empty()) return;
            const RelationInfo* parent = std::as_const(m_ctx.catalog).find(info->parent);
            if (parent == nullptr || parent->kind != "partitioned table") return;
            add_conditional_lock(m_facts, m_ctx, info->parent, parent->display, M::AccessShare,
                                 "rows written to a partition are checked against its bound");
            current = info->parent;
        }
    }

    StatementFacts& m_facts;
    Context& m_ctx;
    QueryUse m_use;
    std::string m_reason;
    std::vector<std::string> m_ctes;  // CTE names in scope, innermost last
};

bool model_select(const SelectStmt* stmt, StatementFacts& facts, Context& ctx);

std::string covering_foreign_key(const Context& ctx, const std::string& from, const std::string& column,
                                 const std::string& to, const std::string& key);

std::string_view item_name(const RangeVar* rv);
bool inner_join_covers(const JoinExpr* join, const RangeVar* side, const Context& ctx);
void source_scans(const SelectStmt* select, StatementFacts& facts, Context& ctx, std::vector<std::string>& ctes,
                  std::string_view label = "INSERT ... SELECT");

void sublink_scans(const pg::Node* node, const std::string& tag, StatementFacts& facts, Context& ctx,
                   const std::vector<std::string>& ctes);

bool model_write(const pg::Node* stmt, StatementFacts& facts, Context& ctx);
bool model_copy(const CopyStmt* stmt, StatementFacts& facts, Context& ctx);
bool model_lock(const LockStmt* stmt, StatementFacts& facts, Context& ctx);
}  // namespace dml_detail
using namespace dml_detail;

}  // namespace pgfence::analyze::model
