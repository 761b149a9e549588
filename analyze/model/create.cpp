#include <algorithm>
#include <utility>
#include <set>

#include "analyze/model/check_constraints.hpp"
#include "analyze/model/if_not_exists.hpp"
#include "analyze/model/collations.hpp"
#include "analyze/model/model.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/model/search_paths.hpp"
#include "analyze/model/sequence_types.hpp"
#include "analyze/model/view_options_note.hpp"
#include "analyze/model/view_rows.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "_") + p;
    return out;
}

// "billing." when `display` is schema-qualified: implicit indexes and sequences live in
// their table's schema.
std::string schema_prefix(const std::string& display) {
    std::size_t dot = std::string::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < display.size(); ++i) {
        if (display[i] == '"') quoted = !quoted;
        else if (display[i] == '.' && !quoted) dot = i;
    }
    return dot == std::string::npos ? std::string() : display.substr(0, dot + 1);
}

}  // namespace

void register_relation(Context& ctx, const std::string& table, const std::string& name, const std::string& kind,
                       std::optional<IndexDef> index) {
    const RelationInfo* t = std::as_const(ctx.catalog).find(table);
    bool table_is_new = t && t->is_new;
    std::string display = schema_prefix(t ? t->display : std::string()) + quote_ident(name);
    RelationInfo& info = ctx.catalog.add(name, display, kind);
    info.is_new = table_is_new;
    if (table_is_new) info.created_as = t->created_as;  // in its table's schema, named alike
    if (kind == "index") info.index_table = table;
    else info.owned_by = table;
    info.index = std::move(index);
}

namespace {

std::vector<std::string> string_list(const List* list) {
    std::vector<std::string> out;
    for (const pg::Node* item : pg::each(list)) out.emplace_back(pg::text(item));
    return out;
}

}  // namespace

// The sequence a nextval('name') default calls, or "".
std::string nextval_sequence(const pg::Node* expr) {
    const FuncCall* call = pg::as<FuncCall>(expr);
    if (call == nullptr || pg::last_name(call->funcname) != "nextval") return {};
    const pg::Node* arg = pg::nth(call->args, 0);
    if (const TypeCast* cast = pg::as<TypeCast>(arg)) arg = cast->arg;
    const A_Const* value = pg::as<A_Const>(arg);
    if (value == nullptr || value->isnull || value->val.node.type != T_String) return {};
    std::string text(pg::text(value->val.sval.sval));
    auto dot = text.rfind('.');
    return dot == std::string::npos ? text : text.substr(dot + 1);
}

bool is_serial_type(const ColumnDef* column_def) {
    if (column_def == nullptr || column_def->typeName == nullptr || pg::length(column_def->typeName->names) != 1) {
        return false;
    }
    std::string_view n = pg::text(pg::nth(column_def->typeName->names, 0));
    return n == "serial" || n == "bigserial" || n == "smallserial" || n == "serial4" || n == "serial8" || n == "serial2";
}

