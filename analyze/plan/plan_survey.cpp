#include "analyze/plan/plan_survey.hpp"

#include <algorithm>
#include <optional>

#include "analyze/parse/alter_clauses.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/plan/plan_shapes.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::plan_survey {

bool batching_rule(std::string_view rule) { return rule == "backfill-in-migration" || rule == "update-without-where"; }

bool touches(const StatementFacts& s, const std::string& table) {
    return std::any_of(s.locks.begin(), s.locks.end(), [&](const LockFact& l) { return l.relation == table; });
}

// Where the subcommands of an ALTER TABLE start in its text, and each one's text; empty when
// the text cannot be cut into as many pieces as the parser found.
std::vector<std::string> subcommand_texts(const StatementFacts& s, const AlterTableStmt* alter, std::size_t* head_end) {
    std::vector<AlterClause> clauses = alter_clauses(s.sql, alter);
    if (clauses.empty()) return {};
    *head_end = clauses.front().begin;
    std::vector<std::string> pieces;
    for (const AlterClause& c : clauses) pieces.push_back(rules::trim(std::string_view(s.sql).substr(c.begin, c.end - c.begin)));
    return pieces;
}

namespace {

class Surveyor {
public:
    Surveyor(const FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
             const std::vector<std::vector<const Finding*>>& by_statement, const NoWalk& no_walk, const NoWalk& no_fold)
        : m_report(report), m_stmts(stmts), m_down(down), m_by_statement(by_statement), m_no_walk(no_walk), m_no_fold(no_fold) {}
    Survey take() {
        run();
        return std::move(m_out);
    }

private:
    void run();
    void decide_update(std::size_t i);
    void note(std::size_t i, std::string text) { m_out.notes.emplace_back(i, std::move(text)); }

    const FileReport& m_report;
    const std::vector<const pg::Node*>& m_stmts;
    const std::vector<bool>& m_down;
    const std::vector<std::vector<const Finding*>>& m_by_statement;
    const NoWalk& m_no_walk;
    const NoWalk& m_no_fold;
    // Columns this file adds, by table: the statement that adds each, and whether it has a
    // default at the statement being read.
    struct Added {
        std::size_t at = 0;
        bool has_default = false;
    };
    std::map<std::string, std::map<std::string, Added>> m_added;
    Survey m_out;
};

// What the file adds, in order: its new columns and their defaults; the SET NOT NULLs on a
// column the old release does not write and has no default for (kept as written); then how
// each UPDATE a rule would batch runs.
void Surveyor::run() {
    std::size_t n = m_report.statements.size();
    m_out.update_way.assign(n, UpdateWay::none);
    for (std::size_t i = 0; i < n; ++i) {
        if (i < m_down.size() && m_down[i]) continue;
        const auto* alter = pg::as<AlterTableStmt>(i < m_stmts.size() ? m_stmts[i] : nullptr);
        if (alter == nullptr || alter->relation == nullptr) continue;
        std::string table = pg::display_name(alter->relation);
        auto& columns = m_added[table];
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr) {
                columns[std::string(pg::text(def->colname))] = Added{i, rules::schema::real_default(def) != nullptr};
                continue;
            }
            auto it = columns.find(std::string(pg::text(cmd->name)));
            if (it == columns.end()) continue;
            if (cmd->subtype == AT_ColumnDefault) it->second.has_default = cmd->def != nullptr;
            if (cmd->subtype == AT_SetNotNull && !it->second.has_default) {
                m_out.keep_not_null[i] = "SET NOT NULL on " + quote_ident(it->first) + " is kept as written: the old release does not write " +
                                     quote_ident(it->first) + " (this file adds it without a default), so its inserts fail from here on, "
                                     "as they do against the original; a CHECK added earlier would refuse them sooner, and rows it "
                                     "inserts after a batched backfill would fail the VALIDATE. Give the column a DEFAULT to make it online";
            }
        }
    }
    // Defaults as each UPDATE sees them are rebuilt below, in order.
    for (auto& [table, columns] : m_added) columns.clear();
    for (std::size_t i = 0; i < n; ++i) {
        if (i < m_down.size() && m_down[i]) continue;
        const pg::Node* node = i < m_stmts.size() ? m_stmts[i] : nullptr;
        if (const auto* alter = pg::as<AlterTableStmt>(node); alter != nullptr && alter->relation != nullptr) {
            auto& columns = m_added[pg::display_name(alter->relation)];
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr) {
                    columns[std::string(pg::text(def->colname))] = Added{i, rules::schema::real_default(def) != nullptr};
                }
            }
        }
        if (pg::is<UpdateStmt>(node)) decide_update(i);
    }
}

