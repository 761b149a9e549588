#include "analyze/rules/renamed_aside.hpp"

#include <algorithm>
#include <set>

#include "analyze/model/rename_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::rules {
namespace {

using schema::QualifiedName;

const RenameStmt* table_rename(const pg::Node* stmt) {
    const auto* rename = pg::as<RenameStmt>(stmt);
    return rename != nullptr && rename->renameType == OBJECT_TABLE && rename->relation != nullptr ? rename : nullptr;
}

bool names(const pg::Node* node, const QualifiedName& table) {
    if (node == nullptr) return false;
    if (const auto* rv = pg::as<RangeVar>(node)) return schema::same_name(schema::name_of_range_var(rv), table);
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || names(child, table); });
    return found;
}

// Does the copy put each old column's values into the column of the same name, and does every
// row reach the new t (red team R74 F3)? Not when a column of the old t that the new one has is
// left out (it takes NULL or its default: the old values are lost with b), a column is filled from
// another or from an expression (`SELECT id, 'x' FROM b`), `SELECT *` meets a new t whose columns
// are in another order, or a rule or trigger made on the new t before the copy may change or
// discard what it inserts (`ON INSERT DO INSTEAD NOTHING`).
bool copies_each_column(const InsertStmt* insert, const SelectStmt* select, const CreateStmt* create,
                        const std::vector<const pg::Node*>& stmts, const RenamedAside& out, const std::vector<StatementFacts>& facts,
                        std::size_t rename_at, const std::string& old_name, std::size_t copy_at) {
    for (std::size_t k = out.create_at + 1; k < copy_at; ++k) {
        const auto* rule = pg::as<RuleStmt>(stmts[k]);
        // A row trigger BEFORE or INSTEAD OF the insert may change or drop each row (2:
        // TRIGGER_TYPE_BEFORE, 64: TRIGGER_TYPE_INSTEAD, catalog/pg_trigger.h); one AFTER it cannot.
        const auto* trigger = pg::as<CreateTrigStmt>(stmts[k]);
        if (trigger != nullptr && !(trigger->row && (trigger->timing & (2 | 64)) != 0)) trigger = nullptr;
        const RangeVar* on = rule != nullptr ? rule->relation : trigger != nullptr ? trigger->relation : nullptr;
        if (on != nullptr && schema::same_name(schema::name_of_range_var(on), out.table)) return false;
    }
    std::vector<std::string> made;  // the new t's columns, in order
    for (const ColumnDef* def : pg::each<ColumnDef>(create->tableElts)) made.emplace_back(pg::text(def->colname));
    std::vector<std::string> targets;  // the columns the INSERT fills, in order
    if (insert->cols != nullptr) {
        for (const ResTarget* c : pg::each<ResTarget>(insert->cols)) targets.emplace_back(c->name != nullptr ? c->name : "");
    } else {
        targets = made;
    }
    const std::optional<std::vector<std::string>> old =
        rename_at < facts.size() ? read_renamed_columns_note(facts[rename_at], old_name) : std::nullopt;
    std::vector<std::string> sources;  // each value's column of b, "" for anything else
    for (const ResTarget* rt : pg::each<ResTarget>(select->targetList)) {
        const auto* ref = rt != nullptr ? pg::as<ColumnRef>(rt->val) : nullptr;
        const pg::Node* field = ref != nullptr ? pg::last(ref->fields) : nullptr;
        if (field != nullptr && pg::is<A_Star>(field)) {
            // b's columns in their order: known only from the migrations.
            if (!old || pg::length(select->targetList) != 1) return false;
            sources = *old;
            break;
        }
        sources.emplace_back(field != nullptr && pg::is<String>(field) ? std::string(pg::text(field)) : std::string());
    }
    std::set<std::string> copied;
    for (std::size_t k = 0; k < targets.size() && k < sources.size(); ++k) {
        if (sources[k] != targets[k]) return false;  // into another column, or not a column of b
        copied.insert(targets[k]);
    }
    if (old) {
        for (const std::string& column : *old) {
            const bool kept = std::find(made.begin(), made.end(), column) != made.end();
            if (kept && copied.count(column) == 0) return false;  // the new t has it, but not its values
        }
    }
    return true;
}

}  // namespace