std::string record_constraint(Context& ctx, const std::string& table, const std::string& column, const Constraint* con,
                              std::string* usual_name_taken) {
    ConstrType type = con->contype;
    std::string name(pg::text(con->conname));
    std::vector<std::string> keys = string_list(con->keys);
    if (keys.empty() && !column.empty()) keys.push_back(column);
    RelationInfo* rel = ctx.catalog.find(table);
    // A CHECK, under its name or the one PostgreSQL gives it: the columns it names, its expression.
    if (type == CONSTR_CHECK && rel != nullptr) {
        CheckInfo check = check_info(con);
        const std::string key = name.empty() ? unnamed_check_name(rel, table, check) : name;
        if (rel->checks.count(key) == 0) rel->checks.insert_or_assign(key, std::move(check));
    }
    if (type == CONSTR_FOREIGN && con->pktable != nullptr) {
        ForeignKey fk;
        fk.columns = string_list(con->fk_attrs);
        if (fk.columns.empty() && !column.empty()) fk.columns.push_back(column);
        fk.target = pg::relname(con->pktable);
        fk.target_columns = string_list(con->pk_attrs);
        fk.on_delete = con->fk_del_action != 0 ? con->fk_del_action : 'a';
        fk.on_update = con->fk_upd_action != 0 ? con->fk_upd_action : 'a';
        fk.name = name.empty() ? table + "_" + joined(fk.columns) + "_fkey" : name;
        fk.source = ctx.catalog.source();
        if (rel) {
            rel->references.push_back(fk.target);
            rel->foreign_keys[fk.name] = fk;
        }
        if (auto* ref = ctx.catalog.find(fk.target)) ref->referenced_by.push_back(table);
        return {};
    }
    if (type == CONSTR_PRIMARY || type == CONSTR_UNIQUE || type == CONSTR_EXCLUSION) {
        if (con->indexname != nullptr) {
            // USING INDEX: the index is renamed to the constraint's name.
            std::string index(con->indexname);
            if (!name.empty() && name != index) ctx.catalog.rename(index, name);
            if (RelationInfo* idx = ctx.catalog.find(name.empty() ? index : name); idx != nullptr && idx->kind == "index") {
                idx->owned_by = table;
                if (type == CONSTR_PRIMARY && idx->index) idx->index->primary = true;
            }
            return {};
        }
        if (type == CONSTR_EXCLUSION) {
            // Each exclusion is a list: the element, then its operator.
            keys.clear();
            for (const List* e : pg::each<List>(con->exclusions)) {
                if (pg::length(e) == 0) continue;
                const IndexElem* elem = pg::as<IndexElem>(pg::nth(e, 0));
                keys.emplace_back(elem != nullptr && elem->name != nullptr ? elem->name : "expr");
            }
        }
        // PostgreSQL's name for it (ChooseIndexName): makeObjectName(table, the key and INCLUDE
        // columns, "key"/"excl"/"pkey"), and while a relation has that name, the label with a
        // number (users_email_key1), cut to fit 63 bytes. A relation of that name taken as
        // proof: for a primary key, only another table's index (users_pkey kept by users_old after
        // a rename); the table's own <table>_pkey is the one a migration drops first.
        std::string cols;
        for (const List* list : {con->keys, con->including}) {
            for (const pg::Node* c : pg::each(list)) {
                if (cols.size() >= 64) break;
                if (!cols.empty()) cols += "_";
                cols += pg::text(c);
            }
        }
        if (cols.empty() && type != CONSTR_PRIMARY) cols = joined(keys);
        const std::string label = type == CONSTR_PRIMARY ? "pkey" : type == CONSTR_UNIQUE ? "key" : "excl";
        const std::string first = object_name(table, type == CONSTR_PRIMARY ? "" : cols, label);
        std::string index = !name.empty() ? name : first;
        auto taken = [&](const std::string& candidate) {
            // A constraint of the table by that name (a CHECK, a foreign key) takes it too.
            if (rel != nullptr && type != CONSTR_PRIMARY &&
                (rel->checks.count(candidate) > 0 || rel->foreign_keys.count(candidate) > 0 || rel->not_null_checks.count(candidate) > 0)) {
                return true;
            }
            const RelationInfo* other = std::as_const(ctx.catalog).find(candidate);
            if (other == nullptr) return false;
            return type != CONSTR_PRIMARY || (other->kind == "index" && other->index_table != table);
        };
        for (int n = 1; name.empty() && taken(index) && n < 100; ++n) {
            index = object_name(table, type == CONSTR_PRIMARY ? "" : cols, label + std::to_string(n));
        }
        if (name.empty() && index != first && usual_name_taken != nullptr) *usual_name_taken = first;
        if (type == CONSTR_PRIMARY && rel) {
            rel->primary_key = keys;
            for (auto& c : rel->columns) {
                if (std::find(keys.begin(), keys.end(), c.name) != keys.end()) c.not_null = true;
            }
        }
        IndexDef def;
        def.keys = keys;
        def.uses.insert(keys.begin(), keys.end());
        for (const pg::Node* c : pg::each(con->including)) def.uses.emplace(pg::text(c));
        if (type == CONSTR_EXCLUSION) {
            def = index_def(nullptr, con->including, con->where_clause, con->access_method);
            def.plain = false;  // its keys compare with the operators written, not by equality
            for (const List* e : pg::each<List>(con->exclusions)) {
                if (const IndexElem* elem = pg::as<IndexElem>(pg::nth(e, 0))) {
                    def.keys.emplace_back(elem->name != nullptr ? elem->name : "");
                    if (elem->name != nullptr) def.uses.insert(elem->name);
                    referenced_columns(elem->expr, def.uses);
                }
            }
        }
        def.unique = true;  // a primary key's, UNIQUE or EXCLUDE constraint's index
        def.primary = type == CONSTR_PRIMARY;
        def.nulls_not_distinct = con->nulls_not_distinct;
        register_relation(ctx, table, index, "index", def);
        if (RelationInfo* idx = ctx.catalog.find(index)) idx->owned_by = table;  // the constraint's (catalog.hpp)
        return index;
    }
    return {};
}

