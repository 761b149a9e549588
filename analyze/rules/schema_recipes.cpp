#include "analyze/rules/schema_recipes.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"

namespace pgfence::analyze::rules::schema {
namespace {

constexpr std::size_t k_name_max = 63;  // NAMEDATALEN - 1

// Calls visit(i, depth) for every character outside quotes and comments.
template <typename Visit>
void scan_top(std::string_view sql, std::size_t from, std::size_t to, Visit visit) {
    int depth = 0;
    for (std::size_t i = from; i < to && i < sql.size();) {
        std::size_t next = skip_token(sql, i);
        if (next != i) { i = next; continue; }
        if (sql[i] == '(') ++depth;
        if (sql[i] == ')') --depth;
        if (visit(i, depth)) return;
        ++i;
    }
}

// The column references of a raw expression: the nodes an expression in CHECK, USING or
// GENERATED can hold (gram.y's a_expr), subqueries included.
void collect_column_refs(const pg::Node* node, std::vector<const ColumnRef*>& out) {
    if (node == nullptr) return;
    auto walk = [&](const void* child) { collect_column_refs(static_cast<const pg::Node*>(child), out); };
    switch (node->type) {
        case T_ColumnRef: out.push_back(pg::as<ColumnRef>(node)); break;
        case T_List:
            for (const pg::Node* n : pg::each(pg::as<List>(node))) walk(n);
            break;
        case T_A_Expr: { auto* e = pg::as<A_Expr>(node); walk(e->lexpr); walk(e->rexpr); break; }
        case T_BoolExpr: walk(pg::as<BoolExpr>(node)->args); break;
        case T_FuncCall: {
            auto* f = pg::as<FuncCall>(node);
            walk(f->args); walk(f->agg_order); walk(f->agg_filter);
            break;
        }
        case T_TypeCast: walk(pg::as<TypeCast>(node)->arg); break;
        case T_CollateClause: walk(pg::as<CollateClause>(node)->arg); break;
        case T_NullTest: walk(pg::as<NullTest>(node)->arg); break;
        case T_BooleanTest: walk(pg::as<BooleanTest>(node)->arg); break;
        case T_CaseExpr: {
            auto* c = pg::as<CaseExpr>(node);
            walk(c->arg); walk(c->args); walk(c->defresult);
            break;
        }
        case T_CaseWhen: { auto* w = pg::as<CaseWhen>(node); walk(w->expr); walk(w->result); break; }
        case T_CoalesceExpr: walk(pg::as<CoalesceExpr>(node)->args); break;
        case T_MinMaxExpr: walk(pg::as<MinMaxExpr>(node)->args); break;
        case T_RowExpr: walk(pg::as<RowExpr>(node)->args); break;
        case T_A_ArrayExpr: walk(pg::as<A_ArrayExpr>(node)->elements); break;
        case T_A_Indirection: {
            auto* i = pg::as<A_Indirection>(node);
            walk(i->arg); walk(i->indirection);
            break;
        }
        case T_A_Indices: { auto* i = pg::as<A_Indices>(node); walk(i->lidx); walk(i->uidx); break; }
        case T_NamedArgExpr: walk(pg::as<NamedArgExpr>(node)->arg); break;
        case T_SortBy: walk(pg::as<SortBy>(node)->node); break;
        case T_GroupingFunc: walk(pg::as<GroupingFunc>(node)->args); break;
        case T_XmlExpr: { auto* x = pg::as<XmlExpr>(node); walk(x->named_args); walk(x->args); break; }
        case T_ResTarget: walk(pg::as<ResTarget>(node)->val); break;
        case T_SubLink: { auto* l = pg::as<SubLink>(node); walk(l->testexpr); walk(l->subselect); break; }
        case T_SelectStmt: {
            auto* q = pg::as<SelectStmt>(node);
            walk(q->targetList); walk(q->fromClause); walk(q->whereClause); walk(q->groupClause);
            walk(q->havingClause); walk(q->valuesLists); walk(q->sortClause); walk(q->larg); walk(q->rarg);
            break;
        }
        default: break;
    }
}

// The column a ColumnRef names (its last field: `a`, `users.a`, `app.users.a`), or "" for a star.
std::string column_of(const ColumnRef* column_ref) {
    int n = pg::length(column_ref->fields);
    if (n < 1 || n > 3) return {};
    const pg::Node* last = pg::nth(column_ref->fields, n - 1);
    return pg::is<String>(last) ? std::string(pg::text(last)) : std::string();
}

bool identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// Index just past the identifier (quoted or not) at i, or npos when there is none.
std::size_t identifier_end(std::string_view text, std::size_t i) {
    if (i < text.size() && text[i] == '"') {
        std::size_t end = skip_token(text, i);
        return end == i ? std::string_view::npos : end;
    }
    std::size_t end = i;
    while (end < text.size() && identifier_char(text[end])) ++end;
    return end == i ? std::string_view::npos : end;
}

std::size_t skip_spaces(std::string_view text, std::size_t i) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return i;
}

// One column reference as written: [begin, end) of `table.col` or `schema.table.col`, and the
// column's own text (`col`, `"Qty"`). False when the text does not read as `parts` names.
struct WrittenRef {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string column;
};

bool read_qualified(std::string_view text, std::size_t begin, int parts, WrittenRef& out) {
    std::size_t i = begin;
    std::size_t last = begin;
    for (int n = 0; n < parts; ++n) {
        if (n > 0) {
            i = skip_spaces(text, i);
            if (i >= text.size() || text[i] != '.') return false;
            i = skip_spaces(text, i + 1);
        }
        last = i;
        i = identifier_end(text, i);
        if (i == std::string_view::npos) return false;
    }
    out = {begin, i, std::string(text.substr(last, i - last))};
    return true;
}

}  // namespace


