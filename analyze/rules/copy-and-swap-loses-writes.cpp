#include <optional>

#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/registry_transaction.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// A statement that fills a table from a query: INSERT INTO t SELECT, CREATE TABLE t AS, SELECT INTO t.
struct Copy {
    const RangeVar* target = nullptr;
    std::vector<const RangeVar*> sources;  // every relation the query names
    std::string what;                      // "INSERT ... SELECT"
};

void collect_range_vars(const pg::Node* node, std::vector<const RangeVar*>& out) {
    if (node == nullptr) return;
    if (const auto* rv = pg::as<RangeVar>(node)) {
        out.push_back(rv);
        return;
    }
    pg::each_child(node, [&](const pg::Node* child) { collect_range_vars(child, out); });
}

std::optional<Copy> copy_of(const pg::Node* stmt) {
    Copy copy;
    const pg::Node* query = nullptr;
    if (const auto* insert = pg::as<InsertStmt>(stmt); insert != nullptr && insert->selectStmt != nullptr) {
        const auto* select = pg::as<SelectStmt>(insert->selectStmt);
        if (select == nullptr || select->valuesLists != nullptr) return std::nullopt;  // literal rows
        copy = {insert->relation, {}, "INSERT ... SELECT"};
        query = insert->selectStmt;
    } else if (const auto* ctas = pg::as<CreateTableAsStmt>(stmt);
               ctas != nullptr && ctas->objtype == OBJECT_TABLE && ctas->into != nullptr) {
        copy = {ctas->into->rel, {}, "CREATE TABLE ... AS"};
        query = ctas->query;
    } else if (const auto* select = pg::as<SelectStmt>(stmt); select != nullptr && select->intoClause != nullptr) {
        copy = {select->intoClause->rel, {}, "SELECT ... INTO"};
        query = stmt;
    }
    if (copy.target == nullptr) return std::nullopt;
    collect_range_vars(query, copy.sources);
    return copy;
}

// The statement as a rename of a table: its old and new name.
std::optional<std::pair<QualifiedName, QualifiedName>> table_rename(const pg::Node* stmt) {
    const auto* rename = pg::as<RenameStmt>(stmt);
    if (rename == nullptr || rename->renameType != OBJECT_TABLE || rename->relation == nullptr) return std::nullopt;
    QualifiedName from = name_of_range_var(rename->relation);
    return std::pair{from, QualifiedName{from.schema, std::string(pg::text(rename->newname))}};
}

bool drops_table(const pg::Node* stmt, const QualifiedName& table) {
    const auto* drop = pg::as<DropStmt>(stmt);
    if (drop == nullptr || drop->removeType != OBJECT_TABLE) return false;
    for (const pg::Node* o : pg::each(drop->objects)) {
        if (same_name(name_of_list(pg::as<List>(o)), table)) return true;
    }
    return false;
}

// Statement i keeps other sessions from writing `table` until its transaction ends: its lock
// on it (LOCK TABLE ... IN SHARE MODE or stronger, an ALTER TABLE) conflicts with ROW EXCLUSIVE.
bool blocks_writes(const FileContext& ctx, std::size_t i, const RangeVar* table) {
    const LockFact* held = lock_on(ctx.file.statements[i], pg::display_name(table));
    return held != nullptr && held->mode >= LockMode::Share;
}

// A trigger on `table` created before the copy: the pattern that mirrors later writes.
bool mirrored(const FileContext& ctx, std::size_t copy_at, const RangeVar* table) {
    for (std::size_t i = 0; i < copy_at; ++i) {
        const auto* trigger = pg::as<CreateTrigStmt>(ctx.stmts[i]);
        if (trigger != nullptr && trigger->relation != nullptr &&
            same_name(name_of_range_var(trigger->relation), name_of_range_var(table))) {
            return true;
        }
    }
    return false;
}

// Statements [first, last] lie in one transaction, and statement `lock_before` in it (before
// `first`) blocks writes to the table.
bool locked_through(const FileContext& ctx, const std::vector<TransactionScope>& scopes, std::size_t first,
                    std::size_t last, const RangeVar* table) {
    for (const auto& scope : scopes) {
        if (static_cast<std::size_t>(scope.first) > first || static_cast<std::size_t>(scope.last) < last) continue;
        for (std::size_t i = static_cast<std::size_t>(scope.first); i < first; ++i) {
            if (blocks_writes(ctx, i, table)) return true;
        }
    }
    return false;
}

