// ALTER TABLE t RENAME CONSTRAINT a TO b of a constraint the migration did not make, and ALTER INDEX
// a RENAME TO b of the index of a PRIMARY KEY, UNIQUE or EXCLUDE constraint (which renames the
// constraint with it: model/renamed_constraint.hpp): running code names constraints (INSERT ... ON
// CONFLICT ON CONSTRAINT a, SET CONSTRAINTS a, error handlers that match a violation's constraint
// name), and from the moment the rename commits that code fails, "constraint "a" for table "t" does
// not exist" (red team R68 B13, checked on PostgreSQL 15).
#include <string>
#include <string_view>

#include "analyze/model/renamed_constraint.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The name PostgreSQL gives an unnamed constraint of `table` (ChooseConstraintName's labels), as
// far as a rename's target tells: <table>_..._<label>, with a number after a clash.
bool generated_name(std::string_view name, std::string_view table, ConstrType type) {
    const char* label = type == CONSTR_PRIMARY ? "_pkey" : type == CONSTR_UNIQUE ? "_key" : type == CONSTR_EXCLUSION ? "_excl"
                      : type == CONSTR_CHECK ? "_check" : type == CONSTR_FOREIGN ? "_fkey" : nullptr;
    if (label == nullptr || !name.starts_with(table) || name.size() <= table.size() || name[table.size()] != '_') return false;
    while (!name.empty() && name.back() >= '0' && name.back() <= '9') name.remove_suffix(1);
    return name.ends_with(label);
}

// Did an earlier statement of this file make the constraint (or give it its name)? `table` empty:
// on any table (an index whose table pgfence does not know).
bool made_earlier(const StatementContext& ctx, std::string_view table, std::string_view name) {
    bool made = false;
    operation::for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* stmt) {
        if (const auto* rename = pg::as<RenameStmt>(stmt); rename != nullptr && rename->newname != nullptr) {
            made = pg::text(rename->newname) == name &&
                   (rename->renameType == OBJECT_TABCONSTRAINT || rename->renameType == OBJECT_INDEX || rename->renameType == OBJECT_TABLE);
        } else if (const auto* index = pg::as<IndexStmt>(stmt); index != nullptr && index->idxname != nullptr) {
            made = pg::text(index->idxname) == name;  // a later ADD CONSTRAINT ... USING INDEX takes it
        } else if (const auto* alter = pg::as<AlterTableStmt>(stmt); alter != nullptr && alter->relation != nullptr) {
            const std::string_view on = pg::relname(alter->relation);
            if (!table.empty() && on != table) return false;
            for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
                const auto* con = cmd->subtype == AT_AddConstraint ? pg::as<Constraint>(cmd->def) : nullptr;
                if (con == nullptr) continue;
                if (con->conname != nullptr) made = made || pg::text(con->conname) == name;
                else if (con->indexname != nullptr) made = made || pg::text(con->indexname) == name;
                else made = made || generated_name(name, on, con->contype);
            }
        }
        return made;
    });
    return made;
}

// Is `name` a PRIMARY KEY's: the model knows it (renamed_constraint.hpp), or it is the name PostgreSQL
// gives one (<table>_pkey, with a number after a clash) and the model knows nothing else of it.
bool primary_key(const StatementContext& ctx, std::string_view name) {
    const std::string known = std::string(model::k_renamed_constraint_note) + "known " + std::string(model::k_primary_key) + quote_ident(name) + " of ";
    for (const std::string& note : ctx.statement.notes) {
        if (note.starts_with(known)) return true;
    }
    while (!name.empty() && name.back() >= '0' && name.back() <= '9') name.remove_suffix(1);
    return name.ends_with("_pkey");
}

// A PRIMARY KEY's new name is MEDIUM: code reaches a primary key by its columns (ON CONFLICT (id), every
// ORM's upsert and find by id); naming it (ON CONFLICT ON CONSTRAINT posts_pkey, an error handler
// matching the name) is rare, and a duplicate key on a generated id rarer (a DBA's review of fider
// and automatisch: 9 renames of ..._pkey with their tables, none named in code).
const char* const k_primary_key_harm = " (a PRIMARY KEY: code reaches it by its columns, ON CONFLICT (id) and every ORM's upsert; "
                                       "what breaks is code that names it, ON CONFLICT ON CONSTRAINT or an error handler matching the name)";

