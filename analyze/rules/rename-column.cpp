#include <map>
#include <optional>

#include "analyze/model/typed_table_note.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rename_chains.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

struct ColumnRename {
    std::size_t at;
    QualifiedName table;
    std::string from, to;
};

struct ViewCreated {
    std::size_t at;
    QualifiedName view;
    const pg::Node* query;
};

// Does the view's select list give some expression the name `column` (e.g. "years AS age")?
bool exposes(const pg::Node* query, const std::string& column) {
    const auto* select = pg::as<SelectStmt>(query);
    if (select == nullptr) return false;
    for (const ResTarget* t : pg::each<ResTarget>(select->targetList)) {
        if (pg::text(t->name) == column) return true;
    }
    return false;
}

// A swap that starts with `first` (a -> tmp) on its table: later b -> a, then tmp -> b.
struct Swap {
    std::size_t end;    // the statement that completes it
    std::string other;  // b
};
std::optional<Swap> swap_of(const std::vector<ColumnRename>& renames, const ColumnRename& first) {
    const ColumnRename* took = nullptr;
    for (const auto& o : renames) {
        if (o.at <= first.at || !same_name(o.table, first.table)) continue;
        if (took == nullptr && o.to == first.from && o.from != first.to) {
            took = &o;
        } else if (took != nullptr && o.from == first.to && o.to == took->from) {
            return Swap{o.at, took->from};
        }
    }
    return std::nullopt;
}

Recipe make_recipe(const RangeVar* rv, const std::string& from, const std::string& to) {
    std::string table = pg::display_name(rv);
    std::string relname(pg::relname(rv));
    std::string base_name = object_name(relname, "", "base");
    std::string base = schema_prefix(rv) + quote_ident(base_name);
    Recipe recipe;
    recipe.summary = "Move the table aside and put a view in its place that shows the column under both names, until every deployed version uses the new name";
    recipe.steps.push_back(
        {"Migration 1",
         "ALTER TABLE " + table + " RENAME TO " + quote_ident(base_name) + ";\n" +
             "ALTER TABLE " + base + " RENAME COLUMN " + quote_ident(from) + " TO " + quote_ident(to) + ";\n" +
             "CREATE VIEW " + table + " AS SELECT *, " + quote_ident(to) + " AS " + quote_ident(from) + " FROM " + base + ";\n" +
             "-- Old and new code both work through the view (a simple view is updatable); grant it the\n"
             "-- privileges the application has on the table. Until the next step drops the view, DDL\n"
             "-- on this table must name " + base + ".",
         true});
    recipe.steps.push_back({"Migration 2",
                            "-- Once no deployed code uses " + quote_ident(from) + ", in one transaction:\nDROP VIEW " +
                                table + ";\nALTER TABLE " + base + " RENAME TO " + quote_ident(relname) + ";",
                            true});
    return recipe;
}

// A column renamed into a name another column of the table gave up earlier in this file.
void report_chains(const FileContext& ctx, Sink& sink) {
    for (const RenameChain& c : rename_chains(ctx.stmts)) {
        if (!c.column || c.swap_end != 0 || c.replacement || c.taken >= ctx.file.statements.size()) continue;
        const RangeVar* rv = pg::as<RenameStmt>(ctx.stmts[c.vacated])->relation;
        const StatementFacts& first = ctx.file.statements[c.vacated];
        if (existing_table_lock(first, pg::display_name(rv)) == nullptr) continue;
        std::string table = pg::display_name(pg::as<RenameStmt>(ctx.stmts[c.taken])->relation);
        std::string name = quote_ident(c.name);
        std::string taker = quote_ident(c.taker);
        Finding& f = sink.add(ctx.file.statements[c.taken],
                              "this migration renames column " + name + " of " + table + " to " + quote_ident(c.moved_to) +
                                  " (line " + std::to_string(first.span.start.line) + ") and then " + taker + " to " +
                                  name + ": running code that names " + name + " silently reads and writes the data that was " +
                                  taker + "'s, with no error to show it, and code that names " + taker + " fails");
        f.relation = table;
        f.fix = "give " + taker + " a name that no deployed code has used, and reuse " + name +
                " only in a later release, once no running code names it (two migrations of one deploy do not help)";
    }
}

// ALTER TYPE t RENAME ATTRIBUTE a TO b CASCADE: column a of each typed table of t the catalog knows
// is renamed, as by ALTER TABLE ... RENAME COLUMN (analyze/model/typed_tables.hpp; red team h1
// T_TYPEDREN, PostgreSQL 15: the application's query naming people.age fails).
void report_typed_tables(const FileContext& ctx, Sink& sink) {
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        const auto* stmt = pg::as<RenameStmt>(ctx.stmts[i]);
        if (stmt == nullptr || stmt->renameType != OBJECT_ATTRIBUTE || stmt->behavior != DROP_CASCADE || stmt->relation == nullptr) continue;
        const StatementFacts& s = ctx.file.statements[i];
        for (const LockFact& lock : s.locks) {
            if (lock.is_new || !lock.reason.starts_with(k_typed_table_reason)) continue;
            const std::string from = quote_ident(pg::text(stmt->subname)), to = quote_ident(pg::text(stmt->newname));
            Finding& f = sink.add(s, "ALTER TYPE " + pg::display_name(stmt->relation) + " RENAME ATTRIBUTE " + from + " TO " + to +
                                         " CASCADE renames column " + from + " of typed table " + lock.relation +
                                         ": every query that still names " + from +
                                         " breaks, and code deployed before this migration fails until it is replaced");
            f.relation = lock.relation;
            f.fix = "keep the attribute's name while old code runs; deploy code that names " + to + " first, or make " +
                    lock.relation + " a plain table (ALTER TABLE ... NOT OF) and keep the old name readable through a view";
        }
    }
}

