#include <algorithm>

#include "analyze/model/catalog.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The index a later CREATE INDEX or ADD PRIMARY KEY / UNIQUE of the same file builds on `relname`
// (Rails, Django and Prisma add the foreign key first and its index after it), when it serves `columns`.
bool indexed_later(const StatementContext& ctx, const std::string& relname, const std::vector<std::string>& columns) {
    if (ctx.stmts == nullptr) return false;
    for (std::size_t i = static_cast<std::size_t>(ctx.statement.index) + 1; i < ctx.stmts->size(); ++i) {
        const pg::Node* node = (*ctx.stmts)[i];
        IndexDef def;
        if (const IndexStmt* index = pg::as<IndexStmt>(node)) {
            if (index->relation == nullptr || pg::relname(index->relation) != relname) continue;
            if (index->accessMethod != nullptr && *index->accessMethod != '\0') def.method = index->accessMethod;
            def.partial = index->whereClause != nullptr;
            for (const IndexElem* elem : pg::each<IndexElem>(index->indexParams)) {
                def.keys.emplace_back(elem->name != nullptr ? elem->name : "");
            }
            if (index_leads_with(def, columns)) return true;
            continue;
        }
        const AlterTableStmt* alter = pg::as<AlterTableStmt>(node);
        if (alter == nullptr || alter->relation == nullptr || pg::relname(alter->relation) != relname) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const Constraint* con = pg::as<Constraint>(cmd->def);
            if (cmd->subtype != AT_AddConstraint || con == nullptr || con->indexname != nullptr ||
                (con->contype != CONSTR_PRIMARY && con->contype != CONSTR_UNIQUE)) {
                continue;
            }
            def.keys.clear();
            for (const pg::Node* key : pg::each(con->keys)) def.keys.emplace_back(pg::text(key));
            if (index_leads_with(def, columns)) return true;
        }
    }
    return false;
}

std::string columns_text(const std::vector<std::string>& columns, std::string_view separator) {
    std::string out;
    for (const auto& c : columns) out += (out.empty() ? "" : std::string(separator)) + quote_ident(c);
    return out;
}

// PostgreSQL's name for CREATE INDEX ON table (columns): table_columns_idx.
std::string index_name(const UnindexedForeignKey& fk) {
    std::string name = fk.relname;
    for (const auto& c : fk.columns) name += "_" + c;
    return quote_ident(name.size() > 59 ? name.substr(0, 59) + "_idx" : name + "_idx");
}

// The subcommand of the statement's ALTER TABLE that adds `fk` (ADD CONSTRAINT, or ADD COLUMN
// ... REFERENCES), or -1: by its name when written, else by its columns.
int subcommand_of(const StatementContext& ctx, const UnindexedForeignKey& fk) {
    const auto* alter = ctx.as<AlterTableStmt>();
    if (alter == nullptr) return -1;
    auto adds = [&](const Constraint* con, const std::vector<std::string>& columns) {
        if (con == nullptr || con->contype != CONSTR_FOREIGN) return false;
        return con->conname != nullptr ? fk.constraint == con->conname : fk.columns == columns;
    };
    int index = 0;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype == AT_AddConstraint) {
            const auto* con = pg::as<Constraint>(cmd->def);
            std::vector<std::string> columns;
            if (con != nullptr) {
                for (const pg::Node* c : pg::each(con->fk_attrs)) columns.emplace_back(pg::text(c));
            }
            if (adds(con, columns)) return index;
        } else if (const auto* def = pg::as<ColumnDef>(cmd->def); cmd->subtype == AT_AddColumn && def != nullptr) {
            for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
                if (adds(con, {std::string(pg::text(def->colname))})) return index;
            }
        }
        ++index;
    }
    return -1;
}

void check(const StatementContext& ctx, Sink& sink) {
    for (const UnindexedForeignKey& fk : ctx.statement.unindexed_foreign_keys) {
        if (indexed_later(ctx, fk.relname, fk.columns)) continue;
        std::string columns = columns_text(fk.columns, ", ");
        if (!fk.dropped_index.empty()) {
            // DROP INDEX of the key's only index (the model's fact): the same scans from now on.
            Finding& f = sink.add(ctx.statement, "DROP INDEX " + fk.dropped_index + " drops the only index on the columns (" +
                                                     columns + ") of foreign key " + quote_ident(fk.constraint) + " on " +
                                                     fk.table + ": every DELETE from " + fk.referenced +
                                                     ", and every change of its key, then scans " + fk.table +
                                                     " for referencing rows while holding its row locks");
            f.relation = fk.table;
            f.fix = "keep the index, or build its replacement (CREATE INDEX CONCURRENTLY on " + fk.table + " (" + columns +
                    ")) before dropping it";
            continue;
        }
        Finding& f = sink.add(ctx.statement,
                              "foreign key " + quote_ident(fk.constraint) + " on " + fk.table + " (" + columns +
                                  ") has no index on its columns: every DELETE from " + fk.referenced +
                                  ", and every change of its key, scans " + fk.table +
                                  " for referencing rows while holding its row locks");
        f.relation = fk.table;
        f.subcommand = subcommand_of(ctx, fk);
        std::string create = "CREATE INDEX " + std::string(fk.table_is_new ? "" : "CONCURRENTLY ") + index_name(fk) +
                             " ON " + fk.table + " (" + columns + ");";
        Recipe recipe;
        if (fk.table_is_new) {
            f.fix = "index " + fk.table + " (" + columns + ") in the same migration, while the table is still empty";
            recipe.summary = "Create the index right after the table: on an empty table it is instant";
            recipe.steps.push_back({"Same migration", "-- Instant: " + fk.table + " has no rows yet.\n" + create, true});
        } else {
            f.fix = "create an index on " + fk.table + " (" + columns + ") with CREATE INDEX CONCURRENTLY";
            recipe.summary = "Build the index concurrently, in its own migration outside a transaction block";
            recipe.steps.push_back({"Migration 2", "-- Reads and writes continue while it builds.\n" + create, false});
        }
        f.recipe = std::move(recipe);
    }
}

}  // namespace

PGFENCE_RULE(foreign_key_without_index) {
    return Rule{"foreign-key-without-index", Risk::Medium,
                "A foreign key without an index on its columns makes deletes on the referenced table scan the referencing one",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
