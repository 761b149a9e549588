// ALTER TABLE t ALTER COLUMN c DROP DEFAULT on a table the migration did not create: every INSERT
// of the running release that leaves c out stops getting the default. For a NOT NULL column (a
// serial or identity-like key whose default is nextval(), a flag with DEFAULT false) each such
// INSERT fails "null value in column "c" ... violates not-null constraint" (checked on PostgreSQL
// 15 with a bigserial key); for a nullable one it stores NULL where the default's value was
// stored. No lock shows it. The lock model's note (analyze/drop_default_note.hpp) says whether the
// migrations show the column NOT NULL (HIGH); a column they do not show is MEDIUM, since pgfence
// cannot tell, and so is one whose NOT NULL the file drops too. A column the migrations show with no
// default (made without one, or its default dropped already) is not reported: Sequelize's
// changeColumn sends DROP DEFAULT for every column it changes without a defaultValue. A column
// they do not show may have one and is reported. A default set again in the same statement or later in the
// file is a change of default, not reported. A trigger that fills the column is not looked at.
// The same change by other spellings: SET DEFAULT NULL (NULL::bigint too; PostgreSQL stores no
// default for a NULL constant) and DROP IDENTITY, which leaves an identity column NOT NULL with no
// generator (checked on PostgreSQL 15: INSERT without the column fails "null value in column"), and
// DROP EXPRESSION of a stored generated column (checked likewise on a NOT NULL one).
#include <string>

#include "analyze/model/drop_default_note.hpp"
#include "analyze/model/integrity_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

bool null_constant(const pg::Node* expr);

// At most this many later statements are looked at, so a file stays linear.
constexpr std::size_t k_look_ahead = 2000;

// Does the ALTER TABLE, or another ALTER TABLE of the file on a table of the same name, change the
// column so: SET DEFAULT after it (`set_default`), or DROP NOT NULL before or after it?
bool changed_again(const StatementContext& ctx, const AlterTableStmt* stmt, std::string_view column, bool set_default) {
    const auto changes = [&](const AlterTableStmt* alter) {
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            if (pg::text(cmd->name) != column) continue;
            if (set_default && cmd->subtype == AT_ColumnDefault && cmd->def != nullptr && !null_constant(cmd->def)) return true;
            if (set_default && cmd->subtype == AT_AddIdentity) return true;
            if (!set_default && cmd->subtype == AT_DropNotNull) return true;
        }
        return false;
    };
    if (changes(stmt)) return true;
    if (ctx.stmts == nullptr) return false;
    // SET DEFAULT: later in the file; DROP NOT NULL: anywhere near (an ORM's changeColumn drops NOT
    // NULL just before the default).
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    const std::size_t from = set_default ? at + 1 : (at > k_look_ahead ? at - k_look_ahead : 0);
    for (std::size_t i = from; i < ctx.stmts->size() && i <= at + k_look_ahead; ++i) {
        if (i == at) continue;
        const auto* later = pg::as<AlterTableStmt>((*ctx.stmts)[i]);
        if (later != nullptr && later->relation != nullptr && pg::relname(later->relation) == pg::relname(stmt->relation) &&
            changes(later)) {
            return true;
        }
    }
    return false;
}

// SET DEFAULT NULL, NULL::bigint: no default stored (StoreAttrDefault skips a NULL constant).
bool null_constant(const pg::Node* expr) {
    while (const auto* cast = pg::as<TypeCast>(expr)) expr = cast->arg;
    const auto* value = pg::as<A_Const>(expr);
    return value != nullptr && value->isnull;
}

// Was the column added by an earlier ALTER TABLE ... ADD COLUMN of the file? The running release
// does not know it, and what its inserts meet there is the ADD COLUMN's (and its NOT NULL's) to
// report: a plan that folds a backfill into the column's DEFAULT drops that default right after.
bool added_earlier(const StatementContext& ctx, const AlterTableStmt* stmt, std::string_view column) {
    bool added = false;
    operation::for_each_earlier(ctx, [&](const StatementFacts&, const pg::Node* earlier) {
        const auto* alter = pg::as<AlterTableStmt>(earlier);
        if (alter == nullptr || alter->relation == nullptr || pg::relname(alter->relation) != pg::relname(stmt->relation)) {
            return false;
        }
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* def = pg::as<ColumnDef>(cmd->def);
            if (cmd->subtype == AT_AddColumn && def != nullptr && pg::text(def->colname) == column) added = true;
        }
        return added;
    });
    return added;
}