const LockFact* existing_table_lock(const StatementFacts& statement, const std::string& table) {
    const LockFact* lock = lock_on(statement, table);
    return lock == nullptr || lock->is_new ? nullptr : lock;
}

const TableEffect* effect_for(const std::vector<TableEffect>& effects, const std::string& relation,
                              const std::string& clause) {
    for (const auto& e : effects) {
        if (e.relation == relation && e.reason.rfind(clause, 0) == 0) return &e;
    }
    return nullptr;
}

std::string effect_detail(const TableEffect& effect) {
    auto colon = effect.reason.find(": ");
    return colon == std::string::npos ? effect.reason : effect.reason.substr(colon + 2);
}

void each_alter_cmd(const StatementContext& ctx, TableEffectNeeded needed,
                    FunctionRef<void(const AlteredTable& table, const AlterTableCmd* cmd)> fn) {
    const auto* stmt = ctx.as<AlterTableStmt>();
    if (stmt == nullptr) return;
    const RangeVar* rv = stmt->relation;
    const std::string& table = ctx.display_name(rv);
    const LockFact* lock = existing_table_lock(ctx.statement, table);
    if (lock == nullptr) return;
    if (needed == TableEffectNeeded::scan && effect_on(ctx.statement.scans, table) == nullptr) return;
    if (needed == TableEffectNeeded::rewrite && effect_on(ctx.statement.rewrites, table) == nullptr) return;
    AlteredTable altered{stmt, rv, table, *lock};
    int index = 0;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        ctx.subcommand = index++;
        fn(altered, cmd);
    }
    ctx.subcommand = -1;
}

void each_added_column(const StatementContext& ctx, TableEffectNeeded needed,
                       FunctionRef<void(const AlteredTable& table, const AddedColumn& column)> fn) {
    each_alter_cmd(ctx, needed, [&](const AlteredTable& altered, const AlterTableCmd* cmd) {
        const auto* def = pg::as<ColumnDef>(cmd->def);
        if (cmd->subtype != AT_AddColumn || def == nullptr) return;
        std::string col = quote_ident(pg::text(def->colname));
        const TableEffect* rewrite = effect_for(ctx.statement.rewrites, altered.table, "ADD COLUMN " + col + ":");
        fn(altered, AddedColumn{cmd, def, col, rewrite});
    });
}