void record_column(Context& ctx, const std::string& table, const ColumnDef* def) {
    std::string col(pg::text(def->colname));
    ColumnInfo info{col, def->typeName != nullptr ? canonical_type(def->typeName) : std::string(), false, false, false, std::nullopt};
    info.collation = column_collation(def, ctx.catalog);
    bool owns_sequence = is_serial_type(def);
    // The statement shows every default the column gets (a domain's own default is not the
    // column's and DROP DEFAULT leaves it); DEFAULT NULL stores none (AddRelationNewConstraints).
    info.has_default = false;
    for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
        ConstrType type = con->contype;
        if (type == CONSTR_NOTNULL || type == CONSTR_PRIMARY || type == CONSTR_IDENTITY) info.not_null = true;
        if (type == CONSTR_IDENTITY) owns_sequence = true;
        if (type == CONSTR_IDENTITY || type == CONSTR_GENERATED) info.has_default = true;
        if (type == CONSTR_DEFAULT && con->raw_expr != nullptr) {
            const A_Const* null_const = pg::as<A_Const>(con->raw_expr);
            if (null_const == nullptr || !null_const->isnull) info.has_default = true;
        }
        if (type == CONSTR_DEFAULT && con->raw_expr != nullptr) {
            std::string seq = nextval_sequence(con->raw_expr);
            if (!seq.empty()) {
                if (auto* rel = ctx.catalog.find(table)) rel->default_sequences.push_back(seq);
            }
        }
    }
    if (owns_sequence) info.has_default = true;
    if (auto* rel = ctx.catalog.find(table)) ctx.catalog.add_columns(*rel, {info});
    if (owns_sequence) {
        std::string seq = table + "_" + col + "_seq";
        register_relation(ctx, table, seq, "sequence");
        if (auto* made = ctx.catalog.find(seq)) made->sequence_bytes = sequence_bytes(info.type);
        if (auto* rel = ctx.catalog.find(table)) rel->default_sequences.push_back(seq);
    }
    for (const Constraint* con : pg::each<Constraint>(def->constraints)) record_constraint(ctx, table, col, con);
}

namespace {

// A foreign key's triggers go on the referenced table.
void lock_referenced(StatementFacts& facts, Context& ctx, const Constraint* con, const std::string& reason) {
    if (con->contype == CONSTR_FOREIGN && con->pktable != nullptr) {
        lock_range_var(facts, ctx, con->pktable, M::ShareRowExclusive, reason);
    }
}

// The relations a query reads, as a view or materialized view records them.
std::vector<std::pair<std::string, std::string>> query_sources(const pg::Node* query) {
    std::vector<std::pair<std::string, std::string>> sources;
    for (const RangeVar* src : query_range_vars(query)) sources.emplace_back(pg::relname(src), pg::display_name(src));
    return sources;
}

// Every column name the query mentions, anywhere in it, and "*" for a star: PostgreSQL records
// the view's dependency on each column it uses, and a star uses every column there is.
void query_columns(const pg::Node* node, std::set<std::string>& out) {
    if (node == nullptr) return;
    if (const ColumnRef* ref = pg::as<ColumnRef>(node)) {
        if (const pg::Node* field = pg::last(ref->fields)) out.emplace(pg::is<A_Star>(field) ? "*" : std::string(pg::text(field)));
        return;
    }
    if (const List* list = pg::as<List>(node)) {
        for (const pg::Node* item : pg::each(list)) query_columns(item, out);
        return;
    }
    pg::each_child(node, [&](const pg::Node* child) { query_columns(child, out); });
}

}  // namespace

