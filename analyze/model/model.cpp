#include "analyze/model/model.hpp"
#include "analyze/json_access.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "analyze/names.hpp"
#include "analyze/pg_walk.hpp"

namespace pgfence::analyze::model {

std::string string_value(const json& node) {
    if (node.contains("String")) return node["String"].value("sval", std::string());
    return {};
}

std::string relation_kind(Context& ctx, const std::string& relname, const std::string& fallback) {
    const RelationInfo* info = ctx.catalog.find(relname);
    return info ? info->kind : fallback;
}

LockFact& add_lock(StatementFacts& facts, Context& ctx, const std::string& relname,
                   const std::string& display, LockMode mode, const std::string& kind,
                   const std::string& reason) {
    for (auto& lock : facts.locks) {
        if (lock.relation == display) {
            if (mode > lock.mode) {
                lock.mode = mode;
                lock.reason = reason;
            }
            return lock;
        }
    }
    LockFact fact;
    fact.relation = display;
    fact.mode = mode;
    fact.kind = kind.empty() ? relation_kind(ctx, relname, "table") : kind;
    const RelationInfo* info = ctx.catalog.find(relname);
    fact.is_new = info != nullptr && info->is_new;
    fact.reason = reason;
    facts.locks.push_back(std::move(fact));
    return facts.locks.back();
}

LockFact& lock_range_var(StatementFacts& facts, Context& ctx, const json& range_var, LockMode mode,
                         const std::string& reason, const std::string& kind) {
    return add_lock(facts, ctx, range_var_relname(range_var), range_var_name(range_var), mode, kind, reason);
}

LockFact& lock_range_var(StatementFacts& facts, Context& ctx, const RangeVar* range_var, LockMode mode,
                         const std::string& reason, const std::string& kind) {
    return add_lock(facts, ctx, std::string(pg::relname(range_var)), pg::display_name(range_var), mode, kind, reason);
}

bool range_var_inh(const json& range_var) { return range_var.value("inh", false); }

bool range_var_inh(const RangeVar* range_var) { return range_var != nullptr && range_var->inh; }

std::optional<CurrentColumn> outside_column(const Context& ctx, const std::string& relname, const std::string& display,
                                           const std::string& column) {
    if (ctx.known_schema == nullptr || ctx.is_reshaped(relname, column)) return std::nullopt;
    if (const RelationInfo* r = ctx.catalog.find(relname); r != nullptr && r->is_new) return std::nullopt;
    return ctx.known_schema->current_column(display, column);
}

std::optional<IndexOwner> outside_index_owner(const Context& ctx, const std::string& index, const std::string& display) {
    if (ctx.known_schema == nullptr || ctx.catalog.find(index) != nullptr || ctx.is_reshaped(index)) {
        return std::nullopt;
    }
    auto owner = ctx.known_schema->index_owner(display);
    if (!owner || owner->partitioned) return std::nullopt;
    return owner;
}

std::string display_of(Context& ctx, const std::string& relname) {
    const RelationInfo* info = ctx.catalog.find(relname);
    return info ? info->display : quote_ident(relname);
}

void lock_descendants(StatementFacts& facts, Context& ctx, const std::string& relname, LockMode mode,
                      const std::string& reason) {
    for (const auto& child : ctx.catalog.descendants(relname)) {
        const RelationInfo* info = ctx.catalog.find(child);
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
    add_effect(facts.rewrites, relation, reason, certain);
}

void add_rewrite_tree(StatementFacts& facts, Context& ctx, const std::string& relname, const std::string& display,
                      const std::string& reason, bool certain) {
    add_rewrite(facts, display, reason, certain);
    for (const auto& child : ctx.catalog.descendants(relname)) {
        const RelationInfo* info = ctx.catalog.find(child);
        if (info && info->kind == "partitioned table") continue;  // no storage of its own
        add_rewrite(facts, display_of(ctx, child), reason + " (a partition or child table)", certain);
    }
}

void add_scan(StatementFacts& facts, const std::string& relation, const std::string& reason, bool certain) {
    add_effect(facts.scans, relation, reason, certain);
}

namespace {

void collect_range_vars(const json& node, std::vector<std::string>& ctes, std::vector<const json*>& out) {
    if (node.is_object()) {
        std::size_t outer = ctes.size();
        push_cte_names(node, ctes);
        each_member_first(node, "fromClause", [&](std::string_view key, const json& value) {
            if (key != "RangeVar") collect_range_vars(value, ctes, out);
            else if (!names_cte(value, ctes)) out.push_back(&value);
        });
        ctes.resize(outer);
    } else if (node.is_array()) {
        for (const auto& value : node) collect_range_vars(value, ctes, out);
    }
}

}  // namespace

std::vector<const json*> query_range_vars(const json& query) {
    std::vector<std::string> ctes;
    std::vector<const json*> vars;
    collect_range_vars(query, ctes, vars);
    return vars;
}

void push_cte_names(const json& stmt, std::vector<std::string>& scope) {
    auto with = stmt.find("withClause");
    if (with == stmt.end()) return;
    for (const auto& cte : member(*with, "ctes")) scope.push_back(member(cte, "CommonTableExpr").value("ctename", std::string()));
}

bool names_cte(const json& range_var, const std::vector<std::string>& scope) {
    if (scope.empty() || range_var.contains("schemaname")) return false;
    std::string relname = range_var_relname(range_var);
    return std::find(scope.begin(), scope.end(), relname) != scope.end();
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
        "substring", "substr", "md5", "encode", "decode", "int4", "int8", "text", "pg_catalog"};
    return k_set;
}

const std::unordered_set<std::string>& volatile_functions() {
    static const std::unordered_set<std::string> k_set = {
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
        "clock_timestamp", "timeofday", "nextval", "setval", "txid_current", "random_normal",
        "uuid_generate_v7", "gen_random_bytes", "pg_current_xact_id"};
    return k_set;
}

// 0: not volatile, 1: volatile, 2: calls a function whose volatility is unknown.
int walk_volatility(const json& node, std::string& why) {
    int worst = 0;
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (key == "FuncCall") {
                std::string name;
                for (const auto& part : member(value, "funcname")) name = string_value(part);
                if (volatile_functions().count(name) > 0) {
                    why = name + "()";
                    return 1;
                }
                if (non_volatile_functions().count(name) == 0 && worst == 0) {
                    worst = 2;
                    why = name + "()";
                }
            }
            int inner = walk_volatility(value, why);
            if (inner == 1) return 1;
            if (inner == 2 && worst == 0) worst = 2;
        }
    } else if (node.is_array()) {
        for (const auto& value : node) {
            int inner = walk_volatility(value, why);
            if (inner == 1) return 1;
            if (inner == 2 && worst == 0) worst = 2;
        }
    }
    return worst;
}