// One migration that takes the write lock first and does the copy and the swap under it.
std::optional<Recipe> make_recipe(const FileContext& ctx, std::size_t copy_at, std::size_t placed_at,
                                  const std::string& old_table, const std::string& new_table) {
    std::string body;
    for (std::size_t i = copy_at; i <= placed_at; ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (s.status != StatementStatus::Analyzed || s.no_transaction_block) return std::nullopt;
        if (pg::is<TransactionStmt>(ctx.stmts[i])) continue;
        body += s.sql + ";\n";
    }
    Recipe recipe;
    recipe.summary = "Block writes to " + old_table + " from before the copy until the swap commits, in one transaction";
    recipe.steps.push_back(
        {"Migration",
         "-- Writers to " + old_table + " wait from the LOCK until COMMIT (readers do not): for a table\n"
         "-- too large to block writes while it is copied, create a trigger on " + old_table + " that applies\n"
         "-- every INSERT, UPDATE and DELETE to " + new_table + " before copying, copy in batches, then swap.\n"
         "BEGIN;\nLOCK TABLE " + old_table + " IN SHARE ROW EXCLUSIVE MODE;\n" + body + "COMMIT;",
         true});
    return recipe;
}

void check(const FileContext& ctx, Sink& sink) {
    const auto& statements = ctx.file.statements;
    std::size_t count = std::min(statements.size(), ctx.stmts.size());
    auto scopes = transactions(ctx);
    for (std::size_t i = 0; i < count; ++i) {
        auto copy = copy_of(ctx.stmts[i]);
        if (!copy) continue;
        QualifiedName target = name_of_range_var(copy->target);
        for (const RangeVar* source : copy->sources) {
            QualifiedName old_name = name_of_range_var(source);
            if (same_name(old_name, target)) continue;
            if (existing_table_lock(statements[i], pg::display_name(source)) == nullptr) continue;  // new in this migration
            // The old table leaves its name (dropped or renamed), then the copy takes it.
            std::optional<std::size_t> retired, placed;
            for (std::size_t j = i + 1; j < count && !placed; ++j) {
                auto rename = table_rename(ctx.stmts[j]);
                if (!retired && (drops_table(ctx.stmts[j], old_name) || (rename && same_name(rename->first, old_name)))) {
                    retired = j;
                } else if (retired && rename && same_name(rename->first, target) && same_name(rename->second, old_name)) {
                    placed = j;
                }
            }
            if (!placed) continue;
            if (mirrored(ctx, i, source) || locked_through(ctx, scopes, i, *placed, source)) continue;
            std::string old_table = pg::display_name(source);
            std::string new_table = pg::display_name(copy->target);
            auto renamed = table_rename(ctx.stmts[*retired]);
            std::string fate = renamed ? "are left behind in " + quote_ident(renamed->second.name)
                                       : "are dropped with it";
            Finding& f = sink.add(
                statements[*retired],
                "the copy of " + old_table + " into " + new_table + " (" + copy->what + ", line " +
                    std::to_string(statements[i].span.start.line) + ") reads one snapshot: rows other sessions write "
                    "to " + old_table + " after it starts and before this statement locks " + old_table + " " + fate +
                    ", and " + new_table + " takes the name " + old_table + " without them (line " +
                    std::to_string(statements[*placed].span.start.line) + "): those writes are lost");
            f.relation = old_table;
            f.fix = "block writes to " + old_table + " from before the copy until the swap commits (LOCK TABLE " +
                    old_table + " IN SHARE ROW EXCLUSIVE MODE first, in the same transaction), or mirror writes into " +
                    new_table + " with a trigger created before the copy and copy in batches";
            if (auto recipe = make_recipe(ctx, i, *placed, old_table, new_table)) f.recipe = std::move(*recipe);
            break;
        }
    }
}

}  // namespace

PGFENCE_RULE(copy_and_swap_loses_writes) {
    return Rule{"copy-and-swap-loses-writes", Risk::High,
                "A table copied into a new one that then takes its name loses the writes made after the copy",
                nullptr, check, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
