#include "analyze/model/column_fills.hpp"
#include <utility>

#include <algorithm>
#include <cctype>
#include <set>

#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze::model {
namespace {

const ColumnInfo* column_of(const RelationInfo* rel, const std::string& column) {
    if (rel == nullptr) return nullptr;
    auto it = rel->column_index.find(column);
    return it == rel->column_index.end() ? nullptr : &rel->columns[it->second];
}

// Types whose literal stays the value written: not a date or time ('today' is read when the
// statement runs, a timestamp in the session's time zone), not a float (0.1::float4 is not the
// numeric 0.1 a WHERE compares with), no type modifier (numeric(10,2) rounds 1.234).
bool stable_literal_type(const std::string& type, const Catalog& catalog) {
    static const std::set<std::string> k_builtin = {"text", "varchar", "citext", "bool", "int2", "int4", "int8", "numeric", "uuid"};
    if (type.find_first_of("([") != std::string::npos) return false;
    // A type the migrations created (an enum, most often).
    return k_builtin.count(type) > 0 || catalog.is_known_type(type);
}

bool names_relative_time(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (std::string_view word : {"now", "today", "tomorrow", "yesterday"}) {
        if (lower.find(word) != std::string::npos) return true;
    }
    return false;
}

// Does the tree call a function the migrations created (code that may write any table)?
bool calls_migration_function(const pg::Node* node, const Catalog& catalog) {
    if (node == nullptr) return false;
    if (const auto* call = pg::as<FuncCall>(node); call != nullptr && catalog.functions(std::string(pg::last_name(call->funcname)))) {
        return true;
    }
    bool found = false;
    pg::each_child(node, [&](const pg::Node* child) { found = found || calls_migration_function(child, catalog); });
    return found;
}

// Code a write of the table runs (triggers, rules): it may write any column of any table.
bool write_runs_code(const RelationInfo* rel) { return rel != nullptr && (!rel->triggers.empty() || !rel->rules.empty()); }

// A table's rows are also its ancestors' (a partition's, an inheritance child's) and its descendants
// are its own: a write that may change a column in one changes it in all of them.
void forget(Catalog& catalog, const std::string& relname, const std::string& column = {}) {
    catalog.clear_fills(relname, column);
    for (const std::string& below : catalog.descendants(relname)) catalog.clear_fills(below, column);
    std::set<std::string> seen{relname};
    for (const RelationInfo* rel = std::as_const(catalog).find(relname); rel != nullptr && !rel->parent.empty() && seen.insert(rel->parent).second;
         rel = catalog.find(rel->parent)) {
        catalog.clear_fills(rel->parent, column);
    }
}

bool is_plain_table(const RelationInfo* rel) { return rel != nullptr && (rel->kind == "table" || rel->kind == "partitioned table"); }

void track_alter(const AlterTableStmt* alter, Context& ctx, int line) {
    Catalog& catalog = ctx.catalog;
    const std::string relname(pg::relname(alter->relation));
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        const std::string name(pg::text(cmd->name));
        switch (cmd->subtype) {
            case AT_AddColumn: {
                // IF NOT EXISTS may have added nothing: the column may be an old one, with its own values.
                const auto* column = pg::as<ColumnDef>(cmd->def);
                if (column == nullptr || cmd->missing_ok) break;
                const std::string colname(pg::text(column->colname));
                const pg::Node* value = nullptr;
                bool computed = false;
                for (const Constraint* con : pg::each<Constraint>(column->constraints)) {
                    if (con->contype == CONSTR_DEFAULT) value = con->raw_expr;
                    computed = computed || con->contype == CONSTR_IDENTITY || con->contype == CONSTR_GENERATED;
                }
                const ColumnInfo* info = column_of(catalog.find(relname), colname);
                std::optional<std::string> constant =
                    value != nullptr && !computed && info != nullptr ? fill_constant(value, info->type, catalog) : std::nullopt;
                if (constant && is_plain_table(catalog.find(relname))) {
                    catalog.set_fill(relname, colname, ColumnFill{*constant, catalog.source(), line});
                }
                break;
            }
            case AT_AlterColumnType:
            case AT_DropColumn:
                forget(catalog, relname, name);
                break;
            case AT_AttachPartition:
            case AT_AddInherit:
                // Rows with their own values join the parent.
                forget(catalog, relname);
                if (const auto* rv = pg::as<RangeVar>(cmd->def)) forget(catalog, std::string(pg::relname(rv)));
                break;
            default:
                break;
        }
    }
}