void each_index_building_constraint(
    const StatementContext& ctx, ConstrType contype,
    FunctionRef<void(const AlterTableStmt* stmt, const Constraint* con, const std::string& table,
                             const LockFact& lock)> fn) {
    each_alter_cmd(ctx, TableEffectNeeded::scan, [&](const AlteredTable& altered, const AlterTableCmd* cmd) {
        const auto* con = pg::as<Constraint>(cmd->def);
        if (cmd->subtype != AT_AddConstraint || con == nullptr) return;
        if (con->contype != contype || con->indexname != nullptr) return;
        fn(altered.stmt, con, altered.table, altered.lock);
    });
}

void report_unique_index_builds(const StatementContext& ctx, Sink& sink, ConstrType contype,
                                std::string_view label, FunctionRef<void(const UniqueIndexBuild& build)> fn) {
    each_index_building_constraint(ctx, contype, [&](const AlterTableStmt* stmt, const Constraint* con,
                                                     const std::string& table, const LockFact& lock) {
        // The model's note, when the usual name is taken (users_email_key1).
        std::string name = chosen_index_name(ctx.statement, constraint_index_name(std::string(pg::relname(stmt->relation)), con));
        std::string quoted = quote_ident(name);
        Finding& f = sink.add(ctx.statement, std::string(label) + " " + quoted + " on " + table +
                                                 " builds its index by reading every row while holding " +
                                                 describe_lock(lock));
        f.relation = table;
        Recipe recipe;
        recipe.steps.push_back({"Migration 1 (no transaction)",
                                unique_index_sql(ctx.statement.sql, con, name, table) +
                                    "\n-- If it fails (duplicates, a deadlock) it leaves an INVALID index: fix the cause,\n"
                                    "-- DROP INDEX CONCURRENTLY IF EXISTS " + quoted + "; and run it again.",
                                false});
        f.recipe = std::move(recipe);
        fn(UniqueIndexBuild{stmt, con, table, quoted, f});
    });
}

void report_column_index_builds(const StatementContext& ctx, Sink& sink, ConstrType contype, std::string_view label) {
    each_added_column(ctx, TableEffectNeeded::scan, [&](const AlteredTable& altered, const AddedColumn& column) {
        for (const Constraint* con : pg::each<Constraint>(column.def->constraints)) {
            if (con->contype != contype || con->indexname != nullptr) continue;
            std::string relname(pg::relname(altered.relation));
            std::string name(pg::text(con->conname));
            if (name.empty()) {
                name = contype == CONSTR_PRIMARY ? object_name(relname, "", "pkey")
                                                 : object_name(relname, std::string(pg::text(column.def->colname)), "key");
            }
            std::string index = quote_ident(name);
            std::string keyword = contype == CONSTR_PRIMARY ? "PRIMARY KEY" : "UNIQUE";
            Finding& f = sink.add(ctx.statement, std::string(label) + " " + index + " on " + altered.table +
                                                     " (ADD COLUMN " + column.col + " ... " + keyword +
                                                     ") builds its index by reading every row while holding " +
                                                     describe_lock(altered.lock));
            f.relation = altered.table;
            f.fix = "add " + column.col + " without " + keyword + ", build the index with CREATE UNIQUE "
                    "INDEX CONCURRENTLY " + index + " ON " + altered.table + " (" + column.col + ") in its own "
                    "migration, then ADD CONSTRAINT " + index + " " + keyword +
                    " USING INDEX " + index;
        }
    });
}

QualifiedName name_of_range_var(const RangeVar* range_var) {
    if (range_var == nullptr) return {};
    return {std::string(pg::text(range_var->schemaname)), std::string(pg::relname(range_var))};
}

QualifiedName name_of_list(const List* names) {
    std::vector<std::string> parts;
    for (const pg::Node* n : pg::each(names)) parts.emplace_back(pg::text(n));
    QualifiedName out;
    if (!parts.empty()) out.name = parts.back();
    if (parts.size() >= 2) out.schema = parts[parts.size() - 2];
    return out;
}

bool same_name(const QualifiedName& a, const QualifiedName& b) {
    return a.name == b.name && (a.schema.empty() || b.schema.empty() || a.schema == b.schema);
}