// The typed walk: `why` ends as the volatile function, or else the last function of unknown
// volatility met.
int walk_volatility(const pg::Node* node, std::string& why) {
    int worst = 0;
    if (const FuncCall* call = pg::as<FuncCall>(node)) {
        std::string name(pg::last_name(call->funcname));
        if (volatile_functions().count(name) > 0) {
            why = name + "()";
            return 1;
        }
        if (non_volatile_functions().count(name) == 0) {
            worst = 2;
            why = name + "()";
        }
    }
    pg::each_child(node, [&](const pg::Node* child) {
        if (worst == 1) return;
        int inner = walk_volatility(child, why);
        if (inner == 1 || worst == 0) worst = inner;
    });
    return worst;
}

}  // namespace

bool expression_is_volatile(const json& expr, std::string& why) {
    return walk_volatility(expr, why) != 0;
}

bool expression_is_volatile(const pg::Node* expr, std::string& why) {
    return walk_volatility(expr, why) != 0;
}

void model_statement(const json& node, const pg::Node* typed, const std::string& kind, StatementFacts& facts,
                     Context& ctx) {
    const json& stmt = node[kind];
    bool known = false;
    if (kind == "AlterTableStmt") known = model_alter_table(pg::as<AlterTableStmt>(typed), facts, ctx);
    else if (kind == "RenameStmt") known = model_rename(stmt, facts, ctx);
    else if (kind == "CreateStmt") known = model_create_table(stmt, facts, ctx);
    else if (kind == "CreateForeignTableStmt") known = model_create_table(member(stmt, "base"), facts, ctx, true);
    else if (kind == "CreateTableAsStmt") known = model_create_table_as(stmt, facts, ctx);
    else if (kind == "ViewStmt") known = model_view(stmt, facts, ctx);
    else if (kind == "IndexStmt") known = model_index(stmt, facts, ctx);
    else if (kind == "ReindexStmt") known = model_reindex(stmt, facts, ctx);
    else if (kind == "DropStmt") known = model_drop(stmt, facts, ctx);
    else if (kind == "TruncateStmt") known = model_truncate(stmt, facts, ctx);
    else if (kind == "InsertStmt" || kind == "UpdateStmt" || kind == "DeleteStmt" || kind == "SelectStmt" ||
             kind == "MergeStmt" || kind == "CopyStmt" || kind == "LockStmt")
        known = model_dml(kind, stmt, facts, ctx);
    else known = model_misc(kind, stmt, facts, ctx);
    if (!known) facts.status = StatementStatus::Unknown;
}

}  // namespace pgfence::analyze::model
