#include <cctype>
#include <optional>

#include "analyze/model/catalog.hpp"
#include "analyze/model/check_constraints.hpp"
#include "analyze/model/typed_table_note.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// The parts of ALTER COLUMN c TYPE t [COLLATE x] [USING e] as written.
struct TypeChangeText {
    std::string type;     // "bigint", with COLLATE if given
    std::string using_expr;  // "" when there is no USING
    std::size_t using_begin = 0;
};

TypeChangeText type_change_text(std::string_view sql, const ColumnDef* def) {
    TypeChangeText out;
    std::size_t start = static_cast<std::size_t>(std::max(0, def->location));
    std::size_t end = clause_end(sql, start);
    std::size_t type_at =
        static_cast<std::size_t>(std::max(0, def->typeName != nullptr ? def->typeName->location : 0));
    std::size_t using_at = find_keyword(sql, type_at, end, "USING");
    std::size_t type_end = using_at == std::string_view::npos ? end : using_at;
    out.type = trim(sql.substr(type_at, type_end - type_at));
    if (using_at != std::string_view::npos) {
        out.using_begin = using_at + 5;
        while (out.using_begin < end && std::isspace(static_cast<unsigned char>(sql[out.using_begin]))) ++out.using_begin;
        out.using_expr = trim(sql.substr(out.using_begin, end - out.using_begin));
    }
    return out;
}

// A new type that every type converting to it without a rewrite reaches with another operator
// class: citext, from text or varchar(n) (citext's extension script declares those casts WITHOUT
// FUNCTION; their indexes use text_ops, citext's citext_ops). With the current type unknown, the
// statement then rewrites the table or builds its indexes on the column again: as costly as a
// CREATE INDEX without CONCURRENTLY, not a "may".
bool rebuilds_either_way(const ColumnDef* def) {
    if (def == nullptr || def->typeName == nullptr || def->raw_default != nullptr) return false;
    return pg::last_name(def->typeName->names) == "citext";
}

// The CHECKs the model says the type change checks again on column `col` (quoted): "a, b", or "".
std::string rechecked(const StatementFacts& statement, const std::string& col) {
    const std::string prefix = "ALTER COLUMN " + col + " TYPE ";
    const std::string tail = " on " + col;
    for (const std::string& note : statement.notes) {
        const std::size_t at = note.find(model::k_recheck_marker);
        if (!note.starts_with(prefix) || at == std::string::npos || !note.ends_with(tail)) continue;
        const std::size_t from = at + model::k_recheck_marker.size();
        return note.substr(from, note.size() - tail.size() - from);
    }
    return {};
}

Recipe make_recipe(const StatementContext& ctx, const AlterTableCmd* cmd, const ColumnDef* def, const RangeVar* rv) {
    std::string table = pg::display_name(rv);
    std::string relname(pg::relname(rv));
    std::string name(pg::text(cmd->name));
    TypeChangeText change = type_change_text(ctx.statement.sql, def);
    std::string col = quote_ident(name);
    std::string fresh = quote_ident(object_name(name, "new", ""));
    std::string old = quote_ident(object_name(name, "old", ""));
    std::string sync = object_name(relname, name, "sync");
    std::string function = schema_prefix(rv) + quote_ident(sync);
    std::string row_value = "NEW." + col, value = col;
    if (!change.using_expr.empty()) {
        value = "(" + prefix_columns(change.using_expr, change.using_begin, def->raw_default, "") + ")";
        row_value = "(" + prefix_columns(change.using_expr, change.using_begin, def->raw_default, "NEW.") + ")";
    }
    std::string tag = dollar_tag(row_value);

    Recipe recipe;
    recipe.summary = "Expand and contract: add a column of the new type kept in sync by a trigger, backfill it in batches, swap the names in one short transaction, then drop the old column";
    int number = 1;
    recipe.steps.push_back(
        {migration_title(number),
         others_note(ctx.as<AlterTableStmt>()) + "ALTER TABLE " + table + " ADD COLUMN " + fresh + " " + change.type + ";\n" +
             "CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS " + tag + "\nBEGIN\n  NEW." + fresh +
             " := " + row_value + ";\n  RETURN NEW;\nEND\n" + tag + ";\n" +
             "CREATE TRIGGER " + quote_ident(sync) + " BEFORE INSERT OR UPDATE ON " + table +
             "\n  FOR EACH ROW EXECUTE FUNCTION " + function + "();\n" +
             "-- All instant: every row written from now on carries both columns.",
         true});
    recipe.steps.push_back(backfill_step(table, object_name(name, "new", ""), value,
                                         fresh + " IS NULL AND " + value + " IS NOT NULL"));
    recipe.steps.push_back(
        {migration_title(number),
         "-- Before this: give " + fresh + " what " + col + " has (indexes with CREATE INDEX CONCURRENTLY,\n"
         "-- constraints NOT VALID then VALIDATE, its default, NOT NULL through a validated CHECK).\n"
         "-- Then swap the names in one short transaction:\n"
         "DROP TRIGGER " + quote_ident(sync) + " ON " + table + ";\n" +
             "DROP FUNCTION " + function + "();\n" +
             "ALTER TABLE " + table + " RENAME COLUMN " + col + " TO " + old + ";\n" +
             "ALTER TABLE " + table + " RENAME COLUMN " + fresh + " TO " + col + ";\n" +
             "-- Views that read " + col + " keep reading " + old + " until they are recreated.",
         true});
    recipe.steps.push_back({migration_title(number),
                            "-- Once nothing reads " + old + ":\nALTER TABLE " + table + " DROP COLUMN " + old + ";", true});
    return recipe;
}

