// CHECK constraints: what the catalog keeps of them, and a CHECK evaluated on a constant (check_constraints.hpp).
#include "analyze/model/check_constraints.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "analyze/model/model.hpp"
#include "analyze/parse/literal_truth.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_parser.hpp"

namespace pgfence::analyze::model {
namespace {

constexpr int k_depth = 64;

bool comparison(std::string_view op) {
    return op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=";
}

bool length_call(const FuncCall* call) {
    if (call == nullptr || pg::length(call->args) != 1 || call->agg_star || call->agg_distinct || call->over != nullptr ||
        call->agg_filter != nullptr || call->agg_order != nullptr || call->func_variadic) {
        return false;
    }
    const int parts = pg::length(call->funcname);
    if (parts == 2 && pg::text(pg::nth(call->funcname, 0)) != "pg_catalog") return false;
    const std::string_view fn = pg::last_name(call->funcname);
    return (parts == 1 || parts == 2) && (fn == "length" || fn == "char_length" || fn == "character_length");
}

// The expression written back as SQL when it is made only of what eval reads; nothing otherwise.
std::optional<std::string> sql_of(const pg::Node* node, int depth = 0) {
    if (node == nullptr || depth > k_depth) return std::nullopt;
    auto list_of = [&](const pg::Node* items) -> std::optional<std::string> {
        const auto* list = pg::as<List>(items);
        if (list == nullptr) return std::nullopt;
        std::string out;
        for (const pg::Node* item : pg::each(list)) {
            auto part = sql_of(item, depth + 1);
            if (!part) return std::nullopt;
            out += (out.empty() ? "" : ", ") + *part;
        }
        return out;
    };
    if (const auto* c = pg::as<A_Const>(node)) {
        if (c->isnull) return std::string("NULL");
        if (c->val.node.type == T_Integer) return std::to_string(c->val.ival.ival);
        if (c->val.node.type == T_Float) return std::string(pg::text(c->val.fval.fval));
        if (c->val.node.type == T_String) return quote_literal(pg::text(c->val.sval.sval));
        if (c->val.node.type == T_Boolean) return std::string(c->val.boolval.boolval ? "true" : "false");
        return std::nullopt;
    }
    if (const auto* cast = pg::as<TypeCast>(node)) {
        if (cast->typeName == nullptr || cast->typeName->arrayBounds != nullptr || cast->typeName->setof) return std::nullopt;
        auto arg = sql_of(cast->arg, depth + 1);
        if (!arg) return std::nullopt;
        return "CAST(" + *arg + " AS " + canonical_type(cast->typeName) + ")";
    }
    if (const auto* ref = pg::as<ColumnRef>(node)) {
        const pg::Node* last = pg::last(ref->fields);
        if (last == nullptr || !pg::is<String>(last)) return std::nullopt;
        return quote_ident(pg::text(last));
    }
    if (const auto* test = pg::as<NullTest>(node)) {
        auto arg = sql_of(reinterpret_cast<const pg::Node*>(test->arg), depth + 1);
        if (!arg) return std::nullopt;
        return "(" + *arg + (test->nulltesttype == IS_NULL ? " IS NULL)" : " IS NOT NULL)");
    }
    if (const auto* b = pg::as<BoolExpr>(node)) {
        std::string out;
        for (const pg::Node* arg : pg::each(b->args)) {
            auto part = sql_of(arg, depth + 1);
            if (!part) return std::nullopt;
            if (b->boolop == NOT_EXPR) return "(NOT " + *part + ")";
            out += (out.empty() ? "" : b->boolop == AND_EXPR ? " AND " : " OR ") + *part;
        }
        return out.empty() ? std::nullopt : std::optional<std::string>("(" + out + ")");
    }
    if (const auto* call = pg::as<FuncCall>(node); call != nullptr && length_call(call)) {
        auto arg = sql_of(pg::nth(call->args, 0), depth + 1);
        if (!arg) return std::nullopt;
        return "length(" + *arg + ")";
    }
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr || pg::length(e->name) != 1) return std::nullopt;
    const std::string_view op = pg::last_name(e->name);
    auto left = sql_of(e->lexpr, depth + 1);
    if (!left) return std::nullopt;
    if (e->kind == AEXPR_OP && comparison(op)) {
        auto right = sql_of(e->rexpr, depth + 1);
        if (!right) return std::nullopt;
        return "(" + *left + " " + std::string(op) + " " + *right + ")";
    }
    if (e->kind == AEXPR_IN && (op == "=" || op == "<>")) {
        auto items = list_of(e->rexpr);
        if (!items) return std::nullopt;
        return "(" + *left + (op == "=" ? " IN (" : " NOT IN (") + *items + "))";
    }
    if ((e->kind == AEXPR_BETWEEN || e->kind == AEXPR_NOT_BETWEEN) && pg::length(pg::as<List>(e->rexpr)) == 2) {
        const auto* bounds = pg::as<List>(e->rexpr);
        auto low = sql_of(pg::nth(bounds, 0), depth + 1), high = sql_of(pg::nth(bounds, 1), depth + 1);
        if (!low || !high) return std::nullopt;
        return "(" + *left + (e->kind == AEXPR_BETWEEN ? " BETWEEN " : " NOT BETWEEN ") + *low + " AND " + *high + ")";
    }
    return std::nullopt;
}

// A value of SQL's, as far as eval tells them apart.
struct Value {
    enum Kind { Null, Number, String, Bool } kind = Null;
    double number = 0;
    std::string text;
    bool truth = false;
};

Value truth_value(Truth t) {
    Value v;
    if (t == Truth::True || t == Truth::False) {
        v.kind = Value::Bool;
        v.truth = t == Truth::True;
    }
    return v;
}

// A string read as an integer or a decimal number, as int4in/numeric_in read one (spaces around
// it allowed); nothing for anything else.
std::optional<double> number_input(std::string_view text, bool integer) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    std::size_t i = text.empty() || (text[0] != '-' && text[0] != '+') ? 0 : 1;
    bool digits = false;
    bool dot = false;
    for (; i < text.size(); ++i) {
        if (text[i] >= '0' && text[i] <= '9') digits = true;
        else if (text[i] == '.' && !dot && !integer) dot = true;
        else return std::nullopt;
    }
    if (!digits) return std::nullopt;
    return std::strtod(std::string(text).c_str(), nullptr);
}

