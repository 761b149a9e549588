#include "analyze/model/model.hpp"

#include <utility>

#include "analyze/model/relation_pick.hpp"
#include "analyze/model/routine_note.hpp"
#include "analyze/model/grants.hpp"

#include <optional>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/model/extension_members.hpp"
#include "analyze/model/extension_scripts.hpp"
#include "analyze/model/publication_identity.hpp"
#include "analyze/model/search_paths.hpp"
#include "analyze/model/trigger_enable.hpp"
#include "analyze/model/typed_tables.hpp"
#include "analyze/model/rename_kind.hpp"

namespace pgfence::analyze::model {

std::string relation_kind(Context& ctx, const std::string& relname, const std::string& fallback) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(relname);
    return info ? info->kind : fallback;
}

namespace {

// A lock's two modes: taken whatever the data (LockMode{}: none) and at most.
LockMode sure_mode(const LockFact& l) { return l.conditional ? l.sure : l.mode; }

void set_modes(LockFact& l, LockMode sure, LockMode most) {
    l.mode = most;
    l.conditional = sure < most;
    l.sure = l.conditional ? sure : LockMode{};
}

// `mode` on `display` (conditional: only when rows are written, or the object exists), merged
// with what the statement already takes there: the stronger reason stays.
LockFact& add_lock_as(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                      LockMode mode, const std::string& kind, const std::string& reason, bool conditional) {
    const LockMode sure = conditional ? LockMode{} : mode;
    for (auto& lock : facts.locks) {
        if (lock.relation != display) continue;
        const LockMode most = std::max(lock.mode, mode);
        if (mode > lock.mode) {
            lock.reason = reason;
            lock.source.clear();  // add_context_lock sets it again when the new reason is its
        }
        set_modes(lock, std::max(sure_mode(lock), sure), most);
        return lock;
    }
    LockFact fact;
    fact.relation = display;
    fact.kind = kind.empty() ? relation_kind(ctx, relname, "table") : kind;
    const RelationInfo* info = std::as_const(ctx.catalog).find(relname);
    fact.is_new = names_new(ctx, info, relname, display);
    // Proven empty only under the name the proof was made with, unqualified (empty_tables.cpp).
    fact.empty = !fact.is_new && ctx.empty_tables.count(relname) > 0 && display == quote_ident(relname);
    fact.reason = reason;
    set_modes(fact, sure, mode);
    facts.locks.push_back(std::move(fact));
    return facts.locks.back();
}

}  // namespace

std::string name_scope(const Context& ctx, const std::string& relname, const std::string& display, bool temporary) {
    const std::string bare = quote_ident(relname);
    if (display.size() > bare.size() && display.ends_with("." + bare)) return "s:" + display.substr(0, display.size() - bare.size() - 1);
    // Under the database's default search_path ("$user", public: no SET search_path in force) or
    // one whose first schema is public, an unqualified name is public's: CREATE makes it there
    // and a later lookup finds it there first, so `x` and `public.x` name the same relation
    // (drizzle writes CREATE TABLE "x" and then REFERENCES "public"."x"). A schema named after
    // the role would take both first; pgfence does not know the role and assumes none. A
    // temporary relation lives in pg_temp, which every search_path searches first.
    if (!temporary) {
        auto first = std::find_if(ctx.search_path.begin(), ctx.search_path.end(),
                                  [](const std::string& schema) { return schema != "$user"; });
        if (first == ctx.search_path.end() ? ctx.search_path.empty() : *first == "public") return "s:public";
    }
    std::string out = "p:";
    for (const std::string& schema : ctx.search_path) out += quote_ident(schema) + ",";
    return out;
}

bool names_new(const Context& ctx, const RelationInfo* info, const std::string& relname, const std::string& display) {
    return info != nullptr && info->is_new && info->created_as != 0 &&
           info->created_as == ctx.catalog.find_scope_id(name_scope(ctx, relname, display, info->temporary));
}

void mark_new(Context& ctx, RelationInfo& info, bool temporary) {
    info.is_new = true;
    info.created_as = ctx.catalog.scope_id(name_scope(ctx, info.relname, info.display, temporary));
}