void check(const FileContext& ctx, Sink& sink) {
    report_chains(ctx, sink);
    report_typed_tables(ctx, sink);
    std::vector<ColumnRename> renames;
    std::vector<ViewCreated> views;
    std::map<std::size_t, QualifiedName> origin;  // statement -> the renamed table's name before this file renamed it
    std::vector<std::pair<QualifiedName, QualifiedName>> table_names;  // current -> original
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        if (const auto* view = pg::as<ViewStmt>(ctx.stmts[i]); view != nullptr && view->view != nullptr) {
            views.push_back({i, name_of_range_var(view->view), view->query});
        }
        const auto* stmt = pg::as<RenameStmt>(ctx.stmts[i]);
        if (stmt == nullptr || stmt->relation == nullptr) continue;
        QualifiedName rel = name_of_range_var(stmt->relation);
        std::string newname(pg::text(stmt->newname));
        if (stmt->renameType == OBJECT_TABLE) {
            QualifiedName original = rel;
            for (auto& [current, first] : table_names) {
                if (same_name(current, rel)) original = first;
            }
            table_names.push_back({{rel.schema, newname}, original});
        } else if (stmt->renameType == OBJECT_COLUMN && stmt->relationType == OBJECT_TABLE) {
            renames.push_back({i, rel, std::string(pg::text(stmt->subname)), newname});
            origin[i] = rel;
            for (auto& [current, first] : table_names) {
                if (same_name(current, rel)) origin[i] = first;
            }
        }
    }
    for (const auto& r : renames) {
        const StatementFacts& s = ctx.file.statements[r.at];
        const RangeVar* rv = pg::as<RenameStmt>(ctx.stmts[r.at])->relation;
        if (existing_table_lock(s, pg::display_name(rv)) == nullptr) continue;
        if (const auto swap = swap_of(renames, r)) {
            std::string table = pg::display_name(rv);
            std::string a = quote_ident(r.from);
            std::string b = quote_ident(swap->other);
            Finding& f = sink.add(ctx.file.statements[swap->end],
                                  "this migration swaps the names of columns " + a + " and " + b + " of " + table +
                                      " (line " + std::to_string(s.span.start.line) + " on): running code that names " +
                                      a + " silently reads and writes the data that was " + b +
                                      "'s, and the reverse, with no error to show it");
            f.relation = table;
            f.fix = "give the columns new names that no deployed code uses, or deploy code that expects the swap "
                    "before running it";
            continue;
        }
        bool kept = false;
        // A replacement: another column takes the old name, or this one takes a name just given up.
        for (const auto& o : renames) {
            if (!same_name(o.table, r.table) || o.at == r.at) continue;
            if (o.at > r.at && o.to == r.from) kept = true;
            if (o.at < r.at && o.from == r.to) kept = true;
        }
        // A view under the table's old name still shows the old column name.
        for (const auto& v : views) {
            if (v.at > r.at && same_name(v.view, origin[r.at]) && !same_name(origin[r.at], r.table) &&
                exposes(v.query, r.from)) {
                kept = true;
            }
        }
        if (kept) continue;
        // A column this file added: no code deployed before the migration names it.
        bool added_here = false;
        for (std::size_t j = 0; j < r.at && !added_here; ++j) {
            const auto* alter = pg::as<AlterTableStmt>(ctx.stmts[j]);
            if (alter == nullptr || alter->relation == nullptr || !same_name(name_of_range_var(alter->relation), r.table) ||
                name_of_range_var(alter->relation).schema != r.table.schema) {
                continue;
            }
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                // IF NOT EXISTS may have added nothing: the column may be an old one.
                const auto* def = cmd->subtype == AT_AddColumn && !cmd->missing_ok ? pg::as<ColumnDef>(cmd->def) : nullptr;
                added_here = added_here || (def != nullptr && pg::text(def->colname) == r.from);
            }
        }
        if (added_here) continue;
        std::string table = pg::display_name(rv);
        Finding& f = sink.add(s, "renaming column " + quote_ident(r.from) + " of " + table + " to " + quote_ident(r.to) +
                                     " breaks every query that still names " + quote_ident(r.from) +
                                     ": code deployed before this migration fails until it is replaced");
        f.relation = table;
        f.fix = "keep the old name readable and writable while old code runs: a view in the table's place, or a new column kept in sync";
        f.recipe = make_recipe(rv, r.from, r.to);
    }
}

}  // namespace

PGFENCE_RULE(rename_column) {
    return Rule{"rename-column", Risk::High,
                "Renaming a column breaks the application code still running against the old name", nullptr, check,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