void Surveyor::decide_update(std::size_t i) {
    const auto* update = pg::as<UpdateStmt>(m_stmts[i]);
    bool batched_by_rule = std::any_of(m_by_statement[i].begin(), m_by_statement[i].end(), [](const Finding* f) {
        return batching_rule(f->rule) && f->recipe.has_value();
    });
    if (!batched_by_rule || update->relation == nullptr) return;
    std::string table = pg::display_name(update->relation);
    const auto& added = m_added[table];
    auto keep = [&](const std::string& why) {
        m_out.update_way[i] = UpdateWay::keep;
        // A SET NOT NULL the old release cannot satisfy is kept as written, so the UPDATE that
        // fills the column is too, in one migration with what came before it, as in the original:
        // rows the old release inserts in between would make the SET NOT NULL fail.
        for (const auto& [j, why_not_null] : m_out.keep_not_null) {
            const auto* alter = pg::as<AlterTableStmt>(m_stmts[j]);
            if (j <= i || alter == nullptr || pg::display_name(alter->relation) != table) continue;
            m_out.update_joins.insert(i);
            note(i, "the UPDATE runs as written, in the migration before it and with the SET NOT NULL of line " +
                        std::to_string(m_report.statements[j].span.start.line) +
                        ", as in the original: rows the old release inserts in between would make the SET NOT NULL fail");
            return;
        }
        note(i, "the UPDATE runs as written in a migration (with lock_timeout, beside the kept UPDATEs right before or after it), not a batched walk out of band: " + why);
    };
    if (std::string why = plan_shapes::order_dependence(update); !why.empty()) return keep(why);
    // UPDATE t SET c = <constant> over a column this file just added: that constant is the
    // column's DEFAULT when it is added (instant), then the default the file gives it.
    const auto* target = pg::length(update->targetList) == 1 ? pg::as<ResTarget>(pg::nth(update->targetList, 0)) : nullptr;
    // `WHERE c IS NULL` of a column added without a default matches every row, as no WHERE
    // does (teable's field_order: ADD COLUMN "order"; UPDATE ... SET "order" = 0 WHERE "order"
    // IS NULL; SET NOT NULL).
    auto all_rows = [&](const std::string& name) {
        if (update->whereClause == nullptr) return true;
        const auto* test = pg::as<NullTest>(update->whereClause);
        const auto* ref = test != nullptr ? pg::as<ColumnRef>(test->arg) : nullptr;
        auto it = added.find(name);
        return test != nullptr && test->nulltesttype == IS_NULL && !test->argisrow && ref != nullptr && pg::length(ref->fields) == 1 &&
               pg::text(pg::nth(ref->fields, 0)) == name && it != added.end() && !it->second.has_default;
    };
    if (target != nullptr && all_rows(std::string(pg::text(target->name))) && target->indirection == nullptr && plan_shapes::constant(target->val) &&
        update->fromClause == nullptr && update->withClause == nullptr && update->returningClause == nullptr) {
        auto column = added.find(std::string(pg::text(target->name)));
        std::size_t a = column == added.end() ? 0 : column->second.at;
        const auto* alter = column == added.end() ? nullptr : pg::as<AlterTableStmt>(m_stmts[a]);
        bool quiet_between = true;
        for (std::size_t j = a + 1; alter != nullptr && j < i; ++j) quiet_between = quiet_between && !touches(m_report.statements[j], table);
        bool plain_add = alter != nullptr && m_out.instant.count(a) == 0 &&
                         std::none_of(m_by_statement[a].begin(), m_by_statement[a].end(), [](const Finding* f) { return f->recipe.has_value(); });
        // A SET between them (search_path, say) may make the two name different tables.
        for (std::size_t j = a + 1; alter != nullptr && j < i; ++j) quiet_between = quiet_between && !pg::is<VariableSetStmt>(m_stmts[j]);
        // UPDATE ONLY leaves the rows of children (which the ADD COLUMN gives the column too) as
        // they were; a DEFAULT does not. Children, triggers and rules are the catalog's to rule out.
        bool same_rows = update->relation->inh && (!m_no_fold || m_no_fold(i, table).empty());
        std::string value = plan_shapes::single_set_value(m_report.statements[i].sql);
        std::vector<AlterClause> clauses;
        if (plain_add && quiet_between && same_rows && !value.empty()) clauses = alter_clauses(m_report.statements[a].sql, alter);
        std::vector<std::string> pieces;
        for (const AlterClause& c : clauses) pieces.push_back(rules::trim(std::string_view(m_report.statements[a].sql).substr(c.begin, c.end - c.begin)));
        std::size_t head_end = clauses.empty() ? 0 : clauses.front().begin;
        // A SET NOT NULL of the column right after the UPDATE, kept as written (the old release
        // does not write it): NOT NULL on the ADD COLUMN with the folded DEFAULT does the same at
        // once, without the scan; in two migrations the old release's NULLs in between break it.
        std::optional<std::size_t> not_null;
        for (std::size_t j = i + 1; alter != nullptr && j < m_report.statements.size(); ++j) {
            if (j < m_down.size() && m_down[j]) continue;
            const auto* next = pg::as<AlterTableStmt>(m_stmts[j]);
            const auto* cmd = next != nullptr && next->relation != nullptr && pg::length(next->cmds) == 1
                                  ? pg::as<AlterTableCmd>(pg::nth(next->cmds, 0)) : nullptr;
            if (cmd != nullptr && pg::display_name(next->relation) == table && cmd->subtype == AT_SetNotNull &&
                pg::text(cmd->name) == column->first && m_out.keep_not_null.count(j) > 0) {
                not_null = j;
                break;
            }
            if (touches(m_report.statements[j], table) || pg::is<VariableSetStmt>(m_stmts[j])) break;
        }
        // A CHECK or NOT NULL the file adds to the table later (and the fold does not absorb)
        // refuses the old release's NULLs from then on, as the original does at once: once the
        // folded DEFAULT is dropped, the old release's inserts before that constraint would leave
        // NULLs it then finds. No fold; the UPDATE's other shapes (run again after NOT VALID).
        bool constrained_later = false;
        for (std::size_t j = i + 1; alter != nullptr && j < m_report.statements.size(); ++j) {
            if ((j < m_down.size() && m_down[j]) || (not_null && j == *not_null)) continue;
            const auto* next = pg::as<AlterTableStmt>(m_stmts[j]);
            if (next == nullptr || next->relation == nullptr || pg::display_name(next->relation) != table) continue;
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(next->cmds)) {
                const auto* con = pg::as<Constraint>(cmd->def);
                constrained_later = constrained_later || cmd->subtype == AT_SetNotNull ||
                                    (cmd->subtype == AT_AddConstraint && con != nullptr && con->contype == CONSTR_CHECK);
            }
        }
        if (constrained_later) pieces.clear();
        int k = 0;
        std::string old, folded;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter != nullptr && !pieces.empty() ? alter->cmds : nullptr)) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            // ADD COLUMN IF NOT EXISTS of a column that exists adds nothing: the UPDATE must run.
            if (cmd->subtype == AT_AddColumn && def != nullptr && pg::text(def->colname) == column->first &&
                static_cast<std::size_t>(k) < pieces.size() && !cmd->missing_ok) {
                const AlterClause& c = clauses[static_cast<std::size_t>(k)];
                folded = plan_shapes::with_default(m_report.statements[a].sql, c.begin, c.end, def, value, old);
                if (!folded.empty() && not_null) folded += " NOT NULL";
                if (!folded.empty()) pieces[static_cast<std::size_t>(k)] = folded;
            }
            ++k;
        }
        if (!folded.empty()) {
            std::string sql = rules::trim(std::string_view(m_report.statements[a].sql).substr(0, head_end));
            for (std::size_t p = 0; p < pieces.size(); ++p) sql += (p == 0 ? " " : ",\n    ") + pieces[p];
            std::string col = quote_ident(column->first);
            sql += ";\n-- Rows that exist now take the value the UPDATE of line " + std::to_string(m_report.statements[i].span.start.line) +
                   " gives them, without a backfill; new rows the default:\n";
            sql += "ALTER TABLE " + table + " ALTER COLUMN " + col + (old.empty() ? " DROP DEFAULT;" : " SET DEFAULT " + old + ";");
            m_out.instant[a] = sql;
            m_out.update_way[i] = UpdateWay::folded;
            note(i, "the UPDATE becomes the DEFAULT of " + col + " when it is added (instant, no backfill), then the column gets the default the file gives it");
            if (not_null) {
                m_out.absorbed.insert(*not_null);
                note(*not_null, "SET NOT NULL on " + col + " is part of the ADD COLUMN, which fills every row with the folded DEFAULT: "
                                "no scan, and the old release's inserts fail from then on, as they do against the original");
            }
            return;
        }
    }
    plan_shapes::UpdateReads reads = plan_shapes::reads_of(update);
    if (reads.elsewhere) return keep("it reads other tables, subqueries or functions, which the old release may change while a batched walk runs");
    std::string old_columns;
    for (const auto& c : reads.columns) {
        if (added.count(c) == 0) old_columns += (old_columns.empty() ? "" : ", ") + quote_ident(c);
    }
    if (!old_columns.empty()) {
        return keep("it reads " + old_columns + ", which the old release may write while a batched walk runs, so rows would get values "
                    "the original never gives them");
    }
    // What follows it must not need the backfill done, unless the plan moves it after the backfill.
    for (std::size_t j = i + 1; j < m_report.statements.size(); ++j) {
        if ((j < m_down.size() && m_down[j]) || !touches(m_report.statements[j], table)) continue;
        const auto* alter = pg::as<AlterTableStmt>(j < m_stmts.size() ? m_stmts[j] : nullptr);
        bool after_backfill = alter != nullptr && m_out.keep_not_null.count(j) == 0;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter != nullptr ? alter->cmds : nullptr)) {
            const auto* con = pg::as<Constraint>(cmd->def);
            bool check = cmd->subtype == AT_AddConstraint && con != nullptr && con->contype == CONSTR_CHECK;
            if (cmd->subtype != AT_SetNotNull && cmd->subtype != AT_ColumnDefault && !check) after_backfill = false;
        }
        if (!after_backfill) {
            return keep("line " + std::to_string(m_report.statements[j].span.start.line) + " (" + m_report.statements[j].tag +
                        ") needs the rows updated first, and a batched walk would run after it");
        }
    }
    if (std::string why = m_no_walk ? m_no_walk(i, table) : std::string(); !why.empty()) return keep(why);
    m_out.update_way[i] = UpdateWay::batch;
}

}  // namespace

Survey survey(const FileReport& report, const std::vector<const pg::Node*>& stmts, const std::vector<bool>& down,
              const std::vector<std::vector<const Finding*>>& by_statement, const NoWalk& no_walk, const NoWalk& no_fold) {
    return Surveyor(report, stmts, down, by_statement, no_walk, no_fold).take();
}

}  // namespace pgfence::analyze::plan_survey
