#include <algorithm>
#include <optional>
#include <set>
#include "analyze/json_access.hpp"

#include "analyze/model/model.hpp"
#include "analyze/model/types.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

// Relation options that ALTER TABLE ... SET (...) can change under SHARE UPDATE EXCLUSIVE
// (reloptions.c lockmode fields); any other option takes ACCESS EXCLUSIVE.
bool option_is_light(const std::string& name) {
    static const std::set<std::string> k_light = {
        "fillfactor", "autovacuum_enabled", "toast_tuple_target", "parallel_workers",
        "vacuum_index_cleanup", "vacuum_truncate", "log_autovacuum_min_duration", "pages_per_range",
        "autosummarize", "deduplicate_items", "gin_pending_list_limit"};
    std::string bare = name.starts_with("toast.") ? name.substr(6) : name;
    return k_light.count(bare) > 0 || bare.starts_with("autovacuum_");
}

M rel_options_mode(const json& defs) {
    M mode = M::ShareUpdateExclusive;
    for (const auto& d : defs) {
        if (!d.contains("DefElem")) continue;
        std::string name = d["DefElem"].value("defname", std::string());
        if (d["DefElem"].contains("defnamespace")) name = d["DefElem"]["defnamespace"].get<std::string>() + "." + name;
        if (!option_is_light(name)) mode = M::AccessExclusive;
    }
    return mode;
}

// Subcommands that PostgreSQL applies to every partition/child as well (unless ONLY).
bool recurses(const std::string& subtype) {
    static const std::set<std::string> k_recursing = {
        "AT_AddColumn", "AT_DropColumn", "AT_AlterColumnType", "AT_SetNotNull", "AT_DropNotNull",
        "AT_ColumnDefault", "AT_AddConstraint", "AT_DropConstraint", "AT_ValidateConstraint",
        "AT_SetStatistics", "AT_SetOptions", "AT_ResetOptions", "AT_SetStorage", "AT_SetCompression",
        "AT_AddIdentity", "AT_SetIdentity", "AT_DropIdentity", "AT_DropExpression", "AT_EnableTrig",
        "AT_EnableAlwaysTrig", "AT_EnableReplicaTrig", "AT_DisableTrig", "AT_EnableTrigAll",
        "AT_DisableTrigAll", "AT_EnableTrigUser", "AT_DisableTrigUser", "AT_AlterConstraint", "AT_SetExpression"};
    return k_recursing.count(subtype) > 0;
}

struct Target {
    std::string relname;
    std::string display;
    std::string kind;
};

struct Accumulated {
    M mode = M::AccessShare;
    std::string reason;
    M recursive_mode = M::AccessShare;
    bool any_recursive = false;
};

void raise(Accumulated& acc, M mode, const std::string& reason, bool recursive) {
    if (mode > acc.mode || acc.reason.empty()) {
        if (mode >= acc.mode) {
            acc.mode = mode;
            acc.reason = reason;
        }
    }
    if (recursive) {
        acc.any_recursive = true;
        if (mode > acc.recursive_mode) acc.recursive_mode = mode;
    }
}

std::string column_type_text(const json& column_def) {
    return column_def.contains("typeName") ? canonical_type(column_def["typeName"]) : std::string();
}

bool is_null_const(const json& expr) {
    return expr.contains("A_Const") && expr["A_Const"].value("isnull", false);
}

