#include <algorithm>
#include <utility>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "analyze/model/relation_pick.hpp"
#include "analyze/model/domain_defaults.hpp"
#include "analyze/model/typed_tables.hpp"
#include "analyze/model/cascade_note.hpp"
#include "analyze/model/check_constraints.hpp"
#include "analyze/model/alter_table_locks.hpp"
#include "analyze/model/subcommand_judgement.hpp"
#include "analyze/model/alter_table_parts.hpp"
#include "analyze/model/collations.hpp"
#include "analyze/model/empty_tables.hpp"
#include "analyze/model/integrity.hpp"
#include "analyze/model/model.hpp"
#include "analyze/model/types.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/model/owner_note.hpp"
#include "analyze/model/pk_using_index_note.hpp"
#include "analyze/model/sequence_types.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;
using alter::Accumulated;
using alter::raise;

// Where SET NOT NULL on a column the catalog does not list is kept (as a Catalog object use; no
// name PostgreSQL stores holds a NUL byte), for a table of columns_nullable.
std::string set_not_null_key(const std::string& table) { return std::string("\0set-not-null:", 14) + table; }

// The key columns of index `index` on `table` the catalog knows nullable, quoted and joined ("" when
// none, or when the index or a column is not known: then the scan stays uncertain).

std::string nullable_index_keys(Context& ctx, const std::string& index, const std::string& table) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(index);
    if (info == nullptr || !info->index || info->index_table != table) return {};
    std::string out;
    for (const std::string& key : info->index->keys) {
        if (key.empty()) continue;
        const ColumnInfo* column = ctx.catalog.column(table, key);
        // A column the catalog does not list, of a table whose unlisted columns are nullable
        // (CREATE TABLE AS, SELECT INTO, typed tables), unless SET NOT NULL was seen on it since.
        if (column == nullptr) {
            const RelationInfo* rel = std::as_const(ctx.catalog).find(table);
            const std::vector<std::string>* set = ctx.catalog.object_uses(set_not_null_key(table));
            if (rel == nullptr || !rel->columns_nullable || (set != nullptr && std::find(set->begin(), set->end(), key) != set->end())) continue;
            out += (out.empty() ? "" : ", ") + quote_ident(key);
            continue;
        }
        if (column == nullptr || column->not_null || column->has_not_null_check) continue;
        out += (out.empty() ? "" : ", ") + quote_ident(key);
    }
    return out;
}

bool existing_rel_is_new(Context& ctx, const std::string& table) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(table);
    return info != nullptr && info->is_new;
}
using alter::Target;
using alter::drop_column_indexes;
using alter::drop_foreign_keys;
using alter::note_index_rebuilds;

std::string column_type_text(const ColumnDef* column_def) {
    return column_def != nullptr && column_def->typeName != nullptr ? canonical_type(column_def->typeName) : std::string();
}

bool is_null_const(const pg::Node* expr) {
    while (const TypeCast* cast = pg::as<TypeCast>(expr)) expr = cast->arg;  // NULL::bigint is a NULL too
    const A_Const* c = pg::as<A_Const>(expr);
    return c != nullptr && c->isnull;
}

// The only field of a ColumnRef naming one column, or "".
std::string_view single_column(const pg::Node* expr) {
    const ColumnRef* ref = pg::as<ColumnRef>(expr);
    return ref != nullptr && pg::length(ref->fields) == 1 ? pg::text(pg::nth(ref->fields, 0)) : std::string_view();
}

// Column name of a CHECK (col IS NOT NULL) expression, or "".
std::string not_null_check_column(const Constraint* constraint) {
    const NullTest* t = pg::as<NullTest>(constraint->raw_expr);
    if (t == nullptr || t->nulltesttype != IS_NOT_NULL) return {};
    const ColumnRef* ref = pg::as<ColumnRef>(t->arg);
    return ref != nullptr ? std::string(pg::text(pg::last(ref->fields))) : std::string();
}

// Built-in and common extension types: never domains.
bool plain_type(const std::string& base) {
    static const std::set<std::string> k_types = {
        "int2", "int4", "int8", "float4", "float8", "numeric", "money", "bool", "text", "varchar", "bpchar",
        "bytea", "date", "time", "timetz", "timestamp", "timestamptz", "interval", "uuid", "json", "jsonb",
        "xml", "inet", "cidr", "macaddr", "macaddr8", "bit", "varbit", "point", "line", "lseg", "box", "path",
        "polygon", "circle", "tsvector", "tsquery", "oid", "regclass", "name", "char", "int4range", "int8range",
        "numrange", "tsrange", "tstzrange", "daterange", "int4multirange", "int8multirange", "nummultirange",
        "tsmultirange", "tstzmultirange", "datemultirange", "pg_lsn", "txid_snapshot", "pg_snapshot",
        "citext", "hstore", "ltree", "vector", "geometry", "geography", "cube", "isbn", "ean13"};
    return k_types.count(base) > 0;
}

// pg_attribute.attgenerated of a virtual column (ATTRIBUTE_GENERATED_VIRTUAL, catalog/pg_attribute.h).
constexpr char k_generated_virtual = 'v';