std::string shown(const QualifiedName& name) {
    return (name.schema.empty() ? "" : quote_ident(name.schema) + ".") + quote_ident(name.name);
}

std::size_t clause_end(std::string_view sql, std::size_t from) {
    std::size_t end = sql.size();
    scan_top(sql, from, sql.size(), [&](std::size_t i, int depth) {
        if (depth < 0 || (depth == 0 && sql[i] == ',')) {
            end = i;
            return true;
        }
        return false;
    });
    return end;
}

ColumnText column_text(std::string_view sql, const ColumnDef* column_def) {
    ColumnText out;
    out.name = pg::text(column_def->colname);
    std::size_t start = static_cast<std::size_t>(std::max(0, column_def->location));
    std::size_t end = clause_end(sql, start);
    struct Mark {
        std::size_t at;
        ColumnPiece::Kind kind;
        const Constraint* node;
    };
    std::vector<Mark> marks;
    if (column_def->typeName != nullptr && column_def->typeName->location >= 0) {
        marks.push_back({static_cast<std::size_t>(column_def->typeName->location), ColumnPiece::Kind::type, nullptr});
    }
    if (column_def->collClause != nullptr && column_def->collClause->location >= 0) {
        marks.push_back({static_cast<std::size_t>(column_def->collClause->location), ColumnPiece::Kind::collate, nullptr});
    }
    for (const Constraint* c : pg::each<Constraint>(column_def->constraints)) {
        if (c->location < 0) continue;
        marks.push_back({static_cast<std::size_t>(c->location), ColumnPiece::Kind::constraint, c});
    }
    std::sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.at < b.at; });
    for (std::size_t i = 0; i < marks.size(); ++i) {
        std::size_t from = std::min(marks[i].at, end);
        std::size_t to = i + 1 < marks.size() ? std::min(marks[i + 1].at, end) : end;
        ConstrType type = marks[i].node != nullptr ? marks[i].node->contype : CONSTR_NULL;
        out.pieces.push_back({marks[i].kind, type, trim(sql.substr(from, to - from)), marks[i].node});
    }
    return out;
}

namespace {

bool listed(const ConstrTypes& types, const ColumnPiece& piece) {
    return piece.kind == ColumnPiece::Kind::constraint &&
           std::find(types.begin(), types.end(), piece.contype) != types.end();
}

}  // namespace

std::string column_sql(const ColumnText& column, const ConstrTypes& keep, std::string_view type_override) {
    std::string out = quote_ident(column.name);
    for (const auto& p : column.pieces) {
        if (p.kind == ColumnPiece::Kind::type) {
            out += " " + (type_override.empty() ? p.text : std::string(type_override));
        } else if (p.kind == ColumnPiece::Kind::collate || listed(keep, p)) {
            out += " " + p.text;
        }
    }
    return out;
}

const Constraint* column_constraint(const ColumnDef* column_def, ConstrType type) {
    for (const Constraint* c : pg::each<Constraint>(column_def->constraints)) {
        if (c->contype == type) return c;
    }
    return nullptr;
}

std::string dropped_pieces(const ColumnText& column, const ConstrTypes& handled) {
    std::string out;
    for (const auto& p : column.pieces) {
        if (p.kind != ColumnPiece::Kind::constraint || p.contype == CONSTR_NULL) continue;
        if (listed(handled, p)) continue;
        out += (out.empty() ? "" : ", ") + p.text;
    }
    return out;
}

std::string serial_base_type(const ColumnDef* column_def) {
    const List* names = column_def->typeName != nullptr ? column_def->typeName->names : nullptr;
    if (pg::length(names) != 1 || !pg::is<String>(pg::nth(names, 0))) return {};
    std::string n(pg::text(pg::nth(names, 0)));
    if (n == "bigserial" || n == "serial8") return "bigint";
    if (n == "serial" || n == "serial4") return "integer";
    if (n == "smallserial" || n == "serial2") return "smallint";
    return {};
}

const Constraint* real_default(const ColumnDef* column_def) {
    const Constraint* d = column_constraint(column_def, CONSTR_DEFAULT);
    if (d == nullptr || d->raw_expr == nullptr) return nullptr;
    const auto* value = pg::as<A_Const>(d->raw_expr);
    if (value != nullptr && value->isnull) return nullptr;
    return d;
}