// Column name of a CHECK (col IS NOT NULL) expression, or "".
std::string not_null_check_column(const json& constraint) {
    const json& e = member(constraint, "raw_expr");
    if (!e.contains("NullTest")) return {};
    const json& t = e["NullTest"];
    if (t.value("nulltesttype", std::string()) != "IS_NOT_NULL") return {};
    const json& arg = member(t, "arg");
    if (!arg.contains("ColumnRef")) return {};
    const auto& fields = member(arg["ColumnRef"], "fields");
    return fields.empty() ? std::string() : string_value(fields.back());
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

void add_column(const json& def, const ColumnDef* typed, bool if_not_exists, const Target& t, Accumulated& acc,
                StatementFacts& facts, Context& ctx) {
    std::string col = def.value("colname", std::string());
    std::string where = "ADD COLUMN " + quote_ident(col);
    raise(acc, M::AccessExclusive, where, true);
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
    bool virtual_column = is_virtual_column(typed, ctx.pg_version);
    if (is_serial_type(def)) {
        rewrite("serial fills every row from nextval()");
        facts.notes.push_back("serial column creates a sequence " + quote_ident(t.relname + "_" + col + "_seq"));
        fills = true;
    }
    for (const auto& c : member(def, "constraints")) {
        if (!c.contains("Constraint")) continue;
        const json& con = c["Constraint"];
        std::string type = con.value("contype", std::string());
        if (type == "CONSTR_DEFAULT" && con.contains("raw_expr") && !is_null_const(con["raw_expr"])) {
            has_default = true;
            std::string why;
            if (expression_is_volatile(con["raw_expr"], why)) {
                static const std::set<std::string> k_volatile = {
                    "random()", "gen_random_uuid()", "uuid_generate_v1()", "uuid_generate_v1mc()",
                    "uuid_generate_v4()", "clock_timestamp()", "timeofday()", "nextval()", "setval()",
                    "txid_current()", "random_normal()", "uuid_generate_v7()", "gen_random_bytes()",
                    "pg_current_xact_id()"};
                bool certain = k_volatile.count(why) > 0;
                rewrite(certain ? "volatile default " + why + " is evaluated for every row"
                                : "default calls " + why + ", which rewrites the table unless it is STABLE or IMMUTABLE",
                        certain);
                fills = fills || certain;
            } else if (ctx.pg_version < 11) {
                rewrite("before PostgreSQL 11 any non-null default rewrites the table");
                fills = true;
            }
        } else if (type == "CONSTR_NOTNULL") {
            not_null = true;
        } else if (type == "CONSTR_IDENTITY") {
            rewrite("identity column fills every row from its sequence");
            fills = true;
        } else if (type == "CONSTR_GENERATED" && virtual_column) {
            // ATExecAddColumn queues no new value for a virtual column: only the catalog changes.
            facts.notes.push_back(where + ": virtual generated column, computed when read: no rewrite");
        } else if (type == "CONSTR_GENERATED") {
            rewrite("stored generated column is computed for every row");
            fills = true;
        } else if (type == "CONSTR_CHECK" && !con.value("skip_validation", false)) {
            add_scan(facts, t.display, where + ": CHECK is evaluated for every row");
        } else if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
            add_scan(facts, t.display, where + ": builds a unique index");
        } else if (type == "CONSTR_FOREIGN" && con.contains("pktable")) {
            lock_range_var(facts, ctx, con["pktable"], M::ShareRowExclusive,
                           where + " REFERENCES: adds triggers on the referenced table");
        }
    }
    // A domain with constraints is checked for every row, default or not: a rewrite.
    std::string base = type_base(column_type_text(def));
    if (!fills && !base.empty() && !is_serial_type(def)) {
        auto constrained = ctx.catalog.domain_has_constraints(base);
        if (constrained && *constrained) {
            rewrite("domain " + quote_ident(base) + " has constraints: every row's value is checked");
        } else if (!constrained && !plain_type(base) && !ctx.catalog.is_known_type(base) &&
                   !base.ends_with("serial") && base.find('.') == std::string::npos) {
            rewrite("rewrites the table if " + quote_ident(base) + " is a domain with constraints", false);
        }
    }
    if (not_null && !has_default && !is_serial_type(def)) {
        add_scan(facts, t.display, where + ": NOT NULL without a default fails unless the table is empty");
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

void add_constraint(const json& con, const Constraint* typed, const Target& t, Accumulated& acc,
                    StatementFacts& facts, Context& ctx) {
    std::string type = con.value("contype", std::string());
    std::string name = con.value("conname", std::string());
    std::string label = "ADD CONSTRAINT" + (name.empty() ? std::string() : " " + quote_ident(name));
    bool not_valid = con.value("skip_validation", false);
    record_constraint(ctx, t.relname, "", con);
    if (type == "CONSTR_FOREIGN") {
        raise(acc, M::ShareRowExclusive, label + " FOREIGN KEY", true);
        if (con.contains("pktable")) {
            lock_range_var(facts, ctx, con["pktable"], M::ShareRowExclusive,
                           label + " FOREIGN KEY: adds triggers on the referenced table");
        }
        if (!not_valid) add_scan(facts, t.display, label + ": validates every row against the referenced table");
        return;
    }
    raise(acc, M::AccessExclusive, label, true);
    if (type == "CONSTR_NOTNULL") {
        add_not_null_constraint(typed, label, not_valid, t, facts, ctx);
    } else if (type == "CONSTR_CHECK") {
        std::string col = not_null_check_column(con);
        if (!not_valid) {
            add_scan(facts, t.display, label + ": CHECK is evaluated for every row");
            if (!col.empty()) {
                if (auto* c = ctx.catalog.column(t.relname, col)) c->has_not_null_check = true;
            }
        } else if (!col.empty() && !name.empty()) {
            if (auto* rel = ctx.catalog.find(t.relname)) rel->not_null_checks[name] = col;
        }
    } else if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE" || type == "CONSTR_EXCLUSION") {
        if (con.contains("indexname")) {
            if (type == "CONSTR_PRIMARY") {
                add_scan(facts, t.display, label + " PRIMARY KEY USING INDEX: sets NOT NULL on its columns, scanning unless they already are",
                         false);
            }
        } else {
            add_scan(facts, t.display, label + ": builds its index by scanning the table");
        }
    }
}

// USING that only names the column, or casts it to the new type, converts like no USING.
bool trivial_using(const json& expr, const std::string& column, const std::string& to) {
    auto names_column = [&](const json& e) {
        if (!e.contains("ColumnRef")) return false;
        const auto& fields = member(e["ColumnRef"], "fields");
        return fields.size() == 1 && string_value(fields[0]) == column;
    };
    if (names_column(expr)) return true;
    if (!expr.contains("TypeCast")) return false;
    const json& cast = expr["TypeCast"];
    return names_column(member(cast, "arg")) && canonical_type(member(cast, "typeName")) == to;
}

void alter_column_type(const json& cmd, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    std::string col = cmd.value("name", std::string());
    const json& def = member(member(cmd, "def"), "ColumnDef");
    std::string to = column_type_text(def);
    std::string where = "ALTER COLUMN " + quote_ident(col) + " TYPE " + to;
    raise(acc, M::AccessExclusive, where, true);
    bool using_clause = def.contains("raw_default") && !trivial_using(def["raw_default"], col, to);
    ColumnInfo* known = ctx.catalog.column(t.relname, col);
    auto rewrite = [&](const std::string& why, bool certain) {
        add_rewrite_tree(facts, ctx, t.relname, t.display, where + ": " + why, certain);
    };
    std::string from = known ? known->type : std::string();
    std::string from_where;  // where the current type came from, when not from the migration
    if (from.empty() && !using_clause) {
        if (auto outside = outside_column(ctx, t.relname, t.display, col)) {
            from = outside->type;
            from_where = " (current type " + outside->shown + " from " + outside->source + ")";
        }
    }
    ctx.reshape(t.relname, col);
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
    if (change == TypeChange::Rewrite) rewrite(why, true);
    else if (change == TypeChange::DependsOnTimeZone) rewrite(why, false);
    else facts.notes.push_back(where + ": no rewrite, " + why);
    if (known) known->type = to;
}

void attach_partition(const json& cmd, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    const json& pc = member(member(cmd, "def"), "PartitionCmd");
    if (!pc.contains("name")) return;
    const json& part = pc["name"];
    std::string part_name = range_var_relname(part);
    if (t.kind == "index") {
        raise(acc, M::ShareUpdateExclusive, "ATTACH PARTITION " + range_var_name(part), false);
        lock_range_var(facts, ctx, part, M::AccessExclusive, "ATTACH PARTITION: the partition's index", "index");
        // Both indexes' tables are opened to check that they match.
        for (const std::string& index : {t.relname, part_name}) {
            const RelationInfo* info = ctx.catalog.find(index);
            if (info && !info->index_table.empty()) {
                add_lock(facts, ctx, info->index_table, display_of(ctx, info->index_table), M::AccessShare, "",
                         "ATTACH PARTITION: the index's table");
            }
        }
        return;
    }
    M parent_mode = ctx.pg_version >= 12 ? M::ShareUpdateExclusive : M::AccessExclusive;
    raise(acc, parent_mode, "ATTACH PARTITION " + range_var_name(part), false);
    lock_range_var(facts, ctx, part, M::AccessExclusive, "ATTACH PARTITION: the table becoming a partition");
    lock_descendants(facts, ctx, part_name, M::AccessExclusive, "ATTACH PARTITION: the table becoming a partition");
    add_scan(facts, range_var_name(part),
             "ATTACH PARTITION: every row is checked against the partition bound unless a CHECK constraint already proves it",
             false);
    RelationInfo* parent = ctx.catalog.find(t.relname);
    if (parent == nullptr) {
        facts.notes.push_back("if " + t.display + " has a DEFAULT partition, it is locked ACCESS EXCLUSIVE and scanned");
        return;
    }
    parent->children.push_back(part_name);
    bool as_default = member(pc, "bound").value("is_default", false);
    if (as_default) {
        parent->default_partition = part_name;
    } else if (!parent->default_partition.empty()) {
        std::string display = display_of(ctx, parent->default_partition);
        add_lock(facts, ctx, parent->default_partition, display, M::AccessExclusive, "",
                 "ATTACH PARTITION: the default partition is checked for rows of the new bound");
        add_scan(facts, display, "ATTACH PARTITION: the default partition is scanned for rows that belong to the new partition");
    }
    if (auto* child = ctx.catalog.find(part_name)) child->parent = t.relname;
}

void detach_partition(const json& cmd, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    const json& pc = member(member(cmd, "def"), "PartitionCmd");
    if (!pc.contains("name")) return;
    std::string part = range_var_relname(pc["name"]);
    bool concurrent = pc.value("concurrent", false);
    if (concurrent && ctx.pg_version < 14) facts.notes.push_back("DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later");
    raise(acc, concurrent ? M::ShareUpdateExclusive : M::AccessExclusive,
          std::string("DETACH PARTITION") + (concurrent ? " CONCURRENTLY" : ""), false);
    // CONCURRENTLY: SHARE UPDATE EXCLUSIVE in the first transaction; the second one, after
    // waiting out every query that saw the partition, takes ACCESS EXCLUSIVE on it.
    lock_range_var(facts, ctx, pc["name"], M::AccessExclusive,
                   concurrent ? "DETACH PARTITION CONCURRENTLY: the partition, in its second transaction"
                              : "DETACH PARTITION: the partition");
    if (concurrent) facts.no_transaction_block = true;
    RelationInfo* parent = ctx.catalog.find(t.relname);
    if (parent == nullptr) return;
    if (!parent->default_partition.empty() && parent->default_partition != part && !concurrent) {
        add_lock(facts, ctx, parent->default_partition, display_of(ctx, parent->default_partition), M::AccessExclusive, "",
                 "DETACH PARTITION: the default partition's constraint changes");
    }
    if (parent->default_partition == part) parent->default_partition.clear();
    std::erase(parent->children, part);
    if (auto* child = ctx.catalog.find(part)) child->parent.clear();
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

// Foreign keys that go away with a dropped column or an index-backed constraint: their
// triggers are removed from the other table (ACCESS EXCLUSIVE).
void drop_foreign_keys(const Target& t, const std::string& column, const std::string& index, bool cascade,
                       StatementFacts& facts, Context& ctx) {
    if (RelationInfo* rel = ctx.catalog.find(t.relname); rel && !column.empty()) {
        for (auto it = rel->foreign_keys.begin(); it != rel->foreign_keys.end();) {
            const ForeignKey& fk = it->second;
            if (std::find(fk.columns.begin(), fk.columns.end(), column) == fk.columns.end()) {
                ++it;
                continue;
            }
            add_lock(facts, ctx, fk.target, display_of(ctx, fk.target), M::AccessExclusive, "",
                     "DROP COLUMN: drops foreign key " + quote_ident(it->first) + " and its triggers on the referenced table");
            it = rel->foreign_keys.erase(it);
        }
    }
    if (!cascade) return;
    const RelationInfo* idx = ctx.catalog.find(index);
    bool unique_index = idx && idx->kind == "index" && idx->index_table == t.relname;
    if (!unique_index && column.empty()) return;
    for (const auto& [relname, rel] : std::map<std::string, RelationInfo>(ctx.catalog.relations())) {
        for (const auto& [name, fk] : rel.foreign_keys) {
            if (fk.target != t.relname || relname == t.relname) continue;
            bool uses = unique_index || std::find(fk.target_columns.begin(), fk.target_columns.end(), column) != fk.target_columns.end();
            if (!uses) continue;
            add_lock(facts, ctx, relname, rel.display, M::AccessExclusive, "",
                     "CASCADE: drops foreign key " + quote_ident(name) + " that depends on it");
            if (auto* r = ctx.catalog.find(relname)) r->foreign_keys.erase(name);
            break;
        }
    }
}

// ALTER COLUMN c SET EXPRESSION AS (...) (PostgreSQL 17): ACCESS EXCLUSIVE, recursing to children
// (ATPrepCmd's ATSimpleRecursion); a stored column is recomputed for every row (ATExecSetExpression
// sets AT_REWRITE_COLUMN_REWRITE), a virtual one (18) only changes the catalog.
void set_expression(const std::string& col, bool recursive, const Target& t, Accumulated& acc, StatementFacts& facts,
                    Context& ctx) {
    std::string where = "ALTER COLUMN " + quote_ident(col) + " SET EXPRESSION";
    raise(acc, M::AccessExclusive, where, recursive);
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
    const RelationInfo* rel = ctx.catalog.find(t.relname);
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
    add_lock(facts, ctx, target, display_of(ctx, target), alter.is_enforced ? M::ShareRowExclusive : M::AccessExclusive,
             "", label + why);
}

}  // namespace

bool model_alter_table(const json& stmt, const AlterTableStmt* typed, StatementFacts& facts, Context& ctx) {
    if (!stmt.contains("relation")) return false;
    const json& rv = stmt["relation"];
    std::string objtype = stmt.value("objtype", std::string("OBJECT_TABLE"));
    Target t{range_var_relname(rv), range_var_name(rv), ""};
    static const std::map<std::string, std::pair<std::string, std::string>> k_objects = {
        {"OBJECT_INDEX", {"index", "ALTER INDEX"}}, {"OBJECT_VIEW", {"view", "ALTER VIEW"}},
        {"OBJECT_MATVIEW", {"materialized view", "ALTER MATERIALIZED VIEW"}},
        {"OBJECT_SEQUENCE", {"sequence", "ALTER SEQUENCE"}},
        {"OBJECT_FOREIGN_TABLE", {"foreign table", "ALTER FOREIGN TABLE"}}, {"OBJECT_TYPE", {"type", "ALTER TYPE"}}};
    auto object = k_objects.find(objtype);
    t.kind = object != k_objects.end() ? object->second.first : relation_kind(ctx, t.relname, "table");
    facts.tag = object != k_objects.end() ? object->second.second : "ALTER TABLE";
    const RelationInfo* target_info = ctx.catalog.find(t.relname);
    bool partitioned = target_info && target_info->kind == "partitioned table";

    Accumulated acc;
    bool unknown = false;
    int index = -1;
    for (const auto& item : member(stmt, "cmds")) {
        ++index;
        if (!item.contains("AlterTableCmd")) continue;
        const json& cmd = item["AlterTableCmd"];
        const AlterTableCmd* typed_cmd = typed ? pg::as<AlterTableCmd>(pg::nth(typed->cmds, index)) : nullptr;
        std::string sub = cmd.value("subtype", std::string());
        std::string col = cmd.value("name", std::string());
        bool rec = recurses(sub);
        const json& def = member(cmd, "def");
        std::string name = quote_ident(col);
        if (sub == "AT_AddColumn" || sub == "AT_AddColumnToView") {
            if (def.contains("ColumnDef")) {
                add_column(def["ColumnDef"], typed_cmd ? pg::as<ColumnDef>(typed_cmd->def) : nullptr,
                           cmd.value("missing_ok", false), t, acc, facts, ctx);
                ctx.reshape(t.relname, def["ColumnDef"].value("colname", std::string()));
            }
        } else if (sub == "AT_AddConstraint") {
            if (def.contains("Constraint")) {
                add_constraint(def["Constraint"], typed_cmd ? pg::as<Constraint>(typed_cmd->def) : nullptr, t, acc,
                               facts, ctx);
            }
        } else if (sub == "AT_AlterColumnType") {
            alter_column_type(cmd, t, acc, facts, ctx);
        } else if (sub == "AT_SetNotNull") {
            ColumnInfo* c = ctx.catalog.column(t.relname, col);
            // Already NOT NULL on a partitioned table: its partitions are too; they are not visited.
            bool skip_children = partitioned && c && c->not_null;
            raise(acc, M::AccessExclusive, "ALTER COLUMN " + name + " SET NOT NULL", rec && !skip_children);
            std::optional<CurrentColumn> outside = c ? std::nullopt : outside_column(ctx, t.relname, t.display, col);
            if (c && c->not_null) {
                facts.notes.push_back(set_not_null_without_scan(name, "the column is already NOT NULL"));
            } else if (outside && outside->not_null) {
                facts.notes.push_back(set_not_null_without_scan(name, "the column is already NOT NULL (from " + outside->source + ")"));
            } else if (c && c->has_not_null_check && ctx.pg_version >= 12) {
                facts.notes.push_back(set_not_null_without_scan(name, "a validated CHECK (" + name + " IS NOT NULL) proves it"));
            } else {
                add_scan(facts, t.display,
                         "SET NOT NULL on " + name + ": every row is checked unless a validated CHECK (" + name +
                             " IS NOT NULL) exists",
                         c != nullptr);
            }
            if (c) c->not_null = true;
        } else if (sub == "AT_DropColumn") {
            raise(acc, M::AccessExclusive, "DROP COLUMN " + name, rec);
            ctx.reshape(t.relname, col);
            drop_foreign_keys(t, col, "", cmd.value("behavior", std::string()) == "DROP_CASCADE", facts, ctx);
            ctx.catalog.drop_column(t.relname, col);
        } else if (sub == "AT_ValidateConstraint") {
            raise(acc, M::ShareUpdateExclusive, "VALIDATE CONSTRAINT " + name, rec);
            add_scan(facts, t.display, "VALIDATE CONSTRAINT " + name + ": checks every row");
            if (auto* rel = ctx.catalog.find(t.relname)) {
                auto fk = rel->foreign_keys.find(col);
                if (fk != rel->foreign_keys.end()) {
                    add_lock(facts, ctx, fk->second.target, display_of(ctx, fk->second.target), M::RowShare, "",
                             "VALIDATE CONSTRAINT: reads the referenced table");
                }
                auto nn = rel->not_null_checks.find(col);
                if (nn != rel->not_null_checks.end()) {
                    if (auto* c = ctx.catalog.column(t.relname, nn->second)) c->has_not_null_check = true;
                }
            }
        } else if (sub == "AT_DropConstraint") {
            raise(acc, M::AccessExclusive, "DROP CONSTRAINT " + name, rec);
            if (auto* rel = ctx.catalog.find(t.relname)) {
                auto fk = rel->foreign_keys.find(col);
                if (fk != rel->foreign_keys.end()) {
                    add_lock(facts, ctx, fk->second.target, display_of(ctx, fk->second.target), M::AccessExclusive, "",
                             "DROP CONSTRAINT: removes the foreign key's triggers from the referenced table");
                    rel->foreign_keys.erase(fk);
                }
            }
            drop_foreign_keys(t, "", col, cmd.value("behavior", std::string()) == "DROP_CASCADE", facts, ctx);
            if (const RelationInfo* idx = ctx.catalog.find(col); idx && idx->kind == "index" && idx->index_table == t.relname) {
                ctx.catalog.remove(col);
            }
        } else if (sub == "AT_SetStatistics" || sub == "AT_SetOptions" || sub == "AT_ResetOptions" ||
                   sub == "AT_ClusterOn" || sub == "AT_DropCluster") {
            raise(acc, M::ShareUpdateExclusive, sub.substr(3), rec);
        } else if (sub == "AT_SetRelOptions" || sub == "AT_ResetRelOptions") {
            raise(acc, rel_options_mode(member(member(def, "List"), "items")),
                  sub == "AT_SetRelOptions" ? "SET (...)" : "RESET (...)", false);
        } else if (sub == "AT_EnableTrig" || sub == "AT_EnableAlwaysTrig" || sub == "AT_EnableReplicaTrig" ||
                   sub == "AT_DisableTrig" || sub == "AT_EnableTrigAll" || sub == "AT_DisableTrigAll" ||
                   sub == "AT_EnableTrigUser" || sub == "AT_DisableTrigUser") {
            raise(acc, M::ShareRowExclusive, "ENABLE/DISABLE TRIGGER", rec);
        } else if (sub == "AT_SetLogged" || sub == "AT_SetUnLogged") {
            std::string what = sub == "AT_SetLogged" ? "SET LOGGED" : "SET UNLOGGED";
            raise(acc, M::AccessExclusive, what, false);
            add_rewrite(facts, t.display, what + ": the table is copied to new storage");
        } else if (sub == "AT_SetAccessMethod") {
            raise(acc, M::AccessExclusive, "SET ACCESS METHOD", false);
            move_storage("SET ACCESS METHOD", col, "heap", "the table is rewritten", &RelationInfo::access_method, t, facts,
                         ctx);
        } else if (sub == "AT_SetTableSpace") {
            raise(acc, M::AccessExclusive, "SET TABLESPACE", false);
            move_storage("SET TABLESPACE", col, "pg_default", "the files are copied to the new tablespace",
                         &RelationInfo::tablespace, t, facts, ctx);
        } else if (sub == "AT_AttachPartition") {
            attach_partition(cmd, t, acc, facts, ctx);
        } else if (sub == "AT_DetachPartition") {
            detach_partition(cmd, t, acc, facts, ctx);
        } else if (sub == "AT_DetachPartitionFinalize") {
            raise(acc, M::ShareUpdateExclusive, "DETACH PARTITION FINALIZE", false);
            // ATExecDetachPartitionFinalize opens the partition with AccessExclusiveLock.
            const json& pc = member(def, "PartitionCmd");
            if (pc.contains("name")) {
                lock_range_var(facts, ctx, pc["name"], M::AccessExclusive, "DETACH PARTITION FINALIZE: the partition");
            }
        } else if (sub == "AT_SetExpression") {
            set_expression(col, rec, t, acc, facts, ctx);
        } else if (sub == "AT_AddInherit" || sub == "AT_DropInherit") {
            raise(acc, M::AccessExclusive, sub == "AT_AddInherit" ? "INHERIT" : "NO INHERIT", false);
            if (def.contains("RangeVar")) {
                const json& parent = def["RangeVar"];
                lock_range_var(facts, ctx, parent, sub == "AT_AddInherit" ? M::ShareUpdateExclusive : M::AccessShare,
                               sub == "AT_AddInherit" ? "INHERIT: the new parent" : "NO INHERIT: the parent");
                std::string parent_name = range_var_relname(parent);
                if (auto* p = ctx.catalog.find(parent_name)) {
                    if (sub == "AT_AddInherit") p->children.push_back(t.relname);
                    else std::erase(p->children, t.relname);
                }
                if (auto* self = ctx.catalog.find(t.relname)) self->parent = sub == "AT_AddInherit" ? parent_name : "";
            }
        } else if (sub == "AT_ColumnDefault" || sub == "AT_DropNotNull" || sub == "AT_DropExpression" ||
                   sub == "AT_SetStorage" || sub == "AT_SetCompression" || sub == "AT_AddIdentity" ||
                   sub == "AT_SetIdentity" || sub == "AT_DropIdentity" || sub == "AT_AlterConstraint" ||
                   sub == "AT_AddIndexConstraint" || sub == "AT_ChangeOwner" || sub == "AT_ReplicaIdentity" ||
                   sub == "AT_EnableRowSecurity" || sub == "AT_DisableRowSecurity" ||
                   sub == "AT_ForceRowSecurity" || sub == "AT_NoForceRowSecurity" || sub == "AT_GenericOptions" ||
                   sub == "AT_AlterColumnGenericOptions" || sub == "AT_EnableRule" || sub == "AT_EnableAlwaysRule" ||
                   sub == "AT_EnableReplicaRule" || sub == "AT_DisableRule" || sub == "AT_AddOf" ||
                   sub == "AT_DropOf" || sub == "AT_DropOids" || sub == "AT_ReplaceRelOptions") {
            raise(acc, M::AccessExclusive, sub.substr(3), rec);
            if (const auto* alter = typed_cmd ? pg::as<ATAlterConstraint>(typed_cmd->def) : nullptr;
                alter && alter->alterEnforceability) {
                alter_enforceability(*alter, t, facts, ctx);
            }
            if (sub == "AT_DropNotNull") {
                if (auto* c = ctx.catalog.column(t.relname, col)) c->not_null = false;
                ctx.reshape(t.relname, col);
            }
        } else if (sub == "AT_CheckNotNull") {
            raise(acc, M::AccessShare, "CHECK NOT NULL", rec);
        } else {
            unknown = true;
        }
    }
    if (unknown && acc.reason.empty()) return false;
    lock_range_var(facts, ctx, rv, acc.mode, acc.reason, t.kind);
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