LockFact& add_lock(StatementFacts& facts, Context& ctx, const std::string& relname,
                   const std::string& display, LockMode mode, const std::string& kind,
                   const std::string& reason) {
    return add_lock_as(facts, ctx, relname, display, mode, kind, reason, false);
}

LockFact& add_conditional_lock(StatementFacts& facts, Context& ctx, const std::string& relname,
                               const std::string& display, LockMode mode, const std::string& reason) {
    return add_lock_as(facts, ctx, relname, display, mode, "", reason, true);
}

void make_conditional(StatementFacts& facts, std::size_t from) {
    for (std::size_t i = from; i < facts.locks.size(); ++i) set_modes(facts.locks[i], LockMode{}, facts.locks[i].mode);
}

namespace {

// `l` into `facts` at `it`, the relation's lock there (nullptr: it has none yet).
void merge_at(StatementFacts& facts, LockFact* it, const LockFact& l, bool conditional) {
    const LockMode sure = conditional ? LockMode{} : sure_mode(l);
    if (it == nullptr) {
        auto& into = facts.locks.edit();
        into.push_back(l);
        set_modes(into.back(), sure, l.mode);
        return;
    }
    const LockMode most = std::max(it->mode, l.mode);
    const LockMode least = std::max(sure_mode(*it), sure);
    const bool cascades = it->cascades || l.cascades;  // whichever branch runs, children may be locked
    if (l.mode > it->mode) *it = l;
    it->cascades = cascades;
    set_modes(*it, least, most);
}

}  // namespace

void merge_lock(StatementFacts& facts, const LockFact& l, bool conditional) {
    auto& into = facts.locks;
    auto it = std::find_if(into.begin(), into.end(), [&](const LockFact& x) { return x.relation == l.relation; });
    merge_at(facts, it == into.end() ? nullptr : &*it, l, conditional);
}

void LockIndex::merge(StatementFacts& facts, const LockFact& l, bool conditional) {
    auto& locks = facts.locks;
    if (m_seen > locks.size()) {  // the list was cut since: index it again
        m_at.clear();
        m_seen = 0;
    }
    for (; m_seen < locks.size(); ++m_seen) m_at.try_emplace(locks[m_seen].relation, m_seen);
    auto found = m_at.find(l.relation);
    if (found != m_at.end() && (found->second >= locks.size() || locks[found->second].relation != l.relation)) {
        // Changed in place since: the list decides.
        merge_lock(facts, l, conditional);
        m_at.clear();
        m_seen = 0;
        return;
    }
    merge_at(facts, found == m_at.end() ? nullptr : &locks[found->second], l, conditional);
}

LockFact& lock_range_var(StatementFacts& facts, Context& ctx, const RangeVar* range_var, LockMode mode,
                         const std::string& reason, const std::string& kind) {
    return add_lock(facts, ctx, std::string(pg::relname(range_var)), pg::display_name(range_var), mode, kind, reason);
}

bool range_var_inh(const RangeVar* range_var) { return range_var != nullptr && range_var->inh; }

namespace {

// The names to ask the known schema for, in order: under a SET search_path, an unqualified
// name is looked up in each of its schemas ("$user" is left out: the role is not known here).
std::vector<std::string> searched_names(const Context& ctx, const std::string& relname, const std::string& display) {
    if (ctx.search_path.empty() || display != quote_ident(relname)) return {display};
    std::vector<std::string> out;
    for (const std::string& schema : ctx.search_path) {
        if (schema != "$user") out.push_back(quote_ident(schema) + "." + display);
    }
    return out;
}

}  // namespace

std::optional<CurrentColumn> outside_column(const Context& ctx, const std::string& relname, const std::string& display,
                                           const std::string& column) {
    if (ctx.known_schema == nullptr || ctx.is_reshaped(relname, column)) return std::nullopt;
    if (const RelationInfo* r = std::as_const(ctx.catalog).find(relname); r != nullptr && r->is_new) return std::nullopt;
    for (const std::string& written : searched_names(ctx, relname, display)) {
        if (auto found = ctx.known_schema->current_column(written, column)) return found;
    }
    return std::nullopt;
}