// A generated column that PostgreSQL 18 computes when read. Before 18 every generated column is
// stored (the grammar requires STORED); from 18 on VIRTUAL is also the default when neither is written.
bool is_virtual_column(const ColumnDef* def, int pg_version) {
    if (def == nullptr || pg_version < 18) return false;
    for (const Constraint* c : pg::each<Constraint>(def->constraints)) {
        if (c->contype == CONSTR_GENERATED) return c->generated_kind == k_generated_virtual;
    }
    return false;
}

void add_column(const ColumnDef* def, const SubcommandLock& lock, bool if_not_exists, const Target& t,
                Accumulated& acc, StatementFacts& facts, Context& ctx) {
    std::string col(pg::text(def->colname));
    std::string where = std::string(lock.label) + " " + quote_ident(col);
    raise(acc, lock.mode, where, lock.recurses);
    if (if_not_exists && ctx.catalog.column(t.relname, col)) {
        facts.notes.push_back("column " + quote_ident(col) + " exists already: IF NOT EXISTS skips it");
        return;
    }
    auto rewrite = [&](const std::string& why, bool certain = true) {
        add_rewrite_tree(facts, ctx, t.relname, t.display, where + ": " + why, certain);
    };
    bool not_null = false;
    bool has_default = false;
    bool fills = false;  // every row gets its own value: rewrite
    bool virtual_column = is_virtual_column(def, ctx.pg_version);
    if (is_serial_type(def)) {
        rewrite("serial fills every row from nextval()");
        facts.notes.push_back("serial column creates a sequence " + quote_ident(t.relname + "_" + col + "_seq"));
        fills = true;
    }
    for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
        switch (con->contype) {
        case CONSTR_DEFAULT: {
            if (con->raw_expr == nullptr || is_null_const(con->raw_expr)) break;
            has_default = true;
            std::string why;
            if (Volatility v = expression_volatility(con->raw_expr, &ctx.catalog, why); v != Volatility::NotVolatile) {
                // Certain for a volatile built-in, or a function the migrations made that runs
                // per row as planned (created_function_volatility); else it depends on what the
                // migrations do not show.
                bool certain = v == Volatility::Volatile;
                rewrite(certain ? "volatile default " + why + " is evaluated for every row"
                                : "default calls " + why + ", which rewrites the table unless it is STABLE or IMMUTABLE",
                        certain);
                fills = fills || certain;
            } else if (ctx.pg_version < 11) {
                rewrite("before PostgreSQL 11 any non-null default rewrites the table");
                fills = true;
            }
            break;
        }
        case CONSTR_NOTNULL:
            not_null = true;
            break;
        case CONSTR_IDENTITY:
            rewrite("identity column fills every row from its sequence");
            fills = true;
            break;
        case CONSTR_GENERATED:
            if (virtual_column) {
                // ATExecAddColumn queues no new value for a virtual column: only the catalog changes.
                facts.notes.push_back(where + ": virtual generated column, computed when read: no rewrite");
            } else {
                rewrite("stored generated column is computed for every row");
                fills = true;
            }
            break;
        case CONSTR_CHECK:
            if (!con->skip_validation) add_scan(facts, t.display, where + ": CHECK is evaluated for every row");
            break;
        case CONSTR_PRIMARY:
        case CONSTR_UNIQUE:
            add_scan(facts, t.display, where + ": builds a unique index");
            break;
        case CONSTR_FOREIGN:
            if (con->pktable != nullptr) {
                lock_range_var(facts, ctx, con->pktable, k_referenced_add_triggers,
                               where + " REFERENCES: adds triggers on the referenced table");
            }
            break;
        default:
            break;
        }
    }
    // A domain with constraints is checked for every row, default or not: a rewrite.
    std::string base = type_base(column_type_text(def));
    if (!fills && !base.empty() && !is_serial_type(def)) {
        auto constrained = ctx.catalog.domain_has_constraints(base);
        const std::vector<std::string>* volatile_default = ctx.catalog.object_uses(domain_volatile_default_key(base));
        if (constrained && *constrained && volatile_default != nullptr && !volatile_default->empty()) {
            rewrite("domain " + quote_ident(base) + " has a volatile DEFAULT (" + volatile_default->back() +
                    "): every row gets its own value");
        } else if (constrained && *constrained) {
            // A qualified name (information_schema.cardinal_number) as written: canonical_type keeps its parts.
            rewrite("domain " + (base.find('.') == std::string::npos ? quote_ident(base) : base) +
                    " has constraints: every row's value is checked");
        } else if (!constrained && !plain_type(base) && !ctx.catalog.is_known_type(base) &&
                   !base.ends_with("serial") && base.find('.') == std::string::npos) {
            rewrite("rewrites the table if " + quote_ident(base) + " is a domain with constraints", false);
        }
    }
    if (not_null && !has_default && !is_serial_type(def)) {
        add_scan(facts, t.display, where + ": NOT NULL without a default fails unless the table is empty");
        for (auto& e : facts.scans.edit()) e.fails_on_any_row = e.fails_on_any_row || e.relation == t.display;
        // Once it has run, the table and its partitions or children have no row.
        // Only a built-in type proves it: a domain's DEFAULT fills the existing rows (and a type
        // the migrations do not show may be one).
        if (!fills && !virtual_column && plain_type(base)) {
            std::string how = "added " + quote_ident(col) + " NOT NULL without a default, which fails on any row";
            prove_empty(facts, ctx, t.relname, how);
            for (const auto& child : ctx.catalog.descendants(t.relname)) prove_empty(facts, ctx, child, how);
        }
    }
    record_column(ctx, t.relname, def);
    if (auto* c = ctx.catalog.column(t.relname, col)) c->virtual_generated = virtual_column;
}