bool model_create_table(const CreateStmt* stmt, StatementFacts& facts, Context& ctx, bool foreign) {
    const RangeVar* rv = stmt->relation;
    std::string relname(pg::relname(rv));
    std::string display = pg::display_name(rv);
    bool partitioned = stmt->partspec != nullptr;
    facts.tag = foreign ? "CREATE FOREIGN TABLE" : "CREATE TABLE";
    if (stmt->if_not_exists && std::as_const(ctx.catalog).find(relname) != nullptr) {
        facts.notes.push_back(exists_already_note(display));
        return true;
    }
    // A temporary table named as an existing one: the catalog knows relations by name, so the
    // existing table stays what that name stands for (a statement naming `public.big` must not
    // be read as one on the new, empty temporary table; one naming the temporary table is judged
    // as on the real one, which only over-reports).
    if (is_temporary(rv) && std::as_const(ctx.catalog).find(relname) != nullptr) {
        facts.notes.push_back("temporary table " + display + " shadows a table of the same name; pgfence keeps judging "
                              "statements on " + display + " as on the existing table");
        lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new temporary table").is_new = true;
        return true;
    }
    // An existing relation of that name (from the history, the schema, an earlier file): this
    // CREATE either fails (the same schema) or makes another relation of the same relname in
    // another schema, which the catalog, knowing relations by relname, cannot hold beside it. The
    // existing one stays what the name stands for, as for a temporary table above: statements
    // naming it are judged as on the existing table, which only over-reports.
    if (const RelationInfo* known = std::as_const(ctx.catalog).find(relname); known != nullptr && !known->is_new) {
        facts.notes.push_back(display + ": a relation of that name exists already (" + known->display +
                              "); pgfence keeps judging statements on that name as on the existing one");
        note_path_shadow(creation_schema(rv, ctx), display, *known, facts, ctx);
        lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new table").is_new = true;
        return true;
    }
    RelationInfo& info = ctx.catalog.add(relname, display, foreign ? "foreign table" : partitioned ? "partitioned table" : "table");
    mark_new(ctx, info, is_temporary(rv));
    // IF NOT EXISTS after a statement pgfence did not follow (history replay skipped it, or this
    // migration's own): that one may have made the name, and then this CREATE does nothing and
    // the statements after it act on the existing table (red team F1 E_PROC: a table a skipped
    // CALL made, then `CREATE TABLE IF NOT EXISTS ledger; TRUNCATE ledger` judged as on a new
    // table). A table is the migration's own only where its CREATE certainly made it. Only a
    // statement that may have made relations marks the catalog so (model/unknown_reach.hpp).
    if (stmt->if_not_exists && !is_temporary(rv) && ctx.catalog.maybe_made(relname)) {
        // Either way the CREATE itself harms nothing (it makes an empty table or does nothing):
        // what matters is how the statements after it are judged, so it is no unknown of its
        // own (an unknown would also make the rest of the file read as possibly re-lexed).
        info.is_new = false;
        facts.notes.push_back(facts.tag + " IF NOT EXISTS " + display + ": a statement before it that pgfence did not follow "
                              "may have made " + display + ", so whether this creates it is not known; statements on " + display +
                              " are judged as on an existing table");
    }
    info.temporary = is_temporary(rv);
    info.tablespace = pg::text(stmt->tablespacename);
    info.access_method = pg::text(stmt->accessMethod);
    lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new table");

    bool is_partition = stmt->partbound != nullptr;
    for (const RangeVar* parent : pg::each<RangeVar>(stmt->inhRelations)) {
        std::string parent_name(pg::relname(parent));
        if (auto* self = ctx.catalog.find(relname); self && self->parent.empty()) self->parent = parent_name;
        if (is_partition) {
            lock_range_var(facts, ctx, parent, M::AccessExclusive, "PARTITION OF: the partitioned table");
            partition_foreign_keys(parent_name, true, "PARTITION OF", facts, ctx);
            RelationInfo* pinfo = ctx.catalog.find(parent_name);
            if (pinfo == nullptr) {
                facts.notes.push_back("if " + pg::display_name(parent) + " has a DEFAULT partition, it is locked ACCESS EXCLUSIVE "
                                      "and scanned for rows of the new bound");
                continue;
            }
            pinfo->children.push_back(relname);
            if (stmt->partbound->is_default) {
                pinfo->default_partition = relname;
            } else if (!pinfo->default_partition.empty()) {
                std::string def_display = display_of(ctx, pinfo->default_partition);
                add_lock(facts, ctx, pinfo->default_partition, def_display, M::AccessExclusive, "",
                         "PARTITION OF: the default partition is checked for rows of the new bound");
                add_scan(facts, def_display, "PARTITION OF: the default partition is scanned for rows that belong to the new partition");
            }
            auto cols = pinfo->columns;
            if (auto* self = ctx.catalog.find(relname)) ctx.catalog.set_columns(*self, cols);
        } else {
            lock_range_var(facts, ctx, parent, M::ShareUpdateExclusive, "INHERITS: the parent table");
            if (auto* pinfo = ctx.catalog.find(parent_name)) {
                pinfo->children.push_back(relname);
                auto cols = pinfo->columns;
                if (auto* self = ctx.catalog.find(relname)) ctx.catalog.add_columns(*self, cols);
            }
        }
    }
    for (const pg::Node* elt : pg::each(stmt->tableElts)) {
        if (const ColumnDef* def = pg::as<ColumnDef>(elt)) {
            for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
                lock_referenced(facts, ctx, con, "REFERENCES: adds the foreign key's triggers on the referenced table");
            }
            record_column(ctx, relname, def);
        } else if (const Constraint* con = pg::as<Constraint>(elt)) {
            lock_referenced(facts, ctx, con, "FOREIGN KEY: adds the foreign key's triggers on the referenced table");
            record_constraint(ctx, relname, "", con);
        } else if (const TableLikeClause* like = pg::as<TableLikeClause>(elt)) {
            lock_range_var(facts, ctx, like->relation, M::AccessShare, "LIKE: the source table");
            const RelationInfo* src = std::as_const(ctx.catalog).find(std::string(pg::relname(like->relation)));
            if (src) {
                auto cols = src->columns;
                // LIKE copies the defaults only with INCLUDING DEFAULTS (or ALL).
                for (auto& c : cols) {
                    if ((like->options & CREATE_TABLE_LIKE_DEFAULTS) == 0) c.has_default = false;
                }
                if (auto* rel = ctx.catalog.find(relname)) ctx.catalog.add_columns(*rel, cols);
            }
        }
    }
    return true;
}