// `v` stored as a value of canonical type `type`, as far as that is plain: integers (a whole
// number in range), numeric without a modifier and floating point, text and varchar (a length
// limit not exceeded), boolean. Nothing for other types (char(n) pads, numeric(p, s) rounds).
std::optional<Value> as_type(const Value& v, const std::string& type) {
    if (v.kind == Value::Null) return v;
    const std::string base = type_base(type);
    if (type.ends_with("]")) return std::nullopt;
    const bool integer = base == "int2" || base == "int4" || base == "int8";
    // numeric(p, s) rounds to s places: a number already within them is stored as it is.
    const std::size_t comma = base == "numeric" ? type.find(',') : std::string::npos;
    const long places = comma == std::string::npos ? -1 : std::strtol(type.c_str() + comma + 1, nullptr, 10);
    if (places >= 0 && places < 10 && v.kind == Value::Number) {
        double scaled = v.number;
        for (long i = 0; i < places; ++i) scaled *= 10;
        if (scaled != static_cast<double>(static_cast<long long>(scaled)) || scaled > 1e15 || scaled < -1e15) return std::nullopt;
        return v;
    }
    if (integer || base == "float4" || base == "float8" || type == "numeric") {
        std::optional<double> n = v.kind == Value::Number ? std::optional<double>(v.number)
                                  : v.kind == Value::String ? number_input(v.text, integer)
                                                            : std::nullopt;
        if (!n || (integer && (*n != static_cast<double>(static_cast<long long>(*n)) || *n > 9.2e18 || *n < -9.2e18))) {
            return std::nullopt;
        }
        Value out;
        out.kind = Value::Number;
        out.number = *n;
        return out;
    }
    if (base == "text" || base == "varchar") {
        if (v.kind != Value::String) return std::nullopt;
        if (type != base) {
            std::size_t open = type.find('(');
            std::size_t limit = open == std::string::npos ? 0 : std::strtoul(type.c_str() + open + 1, nullptr, 10);
            if (limit == 0 || v.text.size() > limit) return std::nullopt;  // bytes >= characters: within when this holds
        }
        return v;
    }
    if (base == "bool") {
        if (v.kind == Value::Bool) return v;
        if (v.kind != Value::String) return std::nullopt;
        std::optional<bool> b = boolean_input(v.text);
        if (!b) return std::nullopt;
        Value out;
        out.kind = Value::Bool;
        out.truth = *b;
        return out;
    }
    return std::nullopt;
}

// The column's value in an evaluation.
struct Env {
    const std::string* column = nullptr;
    const Value* value = nullptr;
};

std::optional<Value> eval(const pg::Node* node, const Env& env, int depth = 0);

// a = b, a < b, ...: both numbers, or two strings or booleans compared for (in)equality (their
// order depends on a collation). Nothing when not plain.
std::optional<Value> compare(const Value& a, const Value& b, std::string_view op) {
    if (a.kind == Value::Null || b.kind == Value::Null) return Value{};
    if (a.kind != b.kind) return std::nullopt;
    std::optional<bool> r;
    if (a.kind == Value::Number) {
        if (op == "=") r = a.number == b.number;
        if (op == "<>" || op == "!=") r = a.number != b.number;
        if (op == "<") r = a.number < b.number;
        if (op == ">") r = a.number > b.number;
        if (op == "<=") r = a.number <= b.number;
        if (op == ">=") r = a.number >= b.number;
    } else if (op == "=" || op == "<>" || op == "!=") {
        bool same = a.kind == Value::String ? a.text == b.text : a.truth == b.truth;
        r = op == "=" ? same : !same;
    }
    if (!r) return std::nullopt;
    return truth_value(*r ? Truth::True : Truth::False);
}