// ADD CONSTRAINT c NOT NULL col [NOT VALID] (PostgreSQL 18). Valid: the column is checked in
// phase 3 unless a NOT NULL or a validated CHECK (col IS NOT NULL) already proves it
// (set_attnotnull, NotNullImpliedByRelConstraints). NOT VALID: no scan; VALIDATE CONSTRAINT scans
// later under SHARE UPDATE EXCLUSIVE, and SET NOT NULL validates it (ATExecSetNotNull).
void add_not_null_constraint(const Constraint* con, const std::string& label, bool not_valid, const Target& t,
                             StatementFacts& facts, Context& ctx) {
    std::string col(con != nullptr ? pg::text(pg::nth(con->keys, 0)) : std::string_view());
    if (col.empty()) return;
    ColumnInfo* c = ctx.catalog.column(t.relname, col);
    std::string quoted = quote_ident(col);
    if (not_valid) {
        facts.notes.push_back(label + " NOT NULL " + quoted + " NOT VALID: existing rows are not checked");
        std::string name(pg::text(con->conname));
        if (auto* rel = ctx.catalog.find(t.relname); rel && !name.empty()) rel->not_null_checks[name] = col;
        return;
    }
    if (c && c->not_null) {
        facts.notes.push_back(label + ": no scan, " + quoted + " is already NOT NULL");
    } else if (c && c->has_not_null_check) {
        facts.notes.push_back(label + ": no scan, a validated CHECK (" + quoted + " IS NOT NULL) proves it");
    } else {
        add_scan(facts, t.display, label + ": every row of " + quoted + " is checked for NULL", c != nullptr);
    }
    if (c) c->not_null = true;
}

void add_constraint(const Constraint* con, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                    StatementFacts& facts, Context& ctx) {
    std::string name(pg::text(con->conname));
    std::string label = std::string(lock.label) + (name.empty() ? std::string() : " " + quote_ident(name));
    bool not_valid = con->skip_validation;
    std::string usual;
    std::string index = record_constraint(ctx, t.relname, "", con, &usual);
    if (!usual.empty()) facts.notes.push_back(taken_index_name_note(usual, index));
    switch (con->contype) {
    case CONSTR_FOREIGN:
        raise(acc, lock.mode, label + " FOREIGN KEY", lock.recurses);
        if (con->pktable != nullptr) {
            lock_range_var(facts, ctx, con->pktable, k_referenced_add_triggers,
                           label + " FOREIGN KEY: adds triggers on the referenced table");
        }
        if (!not_valid) add_scan(facts, t.display, label + ": validates every row against the referenced table");
        return;
    case CONSTR_NOTNULL:
        raise(acc, lock.mode, label, lock.recurses);
        add_not_null_constraint(con, label, not_valid, t, facts, ctx);
        return;
    case CONSTR_CHECK: {
        raise(acc, lock.mode, label, lock.recurses);
        std::string col = not_null_check_column(con);
        // An unnamed CHECK on one column is named <table>_<column>_check (ChooseConstraintName),
        // the name a later DROP CONSTRAINT gives.
        const std::string key = !name.empty() ? name : col.empty() ? std::string() : t.relname + "_" + col + "_check";
        if (auto* rel = ctx.catalog.find(t.relname); rel != nullptr && !key.empty()) {
            // record_constraint has it (unnamed: under the name PostgreSQL gives it).
            if (auto check = rel->checks.find(key); check != rel->checks.end()) check->second.validated = !not_valid;
            // Which constraint proves the column NOT NULL, so that dropping it takes the proof
            // away (red team R67 A4: a dropped CHECK still spared SET NOT NULL its scan).
            if (!col.empty()) rel->not_null_checks[key] = col;
        }
        if (!not_valid) {
            add_scan(facts, t.display, label + ": CHECK is evaluated for every row");
            if (!col.empty()) {
                if (auto* c = ctx.catalog.column(t.relname, col)) c->has_not_null_check = true;
            }
        }
        return;
    }
    case CONSTR_PRIMARY:
    case CONSTR_UNIQUE:
    case CONSTR_EXCLUSION:
        raise(acc, lock.mode, label, lock.recurses);
        if (con->indexname == nullptr) {
            add_scan(facts, t.display, label + ": builds its index by scanning the table");
        } else if (con->contype == CONSTR_PRIMARY) {
            // The catalog has the index under the constraint's name already (create.cpp record_constraint).
            std::string nullable = nullable_index_keys(ctx, std::string(pg::text(con->indexname)), t.relname);
            if (nullable.empty() && con->conname != nullptr) nullable = nullable_index_keys(ctx, std::string(pg::text(con->conname)), t.relname);
            add_scan(facts, t.display, label + " PRIMARY KEY USING INDEX: sets NOT NULL on its columns, scanning unless they already are",
                     !nullable.empty());
            if (!nullable.empty() && !existing_rel_is_new(ctx, t.relname)) {
                facts.notes.push_back(std::string(k_pk_using_index_scan_note) + "PRIMARY KEY USING INDEX " +
                                      quote_ident(pg::text(con->indexname)) + " sets NOT NULL on " + nullable + " of " + t.display +
                                      ", reading every row while ACCESS EXCLUSIVE blocks the application's reads and writes");
            }
        }
        return;
    default:
        raise(acc, lock.mode, label, lock.recurses);
        return;
    }
}

