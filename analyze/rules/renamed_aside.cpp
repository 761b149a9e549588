#include "analyze/rules/renamed_aside.hpp"

#include <algorithm>

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