// AND / OR in three-valued logic; a part that cannot be evaluated leaves it open unless another
// part decides it.
std::optional<Value> connect(const BoolExpr* b, const Env& env, int depth) {
    if (b->boolop == NOT_EXPR) {
        auto v = pg::length(b->args) == 1 ? eval(pg::nth(b->args, 0), env, depth + 1) : std::nullopt;
        if (!v || v->kind == Value::Null) return v;
        if (v->kind != Value::Bool) return std::nullopt;
        return truth_value(v->truth ? Truth::False : Truth::True);
    }
    const bool decides = b->boolop == OR_EXPR;  // the value that decides it
    bool open = false;
    bool null = false;
    for (const pg::Node* arg : pg::each(b->args)) {
        auto v = eval(arg, env, depth + 1);
        if (v && v->kind == Value::Bool && v->truth == decides) return v;
        if (!v || (v->kind != Value::Bool && v->kind != Value::Null)) open = true;
        else if (v->kind == Value::Null) null = true;
    }
    if (open) return std::nullopt;
    if (null) return Value{};
    return truth_value(decides ? Truth::False : Truth::True);
}

std::optional<Value> eval(const pg::Node* node, const Env& env, int depth) {
    if (node == nullptr || depth > k_depth) return std::nullopt;
    if (const auto* c = pg::as<A_Const>(node)) {
        Value v;
        if (c->isnull) return v;
        if (auto n = literal_number(node)) {
            v.kind = Value::Number;
            v.number = *n;
        } else if (c->val.node.type == T_String) {
            v.kind = Value::String;
            v.text = std::string(pg::text(c->val.sval.sval));
        } else if (c->val.node.type == T_Boolean) {
            v.kind = Value::Bool;
            v.truth = c->val.boolval.boolval;
        } else {
            return std::nullopt;
        }
        return v;
    }
    if (const auto* cast = pg::as<TypeCast>(node)) {
        auto v = eval(cast->arg, env, depth + 1);
        if (!v || cast->typeName == nullptr) return std::nullopt;
        return as_type(*v, canonical_type(cast->typeName));
    }
    if (const auto* ref = pg::as<ColumnRef>(node)) {
        const pg::Node* last = pg::last(ref->fields);
        if (env.column == nullptr || last == nullptr || !pg::is<String>(last) || pg::text(last) != *env.column) return std::nullopt;
        return *env.value;
    }
    if (const auto* test = pg::as<NullTest>(node)) {
        auto v = eval(reinterpret_cast<const pg::Node*>(test->arg), env, depth + 1);
        if (!v) return std::nullopt;
        const bool null = v->kind == Value::Null;
        return truth_value((test->nulltesttype == IS_NULL) == null ? Truth::True : Truth::False);
    }
    if (const auto* b = pg::as<BoolExpr>(node)) return connect(b, env, depth);
    if (const auto* call = pg::as<FuncCall>(node); call != nullptr && length_call(call)) {
        auto v = eval(pg::nth(call->args, 0), env, depth + 1);
        if (!v || v->kind == Value::Null) return v;
        if (v->kind != Value::String) return std::nullopt;
        Value n;
        n.kind = Value::Number;
        // Characters of UTF-8 text: the bytes that do not continue one.
        for (char ch : v->text) n.number += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
        return n;
    }
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr || pg::length(e->name) != 1) return std::nullopt;
    const std::string_view op = pg::last_name(e->name);
    auto left = eval(e->lexpr, env, depth + 1);
    if (!left) return std::nullopt;
    if (e->kind == AEXPR_OP && comparison(op)) {
        auto right = eval(e->rexpr, env, depth + 1);
        return right ? compare(*left, *right, op) : std::nullopt;
    }
    if (e->kind == AEXPR_IN && (op == "=" || op == "<>")) {
        // x IN (a, b): x = a OR x = b; NOT IN: x <> a AND x <> b.
        bool null = left->kind == Value::Null;
        bool found = false;
        for (const pg::Node* item : pg::each(pg::as<List>(e->rexpr))) {
            auto v = eval(item, env, depth + 1);
            if (!v) return std::nullopt;
            auto same = compare(*left, *v, "=");
            if (!same) return std::nullopt;
            if (same->kind == Value::Null) null = true;
            else found = found || same->truth;
        }
        if (found) return truth_value(op == "=" ? Truth::True : Truth::False);
        if (null) return Value{};
        return truth_value(op == "=" ? Truth::False : Truth::True);
    }
    if (e->kind == AEXPR_BETWEEN || e->kind == AEXPR_NOT_BETWEEN) {
        const auto* bounds = pg::as<List>(e->rexpr);
        if (pg::length(bounds) != 2) return std::nullopt;
        auto low = eval(pg::nth(bounds, 0), env, depth + 1), high = eval(pg::nth(bounds, 1), env, depth + 1);
        if (!low || !high || (left->kind != Value::Number && left->kind != Value::Null)) return std::nullopt;
        auto above = compare(*left, *low, ">="), below = compare(*left, *high, "<=");
        if (!above || !below) return std::nullopt;
        if ((above->kind == Value::Bool && !above->truth) || (below->kind == Value::Bool && !below->truth)) {
            return truth_value(e->kind == AEXPR_BETWEEN ? Truth::False : Truth::True);
        }
        if (above->kind == Value::Null || below->kind == Value::Null) return Value{};
        return truth_value(e->kind == AEXPR_BETWEEN ? Truth::True : Truth::False);
    }
    return std::nullopt;
}

}  // namespace