void track_update(const UpdateStmt* update, Context& ctx, int line) {
    Catalog& catalog = ctx.catalog;
    const std::string relname(pg::relname(update->relation));
    const RelationInfo* rel = std::as_const(catalog).find(relname);
    // Every row, and nothing else that could write it: no WHERE, no FROM (an empty one updates
    // no row), not ONLY a parent.
    const bool whole = update->whereClause == nullptr && update->fromClause == nullptr && range_var_inh(update->relation);
    for (const ResTarget* target : pg::each<ResTarget>(update->targetList)) {
        const std::string column(pg::text(target->name));
        const ColumnInfo* info = column_of(rel, column);
        std::optional<std::string> constant =
            whole && target->indirection == nullptr && info != nullptr ? fill_constant(target->val, info->type, catalog) : std::nullopt;
        forget(catalog, relname, column);
        if (constant) catalog.set_fill(relname, column, ColumnFill{*constant, catalog.source(), line});
    }
}

}  // namespace

std::optional<std::string> fill_constant(const pg::Node* expr, const std::string& type, const Catalog& catalog) {
    if (!stable_literal_type(type, catalog)) return std::nullopt;
    while (const auto* cast = pg::as<TypeCast>(expr)) {
        if (canonical_type(cast->typeName) != type) return std::nullopt;
        expr = cast->arg;
    }
    const auto* c = pg::as<A_Const>(expr);
    if (c == nullptr || c->isnull) return std::nullopt;
    switch (c->val.node.type) {
        case T_Integer:
            return std::to_string(c->val.ival.ival);
        case T_Float:
            return std::string(pg::text(c->val.fval.fval));
        case T_Boolean:
            return c->val.boolval.boolval ? "true" : "false";
        case T_String: {
            std::string_view text = pg::text(c->val.sval.sval);
            if (catalog.is_known_type(type) && names_relative_time(text)) return std::nullopt;
            std::string out = "'";
            for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
            return out + "'";
        }
        default:
            return std::nullopt;
    }
}

void track_fills(const pg::Node* stmt, const StatementFacts& facts, Context& ctx, int line) {
    Catalog& catalog = ctx.catalog;
    // Code the model cannot see, or a statement it does not know: it may write anything.
    if (stmt == nullptr || facts.status != StatementStatus::Analyzed || facts.runs_user_code || pg::is<DoStmt>(stmt) ||
        pg::is<CallStmt>(stmt) || pg::is<SelectStmt>(stmt) || pg::is<ExecuteStmt>(stmt)) {
        catalog.clear_all_fills();
        return;
    }
    // An enum value renamed: the rows hold the new label.
    if (const auto* e = pg::as<AlterEnumStmt>(stmt); e != nullptr && e->oldVal != nullptr) {
        catalog.clear_all_fills();
        return;
    }
    if (const auto* alter = pg::as<AlterTableStmt>(stmt)) {
        track_alter(alter, ctx, line);
        return;
    }
    const RangeVar* target = target_relation(stmt);
    if (const auto* copy = pg::as<CopyStmt>(stmt); copy != nullptr && copy->is_from) target = copy->relation;
    if (target == nullptr) return;
    const std::string relname(pg::relname(target));
    const RelationInfo* rel = std::as_const(catalog).find(relname);
    // A write through a view or a table not known, or one that runs triggers, rules or the
    // migrations' functions, or a data-modifying WITH: what it writes is not known here.
    const pg::Node* with = nullptr;
    if (const auto* u = pg::as<UpdateStmt>(stmt)) with = reinterpret_cast<const pg::Node*>(u->withClause);
    if (const auto* d = pg::as<DeleteStmt>(stmt)) with = reinterpret_cast<const pg::Node*>(d->withClause);
    if (const auto* i = pg::as<InsertStmt>(stmt)) with = reinterpret_cast<const pg::Node*>(i->withClause);
    if (const auto* m = pg::as<MergeStmt>(stmt)) with = reinterpret_cast<const pg::Node*>(m->withClause);
    if (!is_plain_table(rel) || write_runs_code(rel) || with != nullptr || calls_migration_function(stmt, catalog)) {
        catalog.clear_all_fills();
        return;
    }
    if (const auto* update = pg::as<UpdateStmt>(stmt)) {
        track_update(update, ctx, line);
    } else if (!pg::is<DeleteStmt>(stmt)) {
        forget(catalog, relname);  // INSERT, MERGE, COPY FROM: rows with values of their own
    }
}

}  // namespace pgfence::analyze::model