// `table` empty: not known.
std::string harm(const std::string& constraint, const std::string& table) {
    return "running code that names it fails from the moment it commits: INSERT ... ON CONFLICT ON "
           "CONSTRAINT " + constraint + " (\"constraint " + constraint + (table.empty() ? "" : " for table " + table) +
           " does not exist\"), SET CONSTRAINTS " + constraint + ", and error handlers that match a violation's constraint name";
}

const std::string k_fix = "keep the name; or deploy code that no longer names the constraint (ON CONFLICT (its columns) instead "
                          "of ON CONSTRAINT) or names the new one first, then rename it in a later migration";

void check(const StatementContext& ctx, Sink& sink) {
    const auto* rename = ctx.as<RenameStmt>();
    if (rename == nullptr || rename->relation == nullptr || rename->newname == nullptr) return;
    const std::string to = quote_ident(pg::text(rename->newname));
    if (rename->renameType == OBJECT_TABCONSTRAINT && rename->subname != nullptr) {
        const std::string table = pg::display_name(rename->relation);
        if (operation::existing(ctx.statement, table) == nullptr) return;  // a table made in this migration
        if (made_earlier(ctx, pg::relname(rename->relation), pg::text(rename->subname))) return;
        const std::string from = quote_ident(pg::text(rename->subname));
        // A foreign key's or CHECK's name as PostgreSQL gives it: no index backs it, so no ON
        // CONFLICT can name it (PostgreSQL 15: "constraint in ON CONFLICT clause has no associated
        // index"), and SET CONSTRAINTS names only deferrable ones: what breaks is an error handler
        // that matches a violation's constraint name (a DBA's review of Lemmy and Outline).
        const std::string_view sub = pg::text(rename->subname);
        if (sub.ends_with("_fkey") || sub.ends_with("_check")) {
            Finding& f = sink.add(ctx.statement, "renaming constraint " + from + " of " + table + " to " + to +
                                                     ": code that matches a violation's constraint name (an error handler, a "
                                                     "test) no longer recognises it, and SET CONSTRAINTS " + from +
                                                     " fails if the constraint is deferrable");
            f.risk = Risk::Medium;
            f.relation = table;
            f.fix = k_fix;
            return;
        }
        Finding& f = sink.add(ctx.statement, "renaming constraint " + from + " of " + table + " to " + to + ": " + harm(from, table) +
                                                 (primary_key(ctx, sub) ? k_primary_key_harm : ""));
        if (primary_key(ctx, sub)) f.risk = Risk::Medium;
        f.relation = table;
        f.fix = k_fix;
        return;
    }
    for (const std::string& note : ctx.statement.notes) {
        if (!note.starts_with(model::k_renamed_constraint_note)) continue;
        const std::string_view rest = std::string_view(note).substr(model::k_renamed_constraint_note.size());
        const bool known = rest.starts_with("known ");
        const std::string index = pg::display_name(rename->relation);
        if (operation::existing(ctx.statement, index) == nullptr) return;  // an index made in this migration
        const std::string from = quote_ident(pg::relname(rename->relation));
        std::string table;
        if (known) {
            const std::size_t of = rest.find(" of ");
            if (of != std::string_view::npos) table = std::string(rest.substr(of + 4));
        }
        if (made_earlier(ctx, {}, pg::relname(rename->relation))) return;
        const std::string what = known ? " renames the constraint " + from + " of " + table + " with it (a PRIMARY KEY, UNIQUE or "
                                                                                          "EXCLUDE constraint and its index share their name): "
                                       : ": pgfence does not know the index, and its name is the one PostgreSQL gives the index of a "
                                         "PRIMARY KEY, UNIQUE or EXCLUDE constraint; if it backs one, the constraint is renamed with "
                                         "it, and ";
        const bool primary = rest.starts_with("known " + std::string(model::k_primary_key)) ||
                             (!known && primary_key(ctx, pg::relname(rename->relation)));
        Finding& f = sink.add(ctx.statement, "ALTER INDEX " + index + " RENAME TO " + to + what + harm(from, table) +
                                                 (primary ? k_primary_key_harm : ""));
        if (primary) f.risk = Risk::Medium;
        if (known) f.relation = table;
        f.fix = k_fix;
        return;
    }
}

}  // namespace

PGFENCE_RULE(rename_constraint) {
    return Rule{"rename-constraint", Risk::High,
                "Renaming a constraint (or the index of a PRIMARY KEY, UNIQUE or EXCLUDE constraint) breaks the code that names it: "
                "ON CONFLICT ON CONSTRAINT, SET CONSTRAINTS",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