std::optional<RenamedAside> renamed_aside_from(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts,
                                               std::size_t rename_at) {
    const RenameStmt* rename = rename_at < stmts.size() ? table_rename(stmts[rename_at]) : nullptr;
    if (rename == nullptr) return std::nullopt;
    RenamedAside out;
    out.rename_at = rename_at;
    out.table = schema::name_of_range_var(rename->relation);
    out.aside = {out.table.schema, std::string(pg::text(rename->newname))};
    const CreateStmt* create = nullptr;
    for (std::size_t i = rename_at + 1; i < stmts.size(); ++i) {
        const pg::Node* node = stmts[i];
        if (create == nullptr) {
            const auto* c = pg::as<CreateStmt>(node);
            if (c != nullptr && c->relation != nullptr && c->partbound == nullptr && c->ofTypename == nullptr &&
                schema::same_name(schema::name_of_range_var(c->relation), out.table)) {
                create = c;
                out.create_at = i;
            } else if (table_rename(node) != nullptr && names(node, out.aside)) {
                return std::nullopt;  // b renamed again before t is made anew
            }
            continue;
        }
        const auto* insert = pg::as<InsertStmt>(node);
        if (insert == nullptr || insert->relation == nullptr || !schema::same_name(schema::name_of_range_var(insert->relation), out.table)) {
            continue;
        }
        const auto* select = pg::as<SelectStmt>(insert->selectStmt);
        if (select == nullptr || select->valuesLists != nullptr || !names(insert->selectStmt, out.aside)) continue;
        // Every row, or no copy-and-swap: a plain SELECT from the aside table alone, with no WHERE,
        // LIMIT, OFFSET, grouping, DISTINCT or ON CONFLICT that could leave rows behind (red team
        // R69 C1: `SELECT * FROM b LIMIT 0` copied nothing, and b was then dropped).
        const auto* from = pg::length(select->fromClause) == 1 ? pg::as<RangeVar>(pg::nth(select->fromClause, 0)) : nullptr;
        if (select->op != SETOP_NONE || from == nullptr || !schema::same_name(schema::name_of_range_var(from), out.aside) ||
            select->whereClause != nullptr || select->limitCount != nullptr || select->limitOffset != nullptr ||
            select->groupClause != nullptr || select->havingClause != nullptr || select->distinctClause != nullptr ||
            select->withClause != nullptr || insert->onConflictClause != nullptr || insert->withClause != nullptr) {
            return std::nullopt;
        }
        if (!copies_each_column(insert, select, create, stmts, out, facts, rename_at, pg::display_name(rename->relation), i)) return std::nullopt;
        out.copy_at = i;
        break;
    }
    if (create == nullptr || out.copy_at == 0) return std::nullopt;
    // The other tables' foreign keys stay with b, not the new t (red team R69 C11): no copy-and-swap
    // pgfence lets pass.
    if (rename_at < facts.size() && has_renamed_protections_note(facts[rename_at], pg::display_name(rename->relation))) return std::nullopt;
    // What stays with b (the lock model's notes on the rename) that the file does not give the new t:
    // default privileges set before it is made count, and what the statements after it do to it.
    if (rename_at < facts.size()) {
        TableAcl defaults;
        const model::TableKeeps old = model::read_table_keeps(facts[rename_at], pg::display_name(rename->relation), defaults);
        auto names_it = [&](std::string_view schema, std::string_view relname) {
            return schema::same_name({std::string(schema), std::string(relname)}, out.table);
        };
        const model::TableKeeps now = model::new_table_keeps(std::move(defaults), stmts, rename_at + 1, out.create_at, names_it);
        out.lost = model::lost_in_swap(old, now);
    }
    // The old t's columns (the lock model's note on the rename) against the new t's.
    if (rename_at < facts.size()) {
        if (auto old = read_renamed_columns_note(facts[rename_at], pg::display_name(rename->relation))) {
            out.columns_known = true;
            std::vector<std::string> now;
            for (const ColumnDef* def : pg::each<ColumnDef>(create->tableElts)) now.emplace_back(pg::text(def->colname));
            for (const std::string& column : *old) {
                if (std::find(now.begin(), now.end(), column) == now.end()) out.missing.push_back(column);
            }
        }
    }
    return out;
}

std::optional<RenamedAside> renamed_aside_after(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts,
                                                std::size_t from, const QualifiedName& table) {
    for (std::size_t i = from; i < stmts.size(); ++i) {
        const RenameStmt* rename = table_rename(stmts[i]);
        if (rename != nullptr && schema::same_name(schema::name_of_range_var(rename->relation), table)) {
            return renamed_aside_from(stmts, facts, i);
        }
        // The table made anew or dropped before any rename: no copy-and-swap of this one.
        if (const auto* c = pg::as<CreateStmt>(stmts[i]); c != nullptr && c->relation != nullptr &&
                                                          schema::same_name(schema::name_of_range_var(c->relation), table)) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<RenamedAside> renamed_aside_to(const std::vector<const pg::Node*>& stmts, const std::vector<StatementFacts>& facts,
                                             std::size_t before, const QualifiedName& aside) {
    for (std::size_t i = std::min(before, stmts.size()); i-- > 0;) {
        const RenameStmt* rename = table_rename(stmts[i]);
        if (rename == nullptr || !schema::same_name({schema::name_of_range_var(rename->relation).schema, std::string(pg::text(rename->newname))}, aside)) {
            continue;
        }
        auto found = renamed_aside_from(stmts, facts, i);
        if (found && found->copy_at < before) return found;
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace pgfence::analyze::rules