std::string add_column_sql(const std::string& table, const AlterTableCmd* cmd, const std::string& column) {
    return "ALTER TABLE " + table + " ADD COLUMN " + (cmd->missing_ok ? "IF NOT EXISTS " : "") + column;
}

std::string later_constraints_note(const ColumnText& column, const ConstrTypes& handled,
                                   LaterConstraints how) {
    std::string dropped = dropped_pieces(column, handled);
    if (dropped.empty()) return {};
    if (how == LaterConstraints::separately) {
        return "\n-- Add the column's other constraints (" + dropped + ") separately, after the backfill.";
    }
    return "\n-- Add the column's other constraints (" + dropped + ") after the backfill, without a long lock:\n"
           "-- CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX.";
}

std::string others_note(const AlterTableStmt* stmt) {
    return pg::length(stmt->cmds) > 1 ? "-- Only this subcommand is shown; the statement's other subcommands are not repeated.\n"
                                       : "";
}

std::string dollar_tag(std::string_view body) {
    if (body.find("$$") == std::string_view::npos) return "$$";
    for (int i = 0;; ++i) {
        std::string tag = "$fn" + (i == 0 ? std::string() : std::to_string(i)) + "$";
        if (body.find(tag) == std::string_view::npos) return tag;
    }
}

std::string default_expression(const ColumnPiece& piece) {
    std::size_t at = find_keyword(piece.text, 0, piece.text.size(), "DEFAULT");
    return at == std::string::npos ? piece.text : trim(std::string_view(piece.text).substr(at + 7));
}

std::string prefix_columns(std::string_view expr_text, std::size_t expr_begin, const pg::Node* expr,
                           std::string_view prefix) {
    std::vector<const ColumnRef*> refs;
    collect_column_refs(expr, refs);
    std::vector<WrittenRef> at;
    for (const ColumnRef* r : refs) {
        int loc = r->location;
        if (column_of(r).empty() || loc < 0 || static_cast<std::size_t>(loc) < expr_begin) continue;
        std::size_t rel = static_cast<std::size_t>(loc) - expr_begin;
        if (rel >= expr_text.size()) continue;
        WrittenRef written;
        int parts = pg::length(r->fields);
        if (parts == 1) {
            at.push_back({rel, rel, ""});  // a plain column: the prefix goes in front of it
        } else if (read_qualified(expr_text, rel, parts, written)) {
            at.push_back(written);  // `users.a`: the table (and schema) give way to the prefix
        }
    }
    std::sort(at.begin(), at.end(), [](const WrittenRef& a, const WrittenRef& b) { return a.begin > b.begin; });
    std::string out(expr_text);
    for (const auto& w : at) {
        out.replace(w.begin, w.end - w.begin, std::string(prefix) + w.column);
    }
    return out;
}

