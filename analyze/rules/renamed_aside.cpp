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
        out.copy_at = i;
        break;
    }
    if (create == nullptr || out.copy_at == 0) return std::nullopt;
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