// USING that only names the column, or casts it to the new type, converts like no USING.
bool trivial_using(const pg::Node* expr, const std::string& column, const std::string& to) {
    if (single_column(expr) == column && !column.empty()) return true;
    const TypeCast* cast = pg::as<TypeCast>(expr);
    return cast != nullptr && single_column(cast->arg) == column && !column.empty() &&
           canonical_type(cast->typeName) == to;
}

void alter_column_type(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                       StatementFacts& facts, Context& ctx) {
    std::string col(pg::text(cmd.name));
    const ColumnDef* def = pg::as<ColumnDef>(cmd.def);
    std::string to = column_type_text(def);
    std::string where = "ALTER COLUMN " + quote_ident(col) + " TYPE " + to;
    raise(acc, lock.mode, where, lock.recurses);
    bool using_clause = def != nullptr && def->raw_default != nullptr && !trivial_using(def->raw_default, col, to);
    ColumnInfo* known = ctx.catalog.column(t.relname, col);
    auto rewrite = [&](const std::string& why, bool certain) {
        add_rewrite_tree(facts, ctx, t.relname, t.display, where + ": " + why, certain);
    };
    std::string from = known ? known->type : std::string();
    std::string from_where;  // where the current type came from, when not from the migration
    const RelationInfo* rel = known && !ctx.is_reshaped(t.relname, col) ? ctx.catalog.find(t.relname) : nullptr;
    if (rel && !rel->source.empty()) {
        from_where = " (current type " + from + " from " + rel->source + ")";
    }
    if (from.empty() && !using_clause) {
        if (auto outside = outside_column(ctx, t.relname, t.display, col)) {
            from = outside->type;
            from_where = " (current type " + outside->shown + " from " + outside->source + ")";
        }
    }
    // The collation after the statement: its COLLATE, its domain's, or the new type's default.
    // Before it: the catalog's column (a COLLATE clause, as pg_dump writes one), else not known.
    std::string to_collation = column_collation(def, ctx.catalog);
    bool collation_known = known != nullptr && !from.empty();
    bool collation_changes = collation_known && known->collation != to_collation;
    if (collation_changes || (!collation_known && def != nullptr && def->collClause != nullptr)) {
        CollationChange change;
        auto shown = [](const std::string& name) { return name.empty() ? std::string("the type's default") : quote_ident(name); };
        change.to_deterministic = collation_deterministic(to_collation, ctx.catalog);
        if (collation_known) {
            change.from_deterministic = collation_deterministic(known->collation, ctx.catalog);
            change.names = "from " + shown(known->collation) + " to " + shown(to_collation);
        } else {
            change.names = "from a collation pgfence does not know to " + shown(to_collation);
        }
        facts.notes.push_back(collation_change_note(where, quote_ident(col), change));
    }
    if (known) known->collation = to_collation;
    ctx.reshape(t.relname, col);
    retype_foreign_keys(t, col, facts, ctx);
    if (from.empty()) {
        // Without the current type, only a USING clause decides it for sure.
        if (using_clause) rewrite("USING computes every row's new value", true);
        else rewrite("rewrites the table unless the current type is binary-coercible to " + to +
                         " (the current type is not in this migration)", false);
        if (known) known->type = to;
        return;
    }
    std::string why;
    TypeChange change = classify_type_change(from, to, using_clause, ctx.pg_version, why);
    why += from_where;
    const bool utc = facts.settings->timezone && is_utc_time_zone(*facts.settings->timezone);
    if (change == TypeChange::Rewrite) rewrite(why, true);
    else if (change == TypeChange::DependsOnTimeZone && utc) {
        facts.notes.push_back(where + ": no rewrite, " + type_base(from) + " to " + type_base(to) +
                              " keeps every value with TimeZone " + *facts.settings->timezone + from_where);
    } else if (change == TypeChange::DependsOnTimeZone) rewrite(why, false);
    else facts.notes.push_back(where + ": no rewrite, " + why);
    if (change == TypeChange::NoRewrite || (change == TypeChange::DependsOnTimeZone && utc)) alter::recheck_constraints(where, col, t, facts, ctx);
    note_index_rebuilds(where, col, from, to, change, collation_changes, t, facts, ctx);
    if (known) known->type = to;
}

// SET TABLESPACE / SET ACCESS METHOD change nothing when the relation is there already.
// For a relation the migration has not seen, that is only likely for the default
// (pg_default, heap): that case is uncertain; moving elsewhere copies it.
void move_storage(const std::string& what, const std::string& target, const std::string& current_default,
                  const std::string& copied, std::string RelationInfo::*field, const Target& t, StatementFacts& facts,
                  Context& ctx) {
    RelationInfo* info = ctx.catalog.find(t.relname);
    if (info == nullptr) {
        bool to_default = target == current_default;
        add_rewrite(facts, t.display,
                    what + ": " + copied + (to_default ? " unless it is in " + target + " already (most relations are)" : ""),
                    !to_default);
        return;
    }
    std::string current = (*info).*field;
    if (current.empty()) current = current_default;
    if (current == target) {
        facts.notes.push_back(what + " " + target + ": the relation is there already, nothing is copied");
        return;
    }
    add_rewrite(facts, t.display, what + ": " + copied);
    (*info).*field = target;
}