std::vector<std::string> referenced_columns(const pg::Node* expr) {
    std::vector<const ColumnRef*> refs;
    collect_column_refs(expr, refs);
    std::vector<std::string> out;
    for (const ColumnRef* r : refs) {
        std::string name = column_of(r);
        if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
}

std::string not_null_check_name(const std::string& relname, const std::string& column) {
    return object_name(relname, column, "not_null");
}

std::string constraint_index_name(const std::string& relname, const Constraint* con) {
    std::string name(pg::text(con->conname));
    if (!name.empty()) return name;
    if (con->contype == CONSTR_PRIMARY) return object_name(relname, "", "pkey");
    // ChooseIndexNameAddition: the key and INCLUDE column names joined by '_', cut near 63 bytes.
    std::string cols;
    for (const List* list : {con->keys, con->including}) {
        for (const pg::Node* c : pg::each(list)) {
            if (cols.size() >= k_name_max + 1) break;
            if (!cols.empty()) cols += "_";
            cols += pg::text(c);
        }
    }
    return object_name(relname, cols, "key");
}

std::string unique_index_sql(std::string_view sql, const Constraint* con, const std::string& index,
                             const std::string& table) {
    // Without IF NOT EXISTS: an INVALID index a failed build left would pass for it on a retry.
    std::string out = "CREATE UNIQUE INDEX CONCURRENTLY " + quote_ident(index) + " ON " + table + " (" +
                      column_list(con->keys) + ")";
    if (pg::length(con->including) > 0) out += " INCLUDE (" + column_list(con->including) + ")";
    if (con->nulls_not_distinct) out += " NULLS NOT DISTINCT";
    std::size_t from = static_cast<std::size_t>(std::max(0, con->location));
    std::size_t with = find_keyword(sql, from, clause_end(sql, from), "WITH");
    if (pg::length(con->options) > 0 && with != std::string_view::npos) out += " WITH " + parenthesised(sql, with);
    if (con->indexspace != nullptr) out += " TABLESPACE " + quote_ident(con->indexspace);
    return out + ";";
}

std::string deferrable_clause(const Constraint* con) {
    std::string out;
    if (con->deferrable) out += " DEFERRABLE";
    if (con->initdeferred) out += " INITIALLY DEFERRED";
    return out;
}

std::string schema_prefix(const RangeVar* range_var) {
    return range_var != nullptr && range_var->schemaname != nullptr ? quote_ident(range_var->schemaname) + "." : "";
}

std::string regclass_literal(const std::string& qualified) { return quote_literal(qualified); }

RecipeStep backfill_step(const std::string& table, const std::string& column, const std::string& value,
                         const std::string& pending) {
    std::string col = quote_ident(column);
    std::string where = pending.empty() ? col + " IS NULL" : pending;
    std::string sql =
        "-- Backfill out of band, before the next migration: run this until it reports UPDATE 0,\n"
        "-- each batch in its own transaction (one UPDATE of the whole table would hold every\n"
        "-- row lock until it ends and leave a dead copy of every row behind).\n" +
        comment_lines("UPDATE " + table + " SET " + col + " = " + value + "\n WHERE ctid = ANY (ARRAY(SELECT ctid FROM " +
                      table + " WHERE " + where + " LIMIT 5000));");
    return RecipeStep{"Out of band: backfill", sql, false};
}

std::string migration_title(int& number, std::string_view suffix) {
    return "Migration " + std::to_string(number++) + std::string(suffix);
}

void add_not_null_steps(Recipe& recipe, int& number, const std::string& table, const std::string& relname,
                        const std::vector<std::string>& columns, int pg_version, const std::string& finish) {
    std::string add, validate, set, drop, names;
    for (const auto& col : columns) {
        std::string check = quote_ident(not_null_check_name(relname, col));
        add += "ALTER TABLE " + table + " ADD CONSTRAINT " + check + " CHECK (" + quote_ident(col) + " IS NOT NULL) NOT VALID;\n";
        validate += "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + check + ";\n";
        set += "ALTER TABLE " + table + " ALTER COLUMN " + quote_ident(col) + " SET NOT NULL;\n";
        drop += "ALTER TABLE " + table + " DROP CONSTRAINT " + check + ";\n";
    }
    add += "-- Instant: rows written from now on are checked; existing rows are not read.";
    recipe.steps.push_back({migration_title(number), add, true});

    bool required = !finish.empty();
    std::string last = "-- Reads every row, under a lock that lets reads and writes continue.\n" + validate;
    if (pg_version >= 12) {
        last += "-- Instant: PostgreSQL 12+ takes the validated CHECK as proof and skips the scan.\n" + set;
        if (required) last += finish + "\n";
        last += drop;
    } else if (required) {
        last += "-- PostgreSQL 11 still reads every row for SET NOT NULL under ACCESS EXCLUSIVE, CHECK or not;\n"
                "-- upgrading to 12+ makes this step instant.\n" + set + finish + "\n" + drop;
    } else {
        last += "-- On PostgreSQL 11, SET NOT NULL would still read every row under ACCESS EXCLUSIVE:\n"
                "-- keep the validated CHECK instead, it rejects NULLs just the same.";
    }
    while (!last.empty() && last.back() == '\n') last.pop_back();
    recipe.steps.push_back({migration_title(number), last, true});
}

}  // namespace pgfence::analyze::rules::schema