// ALTER TYPE t ALTER ATTRIBUTE a TYPE x CASCADE: each typed table of t the catalog knows is changed
// as by ALTER TABLE ... ALTER COLUMN a TYPE x (analyze/model/typed_tables.hpp; red team h1
// T_TYPEDALTER). No recipe: a typed table cannot take a column of its own.
// A composite type has no rows of its own: with CASCADE and no typed table the catalog knows, the
// tables it changes are not known, which is said (MEDIUM, no recipe).
void check_typed_tables(const StatementContext& ctx, const AlterTableStmt* stmt, Sink& sink) {
    if (stmt->relation == nullptr) return;
    bool known = false;
    for (const LockFact& lock : ctx.statement.locks) known = known || (!lock.is_new && lock.reason.starts_with(k_typed_table_reason));
    if (!known && existing_table_lock(ctx.statement, pg::display_name(stmt->relation)) != nullptr) {
        int index = -1;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            ++index;
            if (cmd->subtype != AT_AlterColumnType || cmd->behavior != DROP_CASCADE) continue;
            ctx.subcommand = index;
            Finding& f = sink.add(ctx.statement, "ALTER TYPE " + pg::display_name(stmt->relation) + " ALTER ATTRIBUTE " +
                                                     quote_ident(pg::text(cmd->name)) + " ... CASCADE changes that column of every "
                                                     "typed table of the type (CREATE TABLE ... OF), which the migrations pgfence "
                                                     "read do not show: each may be rewritten under ACCESS EXCLUSIVE");
            f.risk = Risk::Medium;
            f.fix = "check which tables are of the type (SELECT relname FROM pg_class WHERE reloftype = " +
                    quote_literal(pg::display_name(stmt->relation)) + "::regtype) and change their columns online instead";
        }
        ctx.subcommand = -1;
        return;
    }
    for (const LockFact& lock : ctx.statement.locks) {
        if (lock.is_new || !lock.reason.starts_with(k_typed_table_reason)) continue;
        int index = -1;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            ++index;
            const auto* def = pg::as<ColumnDef>(cmd->def);
            if (cmd->subtype != AT_AlterColumnType || cmd->behavior != DROP_CASCADE || def == nullptr) continue;
            const std::string col = quote_ident(pg::text(cmd->name));
            const TableEffect* rewrite = effect_for(ctx.statement.rewrites, lock.relation, "ALTER COLUMN " + col + " TYPE ");
            if (rewrite == nullptr) continue;
            const std::string type = def->typeName != nullptr ? canonical_type(def->typeName) : std::string("the new type");
            ctx.subcommand = index;
            Finding& f = sink.add(ctx.statement, "ALTER TYPE " + pg::display_name(stmt->relation) + " ALTER ATTRIBUTE " + col +
                                                     " TYPE " + type + " CASCADE changes column " + col + " of typed table " +
                                                     lock.relation + (rewrite->certain ? ", which rewrites " : ", which may rewrite ") +
                                                     lock.relation + " and rebuilds its indexes while holding " +
                                                     describe_lock(lock) + ": " + effect_detail(*rewrite));
            if (!rewrite->certain) f.risk = Risk::Medium;
            f.relation = lock.relation;
            f.fix = "a typed table's columns follow its type: make " + lock.relation + " a plain table first (ALTER TABLE " +
                    lock.relation + " NOT OF), then change the column online (a new column kept in sync by a trigger, "
                    "backfilled in batches, the names swapped)";
        }
        ctx.subcommand = -1;
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* stmt = ctx.as<AlterTableStmt>(); stmt != nullptr && stmt->objtype == OBJECT_TYPE) {
        return check_typed_tables(ctx, stmt, sink);
    }
    each_alter_cmd(ctx, TableEffectNeeded::none, [&](const AlteredTable& t, const AlterTableCmd* cmd) {
        const auto* def = pg::as<ColumnDef>(cmd->def);
        if (cmd->subtype != AT_AlterColumnType || def == nullptr) return;
        std::string col = quote_ident(pg::text(cmd->name));
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, t.table, "ALTER COLUMN " + col + " TYPE ");
        std::string type = type_change_text(ctx.statement.sql, def).type;
        if (rewrite == nullptr) {
            // Binary-coercible: the rows stay, but an index whose operator class changes (text to
            // citext), or whose collation does (COLLATE), is built again from every row under the same ACCESS EXCLUSIVE lock, which
            // blocks reads too (on PostgreSQL 15 the index's relfilenode changes, the table's does
            // not, and pg_locks shows AccessExclusiveLock on both during the statement): as costly
            // for traffic as a CREATE INDEX without CONCURRENTLY, and worse.
            std::optional<std::string> indexes = rebuilt_indexes(ctx.statement, col);
            const std::string checks = rechecked(ctx.statement, col);
            if (!indexes && checks.empty()) return;  // catalog only
            if (!indexes) {
                // Only the CHECKs that name it: re-added, each reads every row (model/check_constraints.hpp).
                Finding& f = sink.add(ctx.statement, "ALTER COLUMN " + col + " TYPE " + type + " keeps the rows of " + t.table +
                                                         " but reads every row again to check CHECK " + checks +
                                                         " (PostgreSQL drops and re-adds the CHECKs that name the column) while "
                                                         "holding " + describe_lock(t.lock) + ": reads and writes wait for the whole scan");
                f.relation = t.table;
                f.fix = "in one transaction drop " + checks + ", change the type and add each CHECK back NOT VALID (no row is "
                        "read); then VALIDATE CONSTRAINT in a later migration, under a lock that lets reads and writes go on";
                return;
            }
            Finding& f = sink.add(ctx.statement, "ALTER COLUMN " + col + " TYPE " + type + " keeps the rows of " + t.table +
                                                     " but builds its indexes on " + col + " again (" + *indexes + ")" +
                                                     (checks.empty() ? "" : " and reads every row again to check CHECK " + checks) +
                                                     " while holding " + describe_lock(t.lock) +
                                                     ": reads and writes wait for the whole index build");
            f.relation = t.table;
            f.fix = "add a new column of type " + type + ", keep it in sync with a trigger, backfill it in batches, build "
                    "its indexes with CREATE INDEX CONCURRENTLY, then swap the column names";
            f.recipe = make_recipe(ctx, cmd, def, t.relation);
            return;
        }
        Finding& f = sink.add(ctx.statement, "ALTER COLUMN " + col + " TYPE " + type +
                                                 (rewrite->certain ? " rewrites " + t.table + " and rebuilds"
                                                                  : " may rewrite " + t.table + " and rebuild") +
                                                 " its indexes while holding " + describe_lock(t.lock) + ": " +
                                                 effect_detail(*rewrite));
        if (!rewrite->certain && !rebuilds_either_way(def)) f.risk = Risk::Medium;
        if (!rewrite->certain && rebuilds_either_way(def)) {
            f.message += "; and the types that convert to citext without a rewrite (text, varchar) use another "
                         "operator class, so then every index on " + col + " is built again under the same lock "
                         "(checked on PostgreSQL 15): either way reads wait for table-sized work, unless " + col +
                         " is citext already or has no index";
        }
        f.relation = t.table;
        f.fix = "add a new column of type " + type + ", keep it in sync with a trigger, backfill it in batches, then swap the column names";
        f.recipe = make_recipe(ctx, cmd, def, t.relation);
    });
}

}  // namespace

PGFENCE_RULE(alter_column_type_rewrite) {
    return Rule{"alter-column-type-rewrite", Risk::High,
                "ALTER COLUMN ... TYPE that rewrites the table and its indexes while the table is locked", check,
                nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