// ALTER COLUMN c SET EXPRESSION AS (...) (PostgreSQL 17): ACCESS EXCLUSIVE, recursing to children
// (ATPrepCmd's ATSimpleRecursion); a stored column is recomputed for every row (ATExecSetExpression
// sets AT_REWRITE_COLUMN_REWRITE), a virtual one (18) only changes the catalog.
void set_expression(const std::string& col, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                    StatementFacts& facts, Context& ctx) {
    std::string where = "ALTER COLUMN " + quote_ident(col) + " " + std::string(lock.label);
    raise(acc, lock.mode, where, lock.recurses);
    const ColumnInfo* c = ctx.catalog.column(t.relname, col);
    if (ctx.pg_version >= 18 && c && c->virtual_generated) {
        facts.notes.push_back(where + ": virtual generated column, computed when read: no rewrite");
    } else if (ctx.pg_version >= 18 && c == nullptr) {
        add_rewrite_tree(facts, ctx, t.relname, t.display, where + ": a stored column is recomputed for every row (a virtual one is not)",
                         false);
    } else {
        add_rewrite_tree(facts, ctx, t.relname, t.display, where + ": the stored column is recomputed for every row");
    }
    ctx.reshape(t.relname, col);
}

// ALTER CONSTRAINT fk [NOT] ENFORCED (PostgreSQL 18; only foreign keys). ENFORCED creates the
// triggers again (CreateTrigger: SHARE ROW EXCLUSIVE on the referenced table) and queues a phase 3
// validation of every row; NOT ENFORCED drops them (RemoveTriggerById: ACCESS EXCLUSIVE on the
// referenced table) and scans nothing (ATExecAlterConstrEnforceability).
void alter_enforceability(const ATAlterConstraint& alter, const Target& t, StatementFacts& facts, Context& ctx) {
    std::string label = "ALTER CONSTRAINT " + quote_ident(std::string(pg::text(alter.conname))) +
                        (alter.is_enforced ? " ENFORCED" : " NOT ENFORCED");
    const RelationInfo* rel = std::as_const(ctx.catalog).find(t.relname);
    const ForeignKey* fk = nullptr;
    if (rel != nullptr) {
        auto it = rel->foreign_keys.find(std::string(pg::text(alter.conname)));
        if (it != rel->foreign_keys.end()) fk = &it->second;
    }
    if (alter.is_enforced) {
        add_scan(facts, t.display, label + ": validates every row against the referenced table unless it is ENFORCED already",
                 false);
    }
    std::string why = alter.is_enforced ? ": creates the foreign key's triggers on the referenced table"
                                        : ": drops the foreign key's triggers on the referenced table";
    if (fk == nullptr) {
        facts.notes.push_back(label + why + std::string(alter.is_enforced ? " (SHARE ROW EXCLUSIVE)" : " (ACCESS EXCLUSIVE)"));
        return;
    }
    std::string target = fk->target;
    add_lock(facts, ctx, target, display_of(ctx, target), alter.is_enforced ? k_referenced_add_triggers : k_referenced_drop_triggers,
             "", label + why);
}

void set_not_null(const std::string& col, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                  StatementFacts& facts, Context& ctx) {
    std::string name = quote_ident(col);
    ColumnInfo* c = ctx.catalog.column(t.relname, col);
    // Already NOT NULL on a partitioned table: its partitions are too; they are not visited.
    const RelationInfo* target = std::as_const(ctx.catalog).find(t.relname);
    bool skip_children = target && target->kind == "partitioned table" && c && c->not_null;
    raise(acc, lock.mode, "ALTER COLUMN " + name + " " + std::string(lock.label), lock.recurses && !skip_children);
    std::optional<CurrentColumn> outside = c ? std::nullopt : outside_column(ctx, t.relname, t.display, col);
    if (c && c->not_null) {
        std::string source = target && !ctx.is_reshaped(t.relname, col) ? target->source : std::string();
        facts.notes.push_back(set_not_null_without_scan(name, "the column is already NOT NULL" + from_source(source)));
    } else if (outside && outside->not_null) {
        facts.notes.push_back(set_not_null_without_scan(name, "the column is already NOT NULL (from " + outside->source + ")"));
    } else if (ctx.pg_version >= 12 && ((c && c->has_not_null_check) || validated_not_null_check(target, col))) {
        facts.notes.push_back(set_not_null_without_scan(name, "a validated CHECK (" + name + " IS NOT NULL) proves it"));
    } else {
        add_scan(facts, t.display,
                 "SET NOT NULL on " + name + ": every row is checked unless a validated CHECK (" + name +
                     " IS NOT NULL) exists",
                 c != nullptr);
    }
    if (c) c->not_null = true;
    if (!c && target != nullptr && target->columns_nullable) ctx.catalog.add_object_use(set_not_null_key(t.relname), col);
}