std::string needs_context(const std::string& what, bool snapshot_knows) {
    return what + " (not known from this migration: its earlier migrations (--history), a schema dump (--schema) or a " +
           (snapshot_knows ? "--stats-file snapshot" : "--stats-file snapshot taken with --schema") +
           " would make the lock list exact)";
}

std::optional<IndexOwner> outside_index_owner(const Context& ctx, const std::string& index, const std::string& display) {
    if (ctx.known_schema == nullptr || std::as_const(ctx.catalog).find(index) != nullptr || ctx.is_reshaped(index)) {
        return std::nullopt;
    }
    for (const std::string& written : searched_names(ctx, index, display)) {
        auto owner = ctx.known_schema->index_owner(written);
        if (owner && owner->partitioned) return std::nullopt;
        if (owner) return owner;
    }
    return std::nullopt;
}

std::string from_source(const std::string& source) { return source.empty() ? std::string() : " (from " + source + ")"; }

LockFact& add_context_lock(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                           LockMode mode, const std::string& reason, const std::string& source) {
    std::string said = reason + from_source(source);
    LockFact& lock = add_lock(facts, ctx, relname, display, mode, "", said);
    if (lock.reason == said) lock.source = source;
    return lock;
}

std::string display_of(Context& ctx, const std::string& relname) {
    const RelationInfo* info = std::as_const(ctx.catalog).find(relname);
    return info ? info->display : quote_ident(relname);
}

void lock_descendants(StatementFacts& facts, Context& ctx, const std::string& relname, LockMode mode,
                      const std::string& reason) {
    for (const auto& child : ctx.catalog.descendants(relname)) {
        const RelationInfo* info = std::as_const(ctx.catalog).find(child);
        add_lock(facts, ctx, child, info ? info->display : quote_ident(child), mode, "", reason);
    }
}

namespace {

void add_effect(std::vector<TableEffect>& list, const std::string& relation, const std::string& reason, bool certain) {
    for (auto& e : list) {
        if (e.relation == relation) {
            e.certain = e.certain || certain;
            return;
        }
    }
    list.push_back(TableEffect{relation, reason, certain});
}

}  // namespace

void add_rewrite(StatementFacts& facts, const std::string& relation, const std::string& reason, bool certain) {
    add_effect(facts.rewrites.edit(), relation, reason, certain);
}

void add_rewrite_tree(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                      const std::string& reason, bool certain) {
    add_rewrite(facts, display, reason, certain);
    for (const auto& child : ctx.catalog.descendants(relname)) {
        const RelationInfo* info = std::as_const(ctx.catalog).find(child);
        if (info && info->kind == "partitioned table") continue;  // no storage of its own
        add_rewrite(facts, display_of(ctx, child), reason + " (a partition or child table)", certain);
    }
}

void add_scan(StatementFacts& facts, const std::string& relation, const std::string& reason, bool certain, bool filtered) {
    auto& scans = facts.scans.edit();
    for (auto& e : scans) {
        if (e.relation != relation) continue;
        // Filtered while each certain read of it is.
        e.filtered = certain ? (e.certain ? e.filtered && filtered : filtered) : e.filtered;
        e.certain = e.certain || certain;
        return;
    }
    scans.push_back(TableEffect{relation, reason, certain, false, certain && filtered});
}