bool model_create_table_as(const CreateTableAsStmt* stmt, StatementFacts& facts, Context& ctx) {
    const IntoClause* into = stmt->into;
    const RangeVar* rv = into->rel;
    bool matview = stmt->objtype == OBJECT_MATVIEW;
    facts.tag = matview ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE AS";
    std::string relname(pg::relname(rv));
    if (stmt->if_not_exists && std::as_const(ctx.catalog).find(relname) != nullptr) {
        facts.notes.push_back(exists_already_note(pg::display_name(rv)));
        return true;
    }
    // A temporary relation named as an existing one shadows it (see model_create_table): the
    // catalog keeps the existing one, which the name goes on standing for.
    if (is_temporary(rv) && std::as_const(ctx.catalog).find(relname) != nullptr) {
        facts.notes.push_back("temporary table " + pg::display_name(rv) + " shadows a table of the same name; pgfence keeps "
                              "judging statements on " + pg::display_name(rv) + " as on the existing table");
        lock_query(facts, ctx, stmt->query, !into->skipData ? QueryUse::Execute : QueryUse::Rewrite,
                   facts.tag + ": reads the query's tables");
        return true;
    }
    bool fills = !into->skipData;
    // WITH NO DATA: the query is analysed and rewritten but never run.
    lock_query(facts, ctx, stmt->query, fills ? QueryUse::Execute : QueryUse::Rewrite, facts.tag + ": reads the query's tables");
    auto sources = query_sources(stmt->query);
    if (const RelationInfo* known = std::as_const(ctx.catalog).find(relname); known != nullptr && !known->is_new) {
        // As in model_create_table: the existing relation stays what the name stands for.
        facts.notes.push_back(pg::display_name(rv) + ": a relation of that name exists already (" + known->display +
                              "); pgfence keeps judging statements on that name as on the existing one");
        lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new relation").is_new = true;
        if (fills) {
            for (const auto& [name, display] : sources) add_scan(facts, display, facts.tag + ": runs the query over it");
        }
        return true;
    }
    RelationInfo& info = ctx.catalog.add(relname, pg::display_name(rv), matview ? "materialized view" : "table");
    mark_new(ctx, info, is_temporary(rv));
    info.temporary = is_temporary(rv);
    info.sources = sources;
    info.columns_nullable = !matview;
    query_columns(stmt->query, info.source_columns.edit());
    lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new relation");
    if (fills) {
        for (const auto& [name, display] : sources) add_scan(facts, display, facts.tag + ": runs the query over it");
    }
    return true;
}