void validate_constraint(const std::string& constraint, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                         StatementFacts& facts, Context& ctx) {
    std::string label = std::string(lock.label) + " " + quote_ident(constraint);
    raise(acc, lock.mode, label, lock.recurses);
    add_scan(facts, t.display, label + ": checks every row");
    RelationInfo* rel = ctx.catalog.find(t.relname);
    if (rel == nullptr) {
        facts.notes.push_back(needs_context("if " + quote_ident(constraint) +
                                            " is a foreign key, its referenced table also gets a ROW SHARE lock"));
        return;
    }
    auto fk = rel->foreign_keys.find(constraint);
    if (fk != rel->foreign_keys.end()) {
        add_context_lock(facts, ctx, fk->second.target, display_of(ctx, fk->second.target), k_referenced_validate,
                         "VALIDATE CONSTRAINT: reads the referenced table", fk->second.source);
    }
    auto nn = rel->not_null_checks.find(constraint);
    if (nn != rel->not_null_checks.end()) {
        if (auto* c = ctx.catalog.column(t.relname, nn->second)) c->has_not_null_check = true;
    }
    if (auto check = rel->checks.find(constraint); check != rel->checks.end()) check->second.validated = true;
}

void drop_constraint(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                     StatementFacts& facts, Context& ctx) {
    std::string constraint(pg::text(cmd.name));
    raise(acc, lock.mode, std::string(lock.label) + " " + quote_ident(constraint), lock.recurses);
    note_dropped_constraint(t.relname, t.display, constraint, cmd.behavior == DROP_CASCADE, facts, ctx);
    if (std::as_const(ctx.catalog).find(t.relname) == nullptr) {
        facts.notes.push_back(needs_context("if " + quote_ident(constraint) +
                                            " is a foreign key, the table on its other side also gets an ACCESS EXCLUSIVE lock"));
        if (cmd.behavior == DROP_CASCADE) {
            facts.notes.push_back(std::string(k_cascade_unknown_fk_note) + "constraint " + quote_ident(constraint) + " of " +
                                  t.display);
        }
    }
    if (auto* rel = ctx.catalog.find(t.relname)) {
        rel->checks.erase(constraint);
        if (auto nn = rel->not_null_checks.find(constraint); nn != rel->not_null_checks.end()) {
            const std::string col = nn->second;
            rel->not_null_checks.erase(nn);
            if (auto* c = ctx.catalog.column(t.relname, col)) c->has_not_null_check = validated_not_null_check(rel, col);
        }
        auto fk = rel->foreign_keys.find(constraint);
        if (fk != rel->foreign_keys.end()) {
            add_context_lock(facts, ctx, fk->second.target, display_of(ctx, fk->second.target), k_referenced_drop_triggers,
                             "DROP CONSTRAINT: removes the foreign key's triggers from the referenced table", fk->second.source);
            rel->foreign_keys.erase(fk);
        }
    }
    drop_foreign_keys(t, "", constraint, cmd.behavior == DROP_CASCADE, facts, ctx);
    if (const RelationInfo* idx = std::as_const(ctx.catalog).find(constraint); idx && idx->kind == "index" && idx->index_table == t.relname) {
        ctx.catalog.remove(constraint);
    }
}

// INHERIT / NO INHERIT parent.
void change_parent(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
                   StatementFacts& facts, Context& ctx) {
    bool add = cmd.subtype == AT_AddInherit;
    raise(acc, lock.mode, std::string(lock.label), lock.recurses);
    const RangeVar* parent = pg::as<RangeVar>(cmd.def);
    if (parent == nullptr) return;
    lock_range_var(facts, ctx, parent, add ? k_inherit_parent : k_no_inherit_parent,
                   add ? "INHERIT: the new parent" : "NO INHERIT: the parent");
    std::string parent_name(pg::relname(parent));
    if (auto* p = ctx.catalog.find(parent_name)) {
        if (add) p->children.push_back(t.relname);
        else erase(p->children, t.relname);
    }
    if (auto* self = ctx.catalog.find(t.relname)) self->parent = add ? parent_name : "";
}