// Each subcommand of an ALTER TABLE of a table the migration did not create (the finding is
// about that subcommand: schema::each_alter_cmd says which).
void check(const StatementContext& ctx, Sink& sink) {
    schema::each_alter_cmd(ctx, schema::TableEffectNeeded::none, [&](const schema::AlteredTable& altered, const AlterTableCmd* cmd) {
        const AlterTableStmt* stmt = altered.stmt;
        const std::string& table = altered.table;
        const bool identity = cmd->subtype == AT_DropIdentity;
        const bool expression = cmd->subtype == AT_DropExpression;
        const bool set_null = cmd->subtype == AT_ColumnDefault && cmd->def != nullptr && null_constant(cmd->def);
        if (cmd->name == nullptr ||
            !(identity || expression || set_null || (cmd->subtype == AT_ColumnDefault && cmd->def == nullptr))) {
            return;
        }
        const std::string_view name = pg::text(cmd->name);
        if (changed_again(ctx, stmt, name, true) || added_earlier(ctx, stmt, name)) return;
        const std::string column = quote_ident(name);
        if (set_null) {
            // A column of a domain with constraints: NULL is stored as its default, over the domain's.
            const std::string domain = read_domain_default_note(ctx.statement, table, column);
            if (!domain.empty()) {
                Finding& f = sink.add(ctx.statement,
                                      "SET DEFAULT NULL on " + table + "." + column + ", a column of domain " + domain +
                                          " with constraints: on a domain column PostgreSQL stores NULL as the column's "
                                          "default, which overrides the domain's own default, so every INSERT of the running "
                                          "release that leaves " + column + " out gets NULL instead of the default it got, "
                                          "and when the domain is NOT NULL each fails \"domain " + domain +
                                          " does not allow null values\", with no lock to show it");
                f.relation = table;
                f.fix = "DROP DEFAULT instead (the domain's default applies again), or SET DEFAULT to the value meant";
                return;
            }
        }
        if (read_no_default_note(ctx.statement, table, column)) return;
        const std::optional<DroppedDefault> known = read_drop_default_note(ctx.statement, table, column);
        // DROP NOT NULL in the file too: the inserts that leave it out store NULL (the intent, usually).
        // An identity column is NOT NULL whatever the migrations show (DROP IDENTITY keeps that).
        const bool nullable = !identity && (changed_again(ctx, stmt, name, false) || (known && !known->not_null));
        const std::string what = table + "." + column;
        const std::string spelling = identity     ? "DROP IDENTITY"
                                     : expression ? "DROP EXPRESSION (the generated column becomes one without a default)"
                                     : set_null   ? "SET DEFAULT NULL (no default, as DROP DEFAULT)"
                                                  : "DROP DEFAULT";
        std::string message = spelling + " on " + what + ": every INSERT of the running release that leaves " + column +
                              " out no longer gets its default (a key's nextval(), a flag's value, unless a trigger fills it); ";
        if (identity) {
            message += "an identity column is NOT NULL, and DROP IDENTITY keeps that: each such INSERT fails \"null value "
                       "in column violates not-null constraint\"";
        } else if (!nullable && known) {
            message += "the column is NOT NULL, as the migrations show it, and each such INSERT fails \"null value in "
                       "column violates not-null constraint\"";
        } else if (!nullable) {
            message += "pgfence does not know the column: when it is NOT NULL (a serial key is), each such INSERT fails "
                       "\"null value in column violates not-null constraint\", else it stores NULL there";
        } else {
            message += "it stores NULL there instead, which readers of " + column + " may not expect";
        }
        Finding& f = sink.add(ctx.statement, message + ", with no lock to show it");
        if (nullable || (!known && !identity)) f.risk = Risk::Medium;
        f.relation = table;
        f.fix = "deploy code that always writes " + column + " first, and drop the default in a later migration; to "
                "change the default, SET DEFAULT to the new one instead";
    });
}

}  // namespace

PGFENCE_RULE(drop_column_default) {
    return Rule{"drop-column-default", Risk::High,
                "ALTER COLUMN ... DROP DEFAULT, SET DEFAULT NULL or DROP IDENTITY makes the inserts that leave the column out "
                "fail (NOT NULL) or store NULL",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