bool model_view(const ViewStmt* stmt, StatementFacts& facts, Context& ctx) {
    const RangeVar* rv = stmt->view;
    std::string relname(pg::relname(rv));
    bool replace = stmt->replace;
    facts.tag = replace ? "CREATE OR REPLACE VIEW" : "CREATE VIEW";
    // The query is only parsed: the relations it names are opened, not their partitions.
    lock_query(facts, ctx, stmt->query, QueryUse::Parse, "CREATE VIEW: the query's relations are opened");
    auto sources = query_sources(stmt->query);
    RelationInfo* existing = ctx.catalog.find(relname);
    bool was_new = existing == nullptr || existing->is_new;
    // An existing relation of that name that this CREATE cannot replace (a CREATE VIEW without
    // OR REPLACE, or of a name a table has): in its schema the CREATE fails, so the view is made in
    // another one; as for CREATE TABLE (model_create_table), the existing one stays what the name
    // stands for, and a search_path the migrations set may put the view first.
    if (existing != nullptr && !was_new && (!replace || existing->kind != "view")) {
        const std::string display = pg::display_name(rv);
        facts.notes.push_back(display + ": a relation of that name exists already (" + existing->display +
                              "); pgfence keeps judging statements on that name as on the existing one");
        note_path_shadow(creation_schema(rv, ctx), display, *existing, facts, ctx, "view");
        lock_range_var(facts, ctx, rv, M::AccessExclusive, facts.tag + ": the new view", "view").is_new = true;
        return true;
    }
    if (existing == nullptr) {
        existing = &ctx.catalog.add(relname, pg::display_name(rv), "view");
        mark_new(ctx, *existing);
    }
    // CREATE OR REPLACE of a view earlier migrations made: whether the new query keeps the old
    // one's rows (view_rows.hpp), for view-returns-no-rows.
    // Its old options, which the new statement replaces whole (view_options_note.hpp), for
    // view-options-changed. The old statement is parsed once for both.
    if (const std::string* old = ctx.catalog.view_query(relname); replace && !was_new && existing->kind == "view" && old != nullptr) {
        const ParsedStatement parsed = parse_statement(*old);
        const pg::Node* old_stmt = parsed.failure ? nullptr : parsed.stmt;
        facts.notes.push_back(view_query_note(pg::display_name(rv), view_rows_change(old_stmt, relname, stmt->query)));
        if (auto options = view_options_of(old_stmt, relname)) facts.notes.push_back(view_old_options_note(pg::display_name(rv), *options));
    }
    if (!facts.sql.empty()) ctx.catalog.set_view_query(relname, facts.sql);
    existing->is_new = was_new;
    existing->sources = sources;
    existing->source_columns.clear();
    query_columns(stmt->query, existing->source_columns.edit());
    lock_range_var(facts, ctx, rv, M::AccessExclusive,
                   replace ? "CREATE OR REPLACE VIEW: replaces the view's query" : "CREATE VIEW: the new view", "view");
    return true;
}

}  // namespace pgfence::analyze::model