namespace {

const WithClause* with_clause(const pg::Node* stmt) {
    if (const SelectStmt* s = pg::as<SelectStmt>(stmt)) return s->withClause;
    if (const InsertStmt* s = pg::as<InsertStmt>(stmt)) return s->withClause;
    if (const UpdateStmt* s = pg::as<UpdateStmt>(stmt)) return s->withClause;
    if (const DeleteStmt* s = pg::as<DeleteStmt>(stmt)) return s->withClause;
    if (const MergeStmt* s = pg::as<MergeStmt>(stmt)) return s->withClause;
    return nullptr;
}

void collect_range_vars(const pg::Node* node, std::vector<std::string>& ctes, std::vector<const RangeVar*>& out) {
    if (const RangeVar* rv = pg::as<RangeVar>(node)) {
        if (!names_cte(rv, ctes)) out.push_back(rv);
        return;
    }
    std::size_t outer = ctes.size();
    push_cte_names(node, ctes);
    // FROM first, as PostgreSQL opens them.
    const pg::Node* from = nullptr;
    if (const SelectStmt* s = pg::as<SelectStmt>(node)) from = reinterpret_cast<const pg::Node*>(s->fromClause);
    if (const UpdateStmt* s = pg::as<UpdateStmt>(node)) from = reinterpret_cast<const pg::Node*>(s->fromClause);
    if (from != nullptr) collect_range_vars(from, ctes, out);
    pg::each_child(node, [&](const pg::Node* child) {
        if (child != from) collect_range_vars(child, ctes, out);
    });
    ctes.resize(outer);
}

}  // namespace

std::vector<const RangeVar*> query_range_vars(const pg::Node* query) {
    std::vector<std::string> ctes;
    std::vector<const RangeVar*> vars;
    collect_range_vars(query, ctes, vars);
    return vars;
}

void push_cte_names(const pg::Node* stmt, std::vector<std::string>& scope) {
    const WithClause* with = with_clause(stmt);
    if (with == nullptr) return;
    for (const CommonTableExpr* cte : pg::each<CommonTableExpr>(with->ctes)) scope.emplace_back(pg::text(cte->ctename));
}

bool names_cte(const RangeVar* range_var, const std::vector<std::string>& scope) {
    if (scope.empty() || range_var->schemaname != nullptr) return false;
    return std::find(scope.begin(), scope.end(), pg::relname(range_var)) != scope.end();
}

