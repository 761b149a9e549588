#include <set>

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
        "AT_DisableTrigAll", "AT_EnableTrigUser", "AT_DisableTrigUser", "AT_AlterConstraint"};
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

bool is_serial(const json& column_def) {
    if (!column_def.contains("typeName")) return false;
    const auto& names = column_def["typeName"].value("names", json::array());
    if (names.size() != 1) return false;
    std::string n = string_value(names[0]);
    return n == "serial" || n == "bigserial" || n == "smallserial" || n == "serial4" || n == "serial8" || n == "serial2";
}

bool is_null_const(const json& expr) {
    return expr.contains("A_Const") && expr["A_Const"].value("isnull", false);
}

// Column name of a CHECK (col IS NOT NULL) expression, or "".
std::string not_null_check_column(const json& constraint) {
    const json& e = constraint.value("raw_expr", json::object());
    if (!e.contains("NullTest")) return {};
    const json& t = e["NullTest"];
    if (t.value("nulltesttype", std::string()) != "IS_NOT_NULL") return {};
    const json& arg = t.value("arg", json::object());
    if (!arg.contains("ColumnRef")) return {};
    const auto& fields = arg["ColumnRef"].value("fields", json::array());
    return fields.empty() ? std::string() : string_value(fields.back());
}

void add_column(const json& def, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    std::string col = def.value("colname", std::string());
    std::string where = "ADD COLUMN " + quote_ident(col);
    raise(acc, M::AccessExclusive, where, true);
    ColumnInfo info{col, column_type_text(def), false, false};
    bool has_default = false;
    if (is_serial(def)) {
        add_rewrite(facts, t.display, where + ": serial fills every row from nextval()");
        facts.notes.push_back("serial column creates a sequence " + quote_ident(t.relname + "_" + col + "_seq"));
    }
    for (const auto& c : def.value("constraints", json::array())) {
        if (!c.contains("Constraint")) continue;
        const json& con = c["Constraint"];
        std::string type = con.value("contype", std::string());
        if (type == "CONSTR_DEFAULT" && con.contains("raw_expr") && !is_null_const(con["raw_expr"])) {
            has_default = true;
            std::string why;
            if (expression_is_volatile(con["raw_expr"], why)) {
                bool certain = why != "" && why.find("()") != std::string::npos;
                // expression_is_volatile reports unknown functions too; those depend on their declaration.
                std::string known_volatile[] = {"random()", "gen_random_uuid()", "uuid_generate_v1()",
                                                "uuid_generate_v1mc()", "uuid_generate_v4()", "clock_timestamp()",
                                                "timeofday()", "nextval()", "setval()", "txid_current()",
                                                "random_normal()", "uuid_generate_v7()", "gen_random_bytes()",
                                                "pg_current_xact_id()"};
                certain = false;
                for (const auto& k : known_volatile) certain = certain || k == why;
                add_rewrite(facts, t.display,
                            certain ? where + ": volatile default " + why + " is evaluated for every row"
                                    : where + ": default calls " + why + ", which rewrites the table unless it is STABLE or IMMUTABLE",
                            certain);
            } else if (ctx.pg_version < 11) {
                add_rewrite(facts, t.display, where + ": before PostgreSQL 11 any non-null default rewrites the table");
            }
        } else if (type == "CONSTR_NOTNULL") {
            info.not_null = true;
        } else if (type == "CONSTR_IDENTITY") {
            add_rewrite(facts, t.display, where + ": identity column fills every row from its sequence");
        } else if (type == "CONSTR_GENERATED") {
            add_rewrite(facts, t.display, where + ": stored generated column is computed for every row");
        } else if (type == "CONSTR_CHECK" && !con.value("skip_validation", false)) {
            add_scan(facts, t.display, where + ": CHECK is evaluated for every row");
        } else if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
            add_scan(facts, t.display, where + ": builds a unique index");
        } else if (type == "CONSTR_FOREIGN" && con.contains("pktable")) {
            lock_range_var(facts, ctx, con["pktable"], M::ShareRowExclusive,
                           where + " REFERENCES: adds triggers on the referenced table");
        }
    }
    if (info.not_null && !has_default && !is_serial(def)) {
        add_scan(facts, t.display, where + ": NOT NULL without a default fails unless the table is empty");
    }
    if (auto* rel = ctx.catalog.find(t.relname)) rel->columns.push_back(info);
}

