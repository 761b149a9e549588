#include <set>
#include "analyze/json_access.hpp"

#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

// The columns an UPDATE sets.
std::set<std::string> set_columns(const json& update) {
    std::set<std::string> out;
    for (const auto& t : member(update, "targetList")) {
        if (t.contains("ResTarget")) out.insert(t["ResTarget"].value("name", std::string()));
    }
    return out;
}

bool overlaps(const std::vector<std::string>& columns, const std::set<std::string>& set) {
    for (const auto& c : columns) {
        if (set.count(c) > 0) return true;
    }
    return false;
}

// Walks one statement tree the way PostgreSQL opens its relations: targets of INSERT,
// UPDATE, DELETE and MERGE (also inside WITH) get ROW EXCLUSIVE, rows locked by FOR
// UPDATE/SHARE get ROW SHARE, everything else read gets ACCESS SHARE.
class Walker {
public:
    Walker(StatementFacts& facts, Context& ctx, QueryUse use, std::string reason)
        : m_facts(facts), m_ctx(ctx), m_use(use), m_reason(std::move(reason)) {}

    void run(const json& node) {
        std::size_t outer = m_ctes.size();
        if (node.is_object()) push_cte_names(node, m_ctes);  // a bare statement body
        walk(node);
        m_ctes.resize(outer);
    }

    void run_statement(const std::string& kind, const json& stmt) {
        if (kind == "SelectStmt") select(stmt);
        else dml(kind, stmt);
    }

    // Reads of an executed query take `mode` instead of ACCESS SHARE (LOCK TABLE on a view).
    void read_mode(M mode) { m_read_mode = mode; }