namespace {

// Functions that are STABLE or IMMUTABLE in pg_proc: evaluated once for ADD COLUMN ... DEFAULT.
const std::unordered_set<std::string>& non_volatile_functions() {
    static const std::unordered_set<std::string> k_set = {
        "now", "transaction_timestamp", "statement_timestamp", "current_date", "current_time",
        "current_timestamp", "localtime", "localtimestamp", "current_setting", "current_user",
        "current_schema", "session_user", "lower", "upper", "coalesce", "nullif", "greatest", "least",
        "concat", "length", "to_jsonb", "to_json", "jsonb_build_object", "json_build_object",
        "jsonb_build_array", "json_build_array", "array", "make_interval", "make_date",
        "make_timestamp", "make_timestamptz", "to_timestamp", "to_date", "to_char", "date_trunc",
        "timezone", "abs", "round", "floor", "ceil", "trim", "btrim", "ltrim", "rtrim", "replace",
        "substring", "substr", "md5", "encode", "decode", "int4", "int8", "text", "pg_catalog",
        // pg_proc's provolatile 'i' or 's' for each of their overloads (PostgreSQL 15)
        "extract", "date_part", "date_bin", "age", "left", "right", "split_part", "position", "strpos",
        "char_length", "octet_length", "lpad", "rpad", "repeat", "initcap", "concat_ws", "format",
        "array_length", "cardinality", "array_to_string", "string_to_array", "sha256", "to_number",
        // STABLE: one value per transaction
        "txid_current", "pg_current_xact_id"};
    return k_set;
}

const std::unordered_set<std::string>& volatile_functions() {
    static const std::unordered_set<std::string> k_set = {
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
        "clock_timestamp", "timeofday", "nextval", "setval", "random_normal",
        "uuid_generate_v7", "gen_random_bytes"};
    return k_set;
}

// 0: not volatile, 1: volatile, 2: calls a function whose volatility is unknown. `why` ends
// as the volatile function, or else the last function of unknown volatility met.
// A call of a function the migrations created, as planned: a STABLE or IMMUTABLE one, or a
// VOLATILE SQL function PostgreSQL inlines into a body that is not volatile (ente's
// now_utc_micro_seconds(): SELECT ... now() ...), is evaluated once; a VOLATILE one that is run
// as declared, or inlined into a volatile body, per row. Unknown when the overloads disagree or
// one's body was not judged.
Volatility created_function_volatility(const FuncCall* call, const Catalog* catalog) {
    if (catalog == nullptr) return Volatility::Unknown;
    const auto* overloads = catalog->functions(std::string(pg::last_name(call->funcname)));
    if (overloads == nullptr || overloads->empty()) return Volatility::Unknown;
    int n = pg::length(call->funcname);
    std::string schema = n > 1 ? std::string(pg::text(pg::nth(call->funcname, n - 2))) : std::string();
    if (schema == "pg_catalog") return Volatility::Unknown;
    std::optional<Volatility> all;
    for (const auto& f : *overloads) {
        if (!schema.empty() && !f->schema.empty() && f->schema != schema) continue;
        Volatility v = f->volatility == "immutable" || f->volatility == "stable" ? Volatility::NotVolatile
                       : f->inlining == "inlined-not-volatile"                      ? Volatility::NotVolatile
                       : f->inlining == "inlined-volatile" || f->inlining == "not-inlined" ? Volatility::Volatile
                                                                                           : Volatility::Unknown;
        if (all && *all != v) return Volatility::Unknown;
        all = v;
    }
    return all.value_or(Volatility::Unknown);
}

int walk_volatility(const pg::Node* node, std::string& why, const Catalog* catalog) {
    int worst = 0;
    if (const FuncCall* call = pg::as<FuncCall>(node)) {
        std::string name(pg::last_name(call->funcname));
        Volatility v = function_volatility(name);
        // A built-in name resolves to pg_catalog's function unless the call names another schema.
        int parts = pg::length(call->funcname);
        bool other_schema = parts > 1 && pg::text(pg::nth(call->funcname, parts - 2)) != "pg_catalog";
        if (other_schema && catalog != nullptr && catalog->functions(name) != nullptr) {
            v = created_function_volatility(call, catalog);
        } else if (v == Volatility::Unknown) {
            v = created_function_volatility(call, catalog);
        }
        if (v == Volatility::Volatile) {
            why = name + "()";
            return 1;
        }
        if (v == Volatility::Unknown) {
            worst = 2;
            why = name + "()";
        }
    }
    pg::each_child(node, [&](const pg::Node* child) {
        if (worst == 1) return;
        int inner = walk_volatility(child, why, catalog);
        if (inner == 1 || worst == 0) worst = inner;
    });
    return worst;
}

}  // namespace

Volatility function_volatility(const std::string& name) {
    if (volatile_functions().count(name) > 0) return Volatility::Volatile;
    return non_volatile_functions().count(name) > 0 ? Volatility::NotVolatile : Volatility::Unknown;
}

bool is_temporary(const RangeVar* rv) {
    return rv != nullptr && (rv->relpersistence == 't' || (rv->schemaname != nullptr && std::string_view(rv->schemaname) == "pg_temp"));
}

bool expression_is_volatile(const pg::Node* expr, std::string& why, const Catalog* catalog) {
    return walk_volatility(expr, why, catalog) != 0;
}

Volatility expression_volatility(const pg::Node* expr, const Catalog* catalog, std::string& why) {
    int v = walk_volatility(expr, why, catalog);
    return v == 0 ? Volatility::NotVolatile : v == 1 ? Volatility::Volatile : Volatility::Unknown;
}

Volatility expression_volatility(const pg::Node* expr, const Catalog* catalog) {
    std::string why;
    return expression_volatility(expr, catalog, why);
}

namespace {

// A CREATE SCHEMA element that names its relation without a schema is created in the new
// schema: the element as if written with it (a shallow copy; the tree stays untouched).
template <class Stmt>
bool model_in_schema(const Stmt* stmt, RangeVar* Stmt::*field, const char* schema, StatementFacts& facts, Context& ctx) {
    const RangeVar* rv = stmt->*field;
    if (rv == nullptr || rv->schemaname != nullptr || schema == nullptr) {
        return model_node(reinterpret_cast<const pg::Node*>(stmt), facts, ctx);
    }
    RangeVar qualified = *rv;
    qualified.schemaname = const_cast<char*>(schema);  // read only: PostgreSQL's field is not const
    Stmt copy = *stmt;
    copy.*field = &qualified;
    return model_node(reinterpret_cast<const pg::Node*>(&copy), facts, ctx);
}

}  // namespace