// One subcommand the lock table knows: its lock into `acc`, its effects into facts and the catalog.
void apply(const AlterTableCmd& cmd, const SubcommandLock& lock, const Target& t, Accumulated& acc,
           StatementFacts& facts, Context& ctx) {
    std::string col(pg::text(cmd.name));
    std::string label(lock.label);
    switch (cmd.subtype) {
    case AT_AddColumn:
    case AT_AddColumnToView:
        if (const ColumnDef* def = pg::as<ColumnDef>(cmd.def)) {
            add_column(def, lock, cmd.missing_ok, t, acc, facts, ctx);
            ctx.reshape(t.relname, std::string(pg::text(def->colname)));
        }
        return;
    case AT_AddConstraint:
        if (const Constraint* con = pg::as<Constraint>(cmd.def)) add_constraint(con, lock, t, acc, facts, ctx);
        return;
    case AT_AlterColumnType:
        alter_column_type(cmd, lock, t, acc, facts, ctx);
        return;
    case AT_SetNotNull:
        set_not_null(col, lock, t, acc, facts, ctx);
        return;
    case AT_DropNotNull:
        raise(acc, lock.mode, label, lock.recurses);
        if (auto* c = ctx.catalog.column(t.relname, col)) c->not_null = false;
        ctx.reshape(t.relname, col);
        return;
    case AT_SetExpression:
        set_expression(col, lock, t, acc, facts, ctx);
        return;
    case AT_DropColumn:
        raise(acc, lock.mode, label + " " + quote_ident(col), lock.recurses);
        ctx.reshape(t.relname, col);
        drop_foreign_keys(t, col, "", cmd.behavior == DROP_CASCADE, facts, ctx);
        drop_column_indexes(t, col, facts, ctx);
        drop_column_views(t, col, cmd.behavior == DROP_CASCADE, facts, ctx);
        if (std::as_const(ctx.catalog).find(t.relname) == nullptr) {
            facts.notes.push_back(needs_context("indexes using " + quote_ident(col) +
                                                " are dropped with it, and a foreign key using it locks the table on its "
                                                "other side ACCESS EXCLUSIVE"));
        }
        ctx.catalog.drop_column(t.relname, col);
        return;
    case AT_ValidateConstraint:
        validate_constraint(col, lock, t, acc, facts, ctx);
        return;
    case AT_DropConstraint:
        drop_constraint(cmd, lock, t, acc, facts, ctx);
        return;
    case AT_AlterConstraint:
        raise(acc, lock.mode, label, lock.recurses);
        if (const auto* alter = pg::as<ATAlterConstraint>(cmd.def); alter && alter->alterEnforceability) {
            alter_enforceability(*alter, t, facts, ctx);
        }
        return;
    case AT_SetLogged:
    case AT_SetUnLogged:
        raise(acc, lock.mode, label, lock.recurses);
        add_rewrite(facts, t.display, label + ": the table is copied to new storage");
        return;
    case AT_SetAccessMethod:
        raise(acc, lock.mode, label, lock.recurses);
        move_storage(label, col, "heap", "the table is rewritten", &RelationInfo::access_method, t, facts, ctx);
        return;
    case AT_SetTableSpace:
        raise(acc, lock.mode, label, lock.recurses);
        move_storage(label, col, "pg_default", "the files are copied to the new tablespace", &RelationInfo::tablespace, t,
                     facts, ctx);
        return;
    case AT_AttachPartition:
        alter::attach_partition(cmd, lock, t, acc, facts, ctx);
        return;
    case AT_DetachPartition:
        alter::detach_partition(cmd, lock, t, acc, facts, ctx);
        return;
    case AT_DetachPartitionFinalize:
        raise(acc, lock.mode, label, lock.recurses);
        if (const PartitionCmd* pc = pg::as<PartitionCmd>(cmd.def); pc && pc->name) {
            lock_range_var(facts, ctx, pc->name, k_partition, label + ": the partition");
        }
        return;
    case AT_EnableRowSecurity:
    case AT_DisableRowSecurity:
    case AT_ForceRowSecurity:
    case AT_NoForceRowSecurity:
        raise(acc, lock.mode, label, lock.recurses);
        alter::row_security(cmd.subtype, t, facts, ctx);
        return;
    case AT_AddInherit:
    case AT_DropInherit:
        change_parent(cmd, lock, t, acc, facts, ctx);
        return;
    case AT_SetStorage:
        raise(acc, lock.mode, label, lock.recurses);
        alter::note_storage(col, t, facts, ctx);
        return;
    case AT_ColumnDefault:
        raise(acc, lock.mode, label, lock.recurses);
        // SET DEFAULT NULL stores no default either (StoreAttrDefault skips a NULL constant): a DROP DEFAULT.
        if (cmd.def == nullptr || is_null_const(cmd.def)) alter::note_drop_default(col, t, facts, ctx);
        else note_key_default(t.relname, t.display, col, facts, ctx);
        // What the column's default is from here on (SET DEFAULT NULL stores none: ATExecColumnDefault).
        if (ColumnInfo* c = ctx.catalog.column(t.relname, col)) c->has_default = cmd.def != nullptr && !is_null_const(cmd.def);
        // pg_dump's serial: ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass).
        if (std::string seq = cmd.def != nullptr ? nextval_sequence(cmd.def) : std::string(); !seq.empty()) {
            if (auto* rel = ctx.catalog.find(t.relname)) rel->default_sequences.push_back(seq);
        }
        return;
    case AT_ChangeOwner:
        raise(acc, lock.mode, label, lock.recurses);
        // The owner the migrations gave it: OWNER TO that same role again changes nothing (the
        // revoke-privileges rule reads the note). A role named by CURRENT_USER & co. is not known.
        if (std::as_const(ctx.catalog).find(t.relname) != nullptr && cmd.newowner != nullptr) {
            const std::string to = cmd.newowner->roletype == ROLESPEC_CSTRING ? std::string(pg::text(cmd.newowner->rolename))
                                                                              : std::string();
            if (!to.empty() && ctx.catalog.owner(t.relname) == to) {
                facts.notes.push_back(owner_unchanged_note(t.display, quote_ident(to)));
            }
            ctx.catalog.set_owner(t.relname, to);
        }
        return;
    case AT_DisableTrig:
    case AT_EnableReplicaTrig:
        raise(acc, lock.mode, label, lock.recurses);
        note_disabled_trigger(t.relname, t.display, col, facts, ctx);
        return;
    case AT_DropExpression:
        // A stored generated column made an ordinary one: its inserts get NULL from then on.
        raise(acc, lock.mode, label, lock.recurses);
        alter::note_drop_default(col, t, facts, ctx);
        if (ColumnInfo* c = ctx.catalog.column(t.relname, col)) c->has_default = false;
        return;
    case AT_DropIdentity:
        // The column keeps its NOT NULL and loses its generator: a DROP DEFAULT of an identity.
        raise(acc, lock.mode, label, lock.recurses);
        alter::note_drop_default(col, t, facts, ctx, true);
        if (ColumnInfo* c = ctx.catalog.column(t.relname, col)) c->has_default = false;
        return;
    case AT_AddIdentity:
        raise(acc, lock.mode, label, lock.recurses);
        if (ColumnInfo* c = ctx.catalog.column(t.relname, col)) c->has_default = true;
        return;
    case AT_SetIdentity:
        // The identity's sequence has the column's type (sequence-limit-lowered weighs steps by it).
        raise(acc, lock.mode, label, lock.recurses);
        if (const ColumnInfo* c = ctx.catalog.column(t.relname, col); c != nullptr && sequence_bytes(c->type) != 0) {
            facts.notes.push_back(sequence_type_note("column " + col, sequence_bytes(c->type)));
        }
        return;
    default:
        raise(acc, lock.mode, label, lock.recurses);
        return;
    }
}