    void relation(const std::string& relname, const std::string& display, M mode, bool inh, int depth = 0) {
        add_lock(m_facts, m_ctx, relname, display, mode, "", m_reason);
        if (depth > 8) return;
        const RelationInfo* info = m_ctx.catalog.find(relname);
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
    void walk(const json& node) {
        if (node.is_array()) {
            for (const auto& v : node) walk(v);
            return;
        }
        if (!node.is_object()) return;
        each_member_first(node, "fromClause", [&](std::string_view key, const json& value) { visit(key, value); });
    }

    void visit(std::string_view key, const json& value) {
        // Most keys are neither: the first letter rules them out without a comparison.
        switch (key.empty() ? '\0' : key[0]) {
        case 'I': case 'U': case 'D': case 'M':
            if (key == "InsertStmt" || key == "UpdateStmt" || key == "DeleteStmt" || key == "MergeStmt") {
                dml(key, value);
                return;
            }
            break;
        case 'S':
            if (key == "SelectStmt") {
                select(value);
                return;
            }
            break;
        case 'R':
            if (key == "RangeVar") {
                read(value, m_read_mode);
                return;
            }
            break;
        case 'i': case 'l':
            // The new table of SELECT INTO; FOR UPDATE OF names, handled by select().
            if (key == "intoClause" || key == "lockingClause") return;
            break;
        default:
            break;
        }
        if (value.is_structured()) walk(value);
    }

    void read(const json& rv, M mode) {
        if (names_cte(rv, m_ctes)) return;
        relation(range_var_relname(rv), range_var_name(rv), mode, range_var_inh(rv));
    }

    void select(const json& stmt) {
        std::size_t outer = m_ctes.size();
        push_cte_names(stmt, m_ctes);
        for (const auto& lc : member(stmt, "lockingClause")) {
            const json& clause = member(lc, "LockingClause");
            const auto& from = member(stmt, "fromClause");
            if (!clause.contains("lockedRels")) {
                row_lock_all(from);
                continue;
            }
            for (const auto& r : clause["lockedRels"]) {
                if (!r.contains("RangeVar")) continue;
                row_lock_named(from, range_var_relname(r["RangeVar"]));
            }
        }
        walk(stmt);
        m_ctes.resize(outer);
    }

    // FOR UPDATE without OF: every table in FROM, through joins and sub-selects.
    void row_lock_all(const json& node) {
        if (node.is_array()) {
            for (const auto& v : node) row_lock_all(v);
        } else if (node.is_object()) {
            for (const auto& [key, value] : node.items()) {
                if (key == "RangeVar") read(value, M::RowShare);
                else if (key == "whereClause" || key == "quals" || key == "targetList") continue;
                else row_lock_all(value);
            }
        }
    }

    // FOR UPDATE OF name: the FROM item with that alias (or that name, when it has none).
    void row_lock_named(const json& node, const std::string& name) {
        if (node.is_array()) {
            for (const auto& v : node) row_lock_named(v, name);
        } else if (node.is_object()) {
            for (const auto& [key, value] : node.items()) {
                if (key == "RangeVar") {
                    std::string alias = member(value, "alias").value("aliasname", std::string());
                    if (alias == name || (alias.empty() && range_var_relname(value) == name)) read(value, M::RowShare);
                } else if (key == "RangeSubselect") {
                    if (member(value, "alias").value("aliasname", std::string()) == name) {
                        row_lock_all(member(value, "subquery"));
                    }
                } else if (key == "JoinExpr") {
                    row_lock_named(member(value, "larg"), name);
                    row_lock_named(member(value, "rarg"), name);
                }
            }
        }
    }

    void dml(std::string_view kind, const json& stmt) {
        std::size_t outer = m_ctes.size();
        push_cte_names(stmt, m_ctes);
        const json& rv = member(stmt, "relation");
        std::string relname = range_var_relname(rv);
        relation(relname, range_var_name(rv), M::RowExclusive, kind != "InsertStmt" && range_var_inh(rv));
        if (m_use == QueryUse::Execute) {
            if (kind == "InsertStmt" || kind == "MergeStmt") foreign_key_checks(relname, {}, true);
            if (kind == "UpdateStmt") foreign_key_checks(relname, set_columns(stmt), false);
            if (kind == "UpdateStmt" || kind == "MergeStmt") referencing_actions(relname, set_columns(stmt), false, 0);
            if (kind == "DeleteStmt" || kind == "MergeStmt") referencing_actions(relname, {}, true, 0);
            if (kind != "DeleteStmt") partition_parent(relname);
        }
        for (const auto& [key, value] : stmt.items()) {
            if (key != "relation") walk(value);
        }
        m_ctes.resize(outer);
    }

    // New or changed referencing values are checked with SELECT ... FOR KEY SHARE on the
    // referenced table (ROW SHARE).
    void foreign_key_checks(const std::string& table, const std::set<std::string>& changed, bool all) {
        const RelationInfo* info = m_ctx.catalog.find(table);
        if (info == nullptr) return;
        for (const auto& [name, fk] : std::map<std::string, ForeignKey>(info->foreign_keys)) {
            if (fk.target == table || (!all && !overlaps(fk.columns, changed))) continue;
            add_lock(m_facts, m_ctx, fk.target, display_of(m_ctx, fk.target), M::RowShare, "",
                     "foreign key " + quote_ident(name) + ": each new key is checked (SELECT ... FOR KEY SHARE)");
        }
    }

    // Deleting rows, or changing referenced keys, runs the referencing tables' foreign key
    // actions: NO ACTION/RESTRICT look for referencing rows (ROW SHARE), CASCADE and SET
    // NULL/DEFAULT change them (ROW EXCLUSIVE), cascading further.
    void referencing_actions(const std::string& table, const std::set<std::string>& changed, bool deleting, int depth) {
        if (depth > 8) return;
        const RelationInfo* info = m_ctx.catalog.find(table);
        std::vector<std::string> key_columns;
        for (const auto& [relname, rel] : std::map<std::string, RelationInfo>(m_ctx.catalog.relations())) {
            for (const auto& [name, fk] : rel.foreign_keys) {
                if (fk.target != table) continue;
                // Which referenced columns: named, or the primary key (unknown: assume touched).
                if (!deleting && !fk.target_columns.empty() && !overlaps(fk.target_columns, changed)) continue;
                if (!deleting && fk.target_columns.empty() && info && !info->primary_key.empty() &&
                    !overlaps(info->primary_key, changed)) {
                    continue;
                }
                char action = deleting ? fk.on_delete : fk.on_update;
                bool modifies = action == 'c' || action == 'n' || action == 'd';
                add_lock(m_facts, m_ctx, relname, rel.display, modifies ? M::RowExclusive : M::RowShare, "",
                         "foreign key " + quote_ident(name) + (modifies ? ": its ON " + std::string(deleting ? "DELETE" : "UPDATE") +
                                                                             " action changes referencing rows"
                                                                       : ": referencing rows are looked for"));
                if (action == 'c' && deleting) referencing_actions(relname, {}, true, depth + 1);
                if (modifies && !(action == 'c' && deleting)) {
                    std::set<std::string> cols(fk.columns.begin(), fk.columns.end());
                    referencing_actions(relname, cols, false, depth + 1);
                }
            }
        }
    }

    // Rows written straight into a partition are checked against its bound; working the
    // bound out opens the partitioned table (ACCESS SHARE), and its parent in turn. (A
    // session does this once per partition, then keeps the result in its cache.)
    void partition_parent(const std::string& table) {
        std::string current = table;
        for (int depth = 0; depth < 8; ++depth) {
            const RelationInfo* info = m_ctx.catalog.find(current);
            if (info == nullptr || info->parent.empty()) return;
            const RelationInfo* parent = m_ctx.catalog.find(info->parent);
            if (parent == nullptr || parent->kind != "partitioned table") return;
            add_lock(m_facts, m_ctx, info->parent, parent->display, M::AccessShare, "",
                     "rows written to a partition are checked against its bound");
            current = info->parent;
        }
    }

    StatementFacts& m_facts;
    Context& m_ctx;
    QueryUse m_use;
    std::string m_reason;
    std::vector<std::string> m_ctes;  // CTE names in scope, innermost last
    M m_read_mode = M::AccessShare;
};

}  // namespace