bool model_schema_element(const pg::Node* element, const char* schema, StatementFacts& facts, Context& ctx) {
    if (const CreateStmt* s = pg::as<CreateStmt>(element)) return model_in_schema(s, &CreateStmt::relation, schema, facts, ctx);
    if (const ViewStmt* s = pg::as<ViewStmt>(element)) return model_in_schema(s, &ViewStmt::view, schema, facts, ctx);
    if (const CreateSeqStmt* s = pg::as<CreateSeqStmt>(element)) {
        return model_in_schema(s, &CreateSeqStmt::sequence, schema, facts, ctx);
    }
    if (const IndexStmt* s = pg::as<IndexStmt>(element)) return model_in_schema(s, &IndexStmt::relation, schema, facts, ctx);
    if (const CreateTrigStmt* s = pg::as<CreateTrigStmt>(element)) {
        return model_in_schema(s, &CreateTrigStmt::relation, schema, facts, ctx);
    }
    return model_node(element, facts, ctx);
}

bool model_node(const pg::Node* stmt, StatementFacts& facts, Context& ctx) {
    if (stmt == nullptr) return false;
    if (const auto* composite = pg::as<CompositeTypeStmt>(stmt)) remember_composite_type(composite, facts, ctx);
    remember_type_parts(stmt, ctx);
    if (pg::is<AlterRoleSetStmt>(stmt) || pg::is<AlterDatabaseSetStmt>(stmt) || pg::is<AlterSystemStmt>(stmt)) {
        remember_search_path(stmt, ctx);
    }
    note_publication_identity(stmt, facts, ctx);  // publications, REPLICA IDENTITY (publication_identity.hpp)
    note_enabled_triggers(stmt, facts, ctx);      // ENABLE TRIGGER of a disabled trigger (trigger_enable.hpp)
    // Judged by the relation the name resolves to (rename_kind.hpp): the rules read this tree too.
    if (const auto* move = pg::as<AlterObjectSchemaStmt>(stmt)) set_schema_by_catalog_kind(const_cast<AlterObjectSchemaStmt*>(move), ctx);
    switch (stmt->type) {
        case T_AlterTableStmt:
            return model_alter_table(pg::as<AlterTableStmt>(stmt), facts, ctx);
        case T_RenameStmt:
            // Judged by the object the name resolves to (rename_kind.hpp): the rules read this tree too.
            rename_by_catalog_kind(const_cast<RenameStmt*>(pg::as<RenameStmt>(stmt)), ctx);
            return model_rename(pg::as<RenameStmt>(stmt), facts, ctx);
        case T_CreateStmt: {
            const bool modelled = model_create_table(pg::as<CreateStmt>(stmt), facts, ctx);
            remember_typed_table(pg::as<CreateStmt>(stmt), ctx);  // CREATE TABLE ... OF type (typed_tables.hpp)
            return modelled;
        }
        case T_CreateForeignTableStmt:
            return model_create_table(&pg::as<CreateForeignTableStmt>(stmt)->base, facts, ctx, true);
        case T_CreateTableAsStmt:
            return model_create_table_as(pg::as<CreateTableAsStmt>(stmt), facts, ctx);
        case T_ViewStmt:
            return model_view(pg::as<ViewStmt>(stmt), facts, ctx);
        case T_IndexStmt:
            return model_index(pg::as<IndexStmt>(stmt), facts, ctx);
        case T_ReindexStmt:
            return model_reindex(pg::as<ReindexStmt>(stmt), facts, ctx);
        case T_DropStmt:
            note_extension_members(pg::as<DropStmt>(stmt), facts, ctx);
            return model_drop(pg::as<DropStmt>(stmt), facts, ctx);
        case T_AlterSeqStmt:
            remember_sequence_owner(pg::as<AlterSeqStmt>(stmt), ctx);
            return model_misc(stmt, facts, ctx);
        case T_CreateExtensionStmt:
            remember_extension_created(pg::as<CreateExtensionStmt>(stmt), ctx);
            return model_misc(stmt, facts, ctx) && model_extension_script(stmt, facts);
        case T_AlterExtensionStmt:
            return model_misc(stmt, facts, ctx) && model_extension_script(stmt, facts);
        case T_AlterExtensionContentsStmt:
            remember_extension_member(pg::as<AlterExtensionContentsStmt>(stmt), ctx);
            return model_misc(stmt, facts, ctx);
        case T_TruncateStmt:
            return model_truncate(pg::as<TruncateStmt>(stmt), facts, ctx);
        case T_InsertStmt:
        case T_UpdateStmt:
        case T_DeleteStmt:
        case T_SelectStmt:
        case T_MergeStmt:
        case T_CopyStmt:
        case T_LockStmt:
            return model_dml(stmt, facts, ctx);
        default:
            return model_misc(stmt, facts, ctx);
    }
}