bool validated_not_null_check(const RelationInfo* rel, const std::string& col) {
    if (rel == nullptr) return false;
    for (const auto& [name, column] : rel->not_null_checks) {
        auto check = rel->checks.find(name);
        if (column == col && check != rel->checks.end() && check->second.validated) return true;
    }
    return false;
}

CheckInfo check_info(const Constraint* con) {
    CheckInfo info;
    if (con == nullptr) return info;
    info.validated = !con->skip_validation;
    std::set<std::string> columns;
    referenced_columns(con->raw_expr, columns);
    info.columns.assign(columns.begin(), columns.end());
    info.expression = sql_of(con->raw_expr).value_or(std::string());
    return info;
}

std::string unnamed_check_name(const RelationInfo* rel, const std::string& table, const CheckInfo& check) {
    const std::string base = table + (check.columns.size() == 1 ? "_" + check.columns[0] : std::string()) + "_check";
    std::string name = base;
    for (int n = 1; rel != nullptr && rel->checks.count(name) > 0 && n < 1000; ++n) name = base + std::to_string(n);
    return name;
}

std::optional<std::string> check_rejects(const RelationInfo& rel, const std::string& column, const std::string& type,
                                         const pg::Node* value) {
    auto constant = eval(value, Env{});
    if (!constant) return std::nullopt;
    auto stored = as_type(*constant, type);
    if (!stored || stored->kind == Value::Null) return std::nullopt;
    for (const auto& [name, check] : rel.checks) {
        if (check.expression.empty() || check.columns.size() != 1 || check.columns[0] != column) continue;
        ParsedStatement parsed = parse_statement("SELECT " + check.expression);
        const auto* select = pg::as<SelectStmt>(parsed.stmt);
        const auto* target = select != nullptr && pg::length(select->targetList) == 1 ? pg::as<ResTarget>(pg::nth(select->targetList, 0))
                                                                                     : nullptr;
        if (target == nullptr) continue;
        auto result = eval(target->val, Env{&column, &*stored});
        if (result && result->kind == Value::Bool && !result->truth) return name;
    }
    return std::nullopt;
}

void note_rejected_defaults(const AlterTableStmt* stmt, const std::string& relname, StatementFacts& facts, const Context& ctx) {
    const RelationInfo* rel = ctx.catalog.find(relname);
    if (rel == nullptr || rel->checks.empty()) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(stmt->cmds)) {
        std::string column;
        std::string type;
        const pg::Node* value = nullptr;
        if (const auto* def = pg::as<ColumnDef>(cmd->def); def != nullptr && cmd->subtype == AT_AddColumn) {
            column = std::string(pg::text(def->colname));
            type = def->typeName != nullptr ? canonical_type(def->typeName) : std::string();
            value = def->raw_default;
            for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
                if (con->contype == CONSTR_DEFAULT) value = con->raw_expr;
            }
        } else if (cmd->subtype == AT_ColumnDefault && cmd->def != nullptr && cmd->name != nullptr) {
            column = std::string(pg::text(cmd->name));
            const ColumnInfo* known = ctx.catalog.column(relname, column);
            type = known != nullptr ? known->type : std::string();
            value = cmd->def;
        }
        if (value == nullptr || type.empty()) continue;
        const std::optional<std::string> check = check_rejects(*rel, column, type, value);
        if (!check) continue;
        facts.notes.push_back(std::string(k_default_rejected_note) + quote_ident(column) + " " + sql_of(value).value_or("(the default)") +
                              ": " + quote_ident(*check) + (rel->checks.find(*check)->second.validated ? "" : std::string(k_not_valid)));
    }
}

}  // namespace pgfence::analyze::model