void add_constraint(const json& con, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    std::string type = con.value("contype", std::string());
    std::string name = con.value("conname", std::string());
    std::string label = "ADD CONSTRAINT" + (name.empty() ? std::string() : " " + quote_ident(name));
    bool not_valid = con.value("skip_validation", false);
    if (type == "CONSTR_FOREIGN") {
        raise(acc, M::ShareRowExclusive, label + " FOREIGN KEY", true);
        if (con.contains("pktable")) {
            lock_range_var(facts, ctx, con["pktable"], M::ShareRowExclusive,
                           label + " FOREIGN KEY: adds triggers on the referenced table");
            std::string target = range_var_relname(con["pktable"]);
            if (auto* rel = ctx.catalog.find(t.relname)) {
                rel->references.push_back(target);
                if (!name.empty()) rel->foreign_keys[name] = target;
            }
            if (auto* ref = ctx.catalog.find(target)) ref->referenced_by.push_back(t.relname);
        }
        if (!not_valid) add_scan(facts, t.display, label + ": validates every row against the referenced table");
        return;
    }
    raise(acc, M::AccessExclusive, label, true);
    if (type == "CONSTR_CHECK") {
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

void alter_column_type(const json& cmd, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    std::string col = cmd.value("name", std::string());
    const json& def = cmd.value("def", json::object()).value("ColumnDef", json::object());
    std::string to = column_type_text(def);
    std::string where = "ALTER COLUMN " + quote_ident(col) + " TYPE " + to;
    raise(acc, M::AccessExclusive, where, true);
    bool using_clause = def.contains("raw_default");
    ColumnInfo* known = ctx.catalog.column(t.relname, col);
    if (known == nullptr || known->type.empty()) {
        std::string why;
        // Without the current type, only a USING clause decides it for sure.
        if (using_clause) {
            add_rewrite(facts, t.display, where + ": USING computes every row's new value");
        } else {
            add_rewrite(facts, t.display,
                        where + ": rewrites the table unless the current type is binary-coercible to " + to +
                            " (the current type is not in this migration)",
                        false);
        }
        if (known) known->type = to;
        return;
    }
    std::string why;
    TypeChange change = classify_type_change(known->type, to, using_clause, ctx.pg_version, why);
    if (change == TypeChange::Rewrite) add_rewrite(facts, t.display, where + ": " + why);
    else if (change == TypeChange::DependsOnTimeZone) add_rewrite(facts, t.display, where + ": " + why, false);
    else facts.notes.push_back(where + ": no rewrite, " + why);
    known->type = to;
}

void attach_partition(const json& cmd, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    const json& pc = cmd.value("def", json::object()).value("PartitionCmd", json::object());
    if (!pc.contains("name")) return;
    const json& part = pc["name"];
    std::string part_name = range_var_relname(part);
    if (t.kind == "index") {
        raise(acc, M::ShareUpdateExclusive, "ATTACH PARTITION " + range_var_name(part), false);
        lock_range_var(facts, ctx, part, M::AccessExclusive, "ATTACH PARTITION: the partition's index", "index");
        return;
    }
    M parent_mode = ctx.pg_version >= 12 ? M::ShareUpdateExclusive : M::AccessExclusive;
    raise(acc, parent_mode, "ATTACH PARTITION " + range_var_name(part), false);
    lock_range_var(facts, ctx, part, M::AccessExclusive, "ATTACH PARTITION: the table becoming a partition");
    lock_descendants(facts, ctx, part_name, M::AccessExclusive, "ATTACH PARTITION: the table becoming a partition");
    add_scan(facts, range_var_name(part),
             "ATTACH PARTITION: every row is checked against the partition bound unless a CHECK constraint already proves it",
             false);
    if (auto* parent = ctx.catalog.find(t.relname)) {
        parent->children.push_back(part_name);
        if (!parent->default_partition.empty()) {
            const RelationInfo* def = ctx.catalog.find(parent->default_partition);
            std::string display = def ? def->display : parent->default_partition;
            add_lock(facts, ctx, parent->default_partition, display, M::AccessExclusive, "",
                     "ATTACH PARTITION: the default partition is checked for rows of the new bound");
            add_scan(facts, display, "ATTACH PARTITION: the default partition is scanned for rows that belong to the new partition");
        }
    }
}

void detach_partition(const json& cmd, const Target& t, Accumulated& acc, StatementFacts& facts, Context& ctx) {
    const json& pc = cmd.value("def", json::object()).value("PartitionCmd", json::object());
    if (!pc.contains("name")) return;
    bool concurrent = pc.value("concurrent", false);
    if (concurrent && ctx.pg_version < 14) facts.notes.push_back("DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later");
    M mode = concurrent ? M::ShareUpdateExclusive : M::AccessExclusive;
    raise(acc, mode, std::string("DETACH PARTITION") + (concurrent ? " CONCURRENTLY" : ""), false);
    lock_range_var(facts, ctx, pc["name"], concurrent ? M::ShareUpdateExclusive : M::AccessExclusive,
                   "DETACH PARTITION: the partition");
    if (concurrent) facts.no_transaction_block = true;
    if (auto* parent = ctx.catalog.find(t.relname)) std::erase(parent->children, range_var_relname(pc["name"]));
}

}  // namespace

bool model_alter_table(const json& stmt, StatementFacts& facts, Context& ctx) {
    if (!stmt.contains("relation")) return false;
    const json& rv = stmt["relation"];
    std::string objtype = stmt.value("objtype", std::string("OBJECT_TABLE"));
    Target t{range_var_relname(rv), range_var_name(rv), ""};
    if (objtype == "OBJECT_INDEX") t.kind = "index";
    else if (objtype == "OBJECT_VIEW") t.kind = "view";
    else if (objtype == "OBJECT_MATVIEW") t.kind = "materialized view";
    else if (objtype == "OBJECT_SEQUENCE") t.kind = "sequence";
    else if (objtype == "OBJECT_FOREIGN_TABLE") t.kind = "foreign table";
    else if (objtype == "OBJECT_TYPE") t.kind = "type";
    else t.kind = relation_kind(ctx, t.relname, "table");
    static const std::map<std::string, std::string> k_tags = {
        {"OBJECT_INDEX", "ALTER INDEX"}, {"OBJECT_VIEW", "ALTER VIEW"},
        {"OBJECT_MATVIEW", "ALTER MATERIALIZED VIEW"}, {"OBJECT_SEQUENCE", "ALTER SEQUENCE"},
        {"OBJECT_FOREIGN_TABLE", "ALTER FOREIGN TABLE"}, {"OBJECT_TYPE", "ALTER TYPE"}};
    auto tag = k_tags.find(objtype);
    facts.tag = tag == k_tags.end() ? "ALTER TABLE" : tag->second;

    Accumulated acc;
    bool unknown = false;
    for (const auto& item : stmt.value("cmds", json::array())) {
        if (!item.contains("AlterTableCmd")) continue;
        const json& cmd = item["AlterTableCmd"];
        std::string sub = cmd.value("subtype", std::string());
        std::string col = cmd.value("name", std::string());
        bool rec = recurses(sub);
        const json& def = cmd.value("def", json::object());
        if (sub == "AT_AddColumn" || sub == "AT_AddColumnToView") {
            if (def.contains("ColumnDef")) add_column(def["ColumnDef"], t, acc, facts, ctx);
        } else if (sub == "AT_AddConstraint") {
            if (def.contains("Constraint")) add_constraint(def["Constraint"], t, acc, facts, ctx);
        } else if (sub == "AT_AlterColumnType") {
            alter_column_type(cmd, t, acc, facts, ctx);
        } else if (sub == "AT_SetNotNull") {
            raise(acc, M::AccessExclusive, "ALTER COLUMN " + quote_ident(col) + " SET NOT NULL", rec);
            ColumnInfo* c = ctx.catalog.column(t.relname, col);
            if (c && c->not_null) {
                facts.notes.push_back("column " + quote_ident(col) + " is already NOT NULL");
            } else if (c && c->has_not_null_check && ctx.pg_version >= 12) {
                facts.notes.push_back("SET NOT NULL skips the scan: a validated CHECK (" + quote_ident(col) + " IS NOT NULL) proves it");
            } else {
                add_scan(facts, t.display,
                         "SET NOT NULL on " + quote_ident(col) + ": every row is checked unless a validated CHECK (" +
                             quote_ident(col) + " IS NOT NULL) exists",
                         c != nullptr);
            }
            if (c) c->not_null = true;
        } else if (sub == "AT_DropColumn") {
            raise(acc, M::AccessExclusive, "DROP COLUMN " + quote_ident(col), rec);
            if (auto* rel = ctx.catalog.find(t.relname)) {
                std::erase_if(rel->columns, [&](const ColumnInfo& c) { return c.name == col; });
            }
        } else if (sub == "AT_ValidateConstraint") {
            raise(acc, M::ShareUpdateExclusive, "VALIDATE CONSTRAINT " + quote_ident(col), rec);
            add_scan(facts, t.display, "VALIDATE CONSTRAINT " + quote_ident(col) + ": checks every row");
            if (auto* rel = ctx.catalog.find(t.relname)) {
                auto fk = rel->foreign_keys.find(col);
                if (fk != rel->foreign_keys.end()) {
                    const RelationInfo* ref = ctx.catalog.find(fk->second);
                    add_lock(facts, ctx, fk->second, ref ? ref->display : quote_ident(fk->second), M::RowShare, "",
                             "VALIDATE CONSTRAINT: reads the referenced table");
                }
                auto nn = rel->not_null_checks.find(col);
                if (nn != rel->not_null_checks.end()) {
                    if (auto* c = ctx.catalog.column(t.relname, nn->second)) c->has_not_null_check = true;
                }
            }
        } else if (sub == "AT_DropConstraint") {
            raise(acc, M::AccessExclusive, "DROP CONSTRAINT " + quote_ident(col), rec);
            if (auto* rel = ctx.catalog.find(t.relname)) {
                auto fk = rel->foreign_keys.find(col);
                if (fk != rel->foreign_keys.end()) {
                    const RelationInfo* ref = ctx.catalog.find(fk->second);
                    add_lock(facts, ctx, fk->second, ref ? ref->display : quote_ident(fk->second), M::AccessExclusive, "",
                             "DROP CONSTRAINT: removes the foreign key's triggers from the referenced table");
                    rel->foreign_keys.erase(fk);
                }
            }
        } else if (sub == "AT_SetStatistics" || sub == "AT_SetOptions" || sub == "AT_ResetOptions" ||
                   sub == "AT_ClusterOn" || sub == "AT_DropCluster") {
            raise(acc, M::ShareUpdateExclusive, sub.substr(3), rec);
        } else if (sub == "AT_SetRelOptions" || sub == "AT_ResetRelOptions") {
            raise(acc, rel_options_mode(def.value("List", json::object()).value("items", json::array())),
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
            add_rewrite(facts, t.display, "SET ACCESS METHOD: the table is rewritten");
        } else if (sub == "AT_SetTableSpace") {
            raise(acc, M::AccessExclusive, "SET TABLESPACE", false);
            add_rewrite(facts, t.display, "SET TABLESPACE: the files are copied to the new tablespace");
        } else if (sub == "AT_AttachPartition") {
            attach_partition(cmd, t, acc, facts, ctx);
        } else if (sub == "AT_DetachPartition") {
            detach_partition(cmd, t, acc, facts, ctx);
        } else if (sub == "AT_DetachPartitionFinalize") {
            raise(acc, M::ShareUpdateExclusive, "DETACH PARTITION FINALIZE", false);
        } else if (sub == "AT_AddInherit" || sub == "AT_DropInherit") {
            raise(acc, M::AccessExclusive, sub == "AT_AddInherit" ? "INHERIT" : "NO INHERIT", false);
            if (def.contains("RangeVar")) {
                lock_range_var(facts, ctx, def["RangeVar"],
                               sub == "AT_AddInherit" ? M::ShareUpdateExclusive : M::AccessShare,
                               sub == "AT_AddInherit" ? "INHERIT: the new parent" : "NO INHERIT: the parent");
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
            if (sub == "AT_DropNotNull") {
                if (auto* c = ctx.catalog.column(t.relname, col)) c->not_null = false;
            }
        } else if (sub == "AT_CheckNotNull") {
            raise(acc, M::AccessShare, "CHECK NOT NULL", rec);
        } else {
            unknown = true;
        }
    }
    if (unknown && acc.reason.empty()) return false;
    lock_range_var(facts, ctx, rv, acc.mode, acc.reason, t.kind);
    if (acc.any_recursive && rv.value("inh", true)) {
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