void lock_query(StatementFacts& facts, Context& ctx, const json& node, QueryUse use, const std::string& reason) {
    Walker(facts, ctx, use, reason).run(node);
}

void lock_statement(StatementFacts& facts, Context& ctx, const std::string& kind, const json& stmt, QueryUse use,
                    const std::string& reason) {
    Walker(facts, ctx, use, reason).run_statement(kind, stmt);
}

void lock_relation(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                   LockMode mode, QueryUse use, const std::string& reason) {
    Walker(facts, ctx, use, reason).relation(relname, display, mode, true);
}

void lock_query_sources(StatementFacts& facts, Context& ctx, const json& query, LockMode mode, const std::string& reason) {
    Walker w(facts, ctx, QueryUse::Execute, reason);
    w.read_mode(mode);
    w.run(query);
}

bool model_dml(const std::string& kind, const json& stmt, StatementFacts& facts, Context& ctx) {
    if (kind == "SelectStmt") {
        facts.tag = stmt.contains("intoClause") ? "SELECT INTO" : "SELECT";
        lock_statement(facts, ctx, kind, stmt, QueryUse::Execute, "SELECT reads it");
        if (stmt.contains("intoClause")) {
            const json& rv = member(stmt["intoClause"], "rel");
            RelationInfo& info = ctx.catalog.add(range_var_relname(rv), range_var_name(rv), "table");
            info.is_new = true;
            lock_range_var(facts, ctx, rv, M::AccessExclusive, "SELECT INTO: the new table");
        }
        std::string why;
        if (!stmt.contains("fromClause") && expression_is_volatile(member(stmt, "targetList"), why) &&
            why != "nextval()" && why != "setval()") {
            facts.runs_user_code = true;
            facts.notes.push_back("calls " + why + ": locks taken inside functions are not visible to static analysis");
        }
        return true;
    }
    if (kind == "InsertStmt" || kind == "UpdateStmt" || kind == "DeleteStmt" || kind == "MergeStmt") {
        static const std::map<std::string, std::string> k_tags = {
            {"InsertStmt", "INSERT"}, {"UpdateStmt", "UPDATE"}, {"DeleteStmt", "DELETE"}, {"MergeStmt", "MERGE"}};
        facts.tag = k_tags.at(kind);
        lock_statement(facts, ctx, kind, stmt, QueryUse::Execute, facts.tag + " opens it");
        const json& rv = member(stmt, "relation");
        std::string relname = range_var_relname(rv);
        if (kind == "UpdateStmt" || kind == "DeleteStmt") {
            bool where = stmt.contains("whereClause");
            add_scan(facts, range_var_name(rv),
                     where ? facts.tag + " reads the rows its WHERE selects" : facts.tag + " without WHERE touches every row",
                     !where);
            if (!where) facts.notes.push_back(facts.tag + " without WHERE affects every row");
        }
        const RelationInfo* info = ctx.catalog.find(relname);
        if (kind == "InsertStmt" && info && info->kind == "partitioned table") {
            facts.notes.push_back("each partition that receives rows is locked ROW EXCLUSIVE as the first row reaches it");
        }
        if (info && !info->triggers.empty()) {
            facts.notes.push_back(facts.tag + " fires the table's triggers; locks their functions take are not shown");
        }
        return true;
    }
    if (kind == "CopyStmt") {
        bool from = stmt.value("is_from", false);
        facts.tag = from ? "COPY FROM" : "COPY TO";
        if (stmt.contains("relation")) {
            lock_range_var(facts, ctx, stmt["relation"], from ? M::RowExclusive : M::AccessShare,
                           from ? "COPY FROM writes rows" : "COPY TO reads it");
        }
        if (stmt.contains("query")) lock_query(facts, ctx, stmt["query"], QueryUse::Execute, "COPY (query) reads it");
        return true;
    }
    if (kind == "LockStmt") {
        facts.tag = "LOCK TABLE";
        int mode = stmt.value("mode", 8);
        if (mode < 1 || mode > 8) return false;
        // LOCK TABLE on a view locks the tables the view reads in the same mode; on a
        // partitioned or inherited table (without ONLY), every child too.
        Walker w(facts, ctx, QueryUse::Execute, "LOCK TABLE");
        for (const auto& r : member(stmt, "relations")) {
            if (!r.contains("RangeVar")) continue;
            const json& rv = r["RangeVar"];
            w.relation(range_var_relname(rv), range_var_name(rv), static_cast<M>(mode), range_var_inh(rv));
        }
        return true;
    }
    return false;
}

}  // namespace pgfence::analyze::model