namespace {

// The tables a job scheduler reads the SQL it runs later from: pg_cron's cron.job (its command
// column; cron.schedule() is an INSERT into it, and the scheduler picks up any row written there),
// pgAgent's pgagent.pga_jobstep (jstcode) and pg_timetable's timetable.task (command). Their run
// logs (cron.job_run_details ...) hold no SQL to run.
bool scheduler_table(const RangeVar* rv, const StatementFacts& facts) {
    if (rv == nullptr) return false;
    const std::string_view name = pg::text(rv->relname);
    const auto is = [&](std::string_view schema, std::string_view table) {
        if (name != table) return false;
        if (rv->schemaname != nullptr) return pg::text(rv->schemaname) == schema;
        // Unqualified: through a search_path that names the scheduler's schema.
        if (!facts.settings->search_path) return false;
        for (const std::string& s : search_path_schemas(*facts.settings->search_path)) {
            if (s == schema) return true;
        }
        return false;
    };
    return is("cron", "job") || is("pgagent", "pga_jobstep") || is("timetable", "task");
}

// An INSERT, UPDATE, MERGE or COPY FROM into a scheduler's table, anywhere in the statement (a
// data-modifying WITH included): the row's command runs later, as SQL pgfence does not read.
const RangeVar* schedules_sql(const pg::Node* node, const StatementFacts& facts) {
    if (node == nullptr) return nullptr;
    const RangeVar* target = nullptr;
    if (const auto* s = pg::as<InsertStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<UpdateStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<MergeStmt>(node)) target = s->relation;
    else if (const auto* s = pg::as<CopyStmt>(node); s != nullptr && s->is_from) target = s->relation;
    if (scheduler_table(target, facts)) return target;
    const RangeVar* found = nullptr;
    pg::each_child(node, [&](const pg::Node* child) {
        if (found == nullptr) found = schedules_sql(child, facts);
    });
    return found;
}

}  // namespace

void model_statement(const pg::Node* stmt, StatementFacts& facts, Context& ctx) {
    pick_named_relations(stmt, ctx);  // one relname in two schemas: the one the statement names
    ForeignKeyWatch watch = watch_foreign_keys(stmt, ctx);
    note_routines(stmt, facts, ctx);
    keep_routines_aside(stmt, ctx);
    bool known = model_node(stmt, facts, ctx);
    if (!known) facts.status = StatementStatus::Unknown;
    record_privileges(stmt, ctx.catalog);
    if (const RangeVar* job = schedules_sql(stmt, facts)) {
        facts.notes.push_back("not visible to static analysis: writes into " + pg::display_name(job) +
                              ", a job scheduler's table: the command of the row runs later, on the scheduler's "
                              "timetable, as SQL pgfence does not read (schedules SQL)");
        facts.status = StatementStatus::Unknown;
    }
    note_hidden_writes(stmt, facts, ctx);
    check_foreign_key_indexes(watch, facts, ctx);
}

}  // namespace pgfence::analyze::model