// What ALTER ... names besides tables: relation kind and statement tag.
struct AlteredObject {
    ObjectType type;
    const char* kind;
    const char* tag;
};
constexpr std::array k_objects = {
    AlteredObject{OBJECT_INDEX, "index", "ALTER INDEX"},
    AlteredObject{OBJECT_VIEW, "view", "ALTER VIEW"},
    AlteredObject{OBJECT_MATVIEW, "materialized view", "ALTER MATERIALIZED VIEW"},
    AlteredObject{OBJECT_SEQUENCE, "sequence", "ALTER SEQUENCE"},
    AlteredObject{OBJECT_FOREIGN_TABLE, "foreign table", "ALTER FOREIGN TABLE"},
    AlteredObject{OBJECT_TYPE, "type", "ALTER TYPE"},
};

// ALTER TYPE t ADD | DROP | ALTER ATTRIBUTE ... CASCADE: the same subcommand on each typed table
// of t (tablecmds.c ATTypedTableRecursion), each under its own lock (typed_tables.hpp).
void alter_typed_tables(const AlterTableStmt* stmt, const Target& type, StatementFacts& facts, Context& ctx) {
    for (const std::string& table : typed_tables_of(ctx, type.relname)) {
        Target typed{table, display_of(ctx, table), relation_kind(ctx, table, "table")};
        Accumulated acc;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
            if (cmd->behavior != DROP_CASCADE) continue;
            if (cmd->subtype != AT_AddColumn && cmd->subtype != AT_DropColumn && cmd->subtype != AT_AlterColumnType) continue;
            if (std::optional<SubcommandLock> lock = command_lock(*cmd, ctx.pg_version, false)) apply(*cmd, *lock, typed, acc, facts, ctx);
        }
        if (acc.reason.empty()) continue;
        add_lock(facts, ctx, table, typed.display, acc.mode, typed.kind, std::string(k_typed_table_reason) + type.display + ": " + acc.reason);
    }
}

}  // namespace

bool model_alter_table(const AlterTableStmt* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt == nullptr || stmt->relation == nullptr) return false;
    const RangeVar* rv = stmt->relation;
    pick_relation(ctx, std::string(pg::relname(rv)), rv->schemaname != nullptr ? std::string(rv->schemaname) : std::string());
    Target t{std::string(pg::relname(rv)), pg::display_name(rv), ""};
    ConditionalFrom maybe{facts, facts.locks.size(), stmt->missing_ok && std::as_const(ctx.catalog).find(t.relname) == nullptr};
    auto object = std::find_if(k_objects.begin(), k_objects.end(),
                               [&](const AlteredObject& o) { return o.type == stmt->objtype; });
    t.kind = object != k_objects.end() ? object->kind : relation_kind(ctx, t.relname, "table");
    facts.tag = object != k_objects.end() ? object->tag : "ALTER TABLE";

    Accumulated acc;
    bool unknown = false;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        std::optional<SubcommandLock> lock = command_lock(*cmd, ctx.pg_version, t.kind == "index");
        if (lock) apply(*cmd, *lock, t, acc, facts, ctx);
        else unknown = true;
        note_unjudged_subcommand(*cmd, t.relname, t.display, facts, ctx);
    }
    note_rejected_defaults(stmt, t.relname, facts, ctx);
    if (unknown && acc.reason.empty()) return false;
    lock_range_var(facts, ctx, rv, acc.mode, acc.reason, t.kind);
    if (stmt->objtype == OBJECT_TYPE) {
        alter_typed_tables(stmt, t, facts, ctx);
        note_composite_columns(stmt, facts, ctx);
    }
    if (acc.any_recursive && range_var_inh(rv)) {
        lock_descendants(facts, ctx, t.relname, acc.recursive_mode, "the same ALTER applies to every partition");
        for (auto& lock : facts.locks) {
            if (lock.relation == t.display && (t.kind == "table" || t.kind == "partitioned table")) lock.cascades = true;
        }
    }
    if (unknown) {
        facts.status = StatementStatus::Unknown;
        facts.notes.push_back("a subcommand is not in the lock model; its lock is not shown");
    }
    return true;
}

}  // namespace pgfence::analyze::model
