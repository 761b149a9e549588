// ALTER COLUMN c TYPE t COLLATE x (or a type or domain that brings another collation) on an
// existing table, where the old or the new collation is nondeterministic, or pgfence did not see
// one of them made (a collation not made in the migrations it read, a column whose current
// collation it does not know). A nondeterministic collation compares strings as equal that differ
// in bytes (case, accents, as its ICU rules say; CREATE COLLATION ... deterministic = false), so a
// change to or from one changes what = , GROUP BY, DISTINCT and UNIQUE mean for the column's
// existing rows: a unique index on it can fail to build again from rows that now collide, a
// lookup finds other rows, and LIKE on the column errors ("nondeterministic collations are not
// supported for LIKE", PostgreSQL before 18). Red team F1 COLLCI, on PostgreSQL 15 (one million
// rows): after the change to an und-u-ks-level1 collation the application's INSERT of 'widget'
// failed with a duplicate key on 'Widget', `name = 'WIDGET'` found 1 row instead of 0, and LIKE
// errored. The locking cost of the same statement (its indexes built again) is
// alter-column-type-rewrite's.
#include <string>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

void check(const StatementContext& ctx, Sink& sink) {
    each_alter_cmd(ctx, TableEffectNeeded::none, [&](const AlteredTable& t, const AlterTableCmd* cmd) {
        if (cmd->subtype != AT_AlterColumnType) return;
        std::string col = quote_ident(pg::text(cmd->name));
        std::optional<CollationChange> change = collation_change(ctx.statement, col);
        if (!change) return;
        bool from_nd = change->from_deterministic == false, to_nd = change->to_deterministic == false;
        if (change->from_deterministic == true && change->to_deterministic == true) return;
        std::string what = "ALTER COLUMN " + col + " of " + t.table + " changes its collation " + change->names;
        std::string effect;
        if (to_nd && from_nd) {
            effect = ", both nondeterministic: strings the old one compared as equal may differ under the new one and the "
                     "other way round";
        } else if (to_nd) {
            effect = ", a nondeterministic collation: strings that differ only as it ignores (case, accents) become equal, so "
                     "a unique index on " + col + " fails on existing rows that now collide, = and GROUP BY find and merge "
                     "other rows, and LIKE on " + col + " errors (PostgreSQL before 18)";
        } else if (from_nd) {
            effect = ", away from a nondeterministic collation: strings it compared as equal become distinct, so lookups by "
                     "= stop finding rows written in another case, and uniqueness that relied on it no longer holds";
        } else {
            effect = ", and whether " +
                     std::string(change->from_deterministic ? "the new collation" :
                                 change->to_deterministic ? "the current collation" : "either collation") +
                     " is deterministic is not known (pgfence did not see it made): a change to or from a "
                     "nondeterministic collation changes what =, GROUP BY and UNIQUE mean for the existing rows "
                     "(a unique index can fail on rows that now collide) and makes LIKE on " + col + " error";
        }
        Finding& f = sink.add(ctx.statement, what + effect);
        f.relation = t.table;
        f.fix = "add a new column with the new collation, backfill it in batches, check the rows it makes equal "
                "(SELECT c COLLATE x, count(*) ... GROUP BY 1 HAVING count(*) > 1), build its indexes with CREATE INDEX "
                "CONCURRENTLY, move the application's queries to it, then drop the old column";
    });
}

}  // namespace

PGFENCE_RULE(collation_equality_change) {
    return Rule{"collation-equality-change", Risk::High,
                "A column's collation changed to or from a nondeterministic one (or one pgfence did not see made) changes "
                "equality, uniqueness and LIKE for its existing rows",
                check, nullptr, true, "types"};
}

}  // namespace pgfence::analyze::rules
