#include "analyze/plan/plan_shapes.hpp"

#include <array>

#include "analyze/parse/pg_parser.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/parse/tokens.hpp"
#include "analyze/rules/common.hpp"

namespace pgfence::analyze::plan_shapes {
namespace {

std::string function_name(const FuncCall* call) { return std::string(pg::last_name(call->funcname)); }

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
    for (auto n : names) {
        if (n == name) return true;
    }
    return false;
}

// Functions whose result is their arguments' alone, called the same in a batch as in one UPDATE.
bool plain_function(std::string_view name) {
    return one_of(name, {"lower", "upper", "trim", "btrim", "ltrim", "rtrim", "concat", "concat_ws", "substring", "substr",
                         "replace", "left", "right", "length", "char_length", "md5", "round", "floor", "ceil", "abs",
                         "lpad", "rpad", "split_part", "regexp_replace", "initcap", "to_jsonb", "jsonb_build_object",
                         "json_build_object", "array_length", "nullif"});
}

void order_walk(const pg::Node* node, std::string_view table, std::string& why) {
    if (node == nullptr || !why.empty()) return;
    if (const auto* call = pg::as<FuncCall>(node)) {
        std::string name = function_name(call);
        if (call->over != nullptr) why = "a window function (" + name + "() OVER ...) numbers or compares rows, so each batch would see only its own rows";
        else if (one_of(name, {"nextval", "setval", "currval", "lastval"})) why = name + "() hands out values in the order rows are visited, which a batched walk changes";
        else if (one_of(name, {"random", "setseed", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
                               "uuidv4", "uuidv7", "clock_timestamp", "timeofday"})) {
            why = name + "() gives each run different values; the UPDATE is kept whole so it runs once";
        } else if (one_of(name, {"now", "statement_timestamp", "transaction_timestamp"})) {
            why = name + "() is the time of each batch's transaction, not one time for every row as in the original";
        }
    } else if (pg::is<SQLValueFunction>(node)) {
        why = "CURRENT_TIMESTAMP and its kin are the time of each batch's transaction, not one time for every row as in the original";
    } else if (const auto* select = pg::as<SelectStmt>(node)) {
        if (select->sortClause != nullptr || select->limitCount != nullptr || select->limitOffset != nullptr) {
            why = "a subquery with ORDER BY or LIMIT picks rows by their order, which a batched walk changes";
        }
    } else if (const auto* rv = pg::as<RangeVar>(node)) {
        if (pg::relname(rv) == table) why = "it reads " + std::string(table) + " itself (a self-join or subquery), which a batched walk would change under it";
    }
    if (!why.empty()) return;
    pg::each_child(node, [&](const pg::Node* child) { order_walk(child, table, why); });
}

void reads_walk(const pg::Node* node, UpdateReads& out) {
    if (node == nullptr) return;
    switch (node->type) {
        case T_ColumnRef: {
            const auto* ref = pg::as<ColumnRef>(node);
            const pg::Node* last = pg::last(ref->fields);
            if (pg::is<String>(last)) out.columns.insert(std::string(pg::text(last)));
            else out.elsewhere = true;  // a star
            return;
        }
        case T_FuncCall:
            if (!plain_function(function_name(pg::as<FuncCall>(node)))) out.elsewhere = true;
            break;
        case T_SubLink:
        case T_RangeVar:
        case T_SelectStmt:
        case T_SQLValueFunction:
            out.elsewhere = true;
            return;
        default: break;
    }
    pg::each_child(node, [&](const pg::Node* child) { reads_walk(child, out); });
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string order_dependence(const UpdateStmt* update) {
    std::string why;
    std::string_view table = pg::relname(update->relation);
    for (const pg::Node* t : pg::each(update->targetList)) order_walk(t, table, why);
    order_walk(update->whereClause, table, why);
    for (const pg::Node* f : pg::each(update->fromClause)) order_walk(f, table, why);
    if (why.empty() && update->withClause != nullptr) order_walk(reinterpret_cast<const pg::Node*>(update->withClause), table, why);
    return why;
}

UpdateReads reads_of(const UpdateStmt* update) {
    UpdateReads out;
    for (const ResTarget* t : pg::each<ResTarget>(update->targetList)) {
        if (t->indirection != nullptr) out.elsewhere = true;  // SET c[1] = ..., SET c.f = ...: reads c
        reads_walk(t->val, out);
    }
    reads_walk(update->whereClause, out);
    if (update->fromClause != nullptr || update->withClause != nullptr) out.elsewhere = true;
    return out;
}

bool constant(const pg::Node* node) {
    if (const auto* cast = pg::as<TypeCast>(node)) return constant(cast->arg);
    return pg::is<A_Const>(node) || pg::is<ParamRef>(node);
}

std::string single_set_value(std::string_view sql) {
    std::size_t set = rules::find_keyword(sql, 0, sql.size(), "SET");
    if (set == std::string_view::npos) return {};
    std::size_t i = set + 3;
    while (i < sql.size()) {
        std::size_t next = rules::skip_token(sql, i);
        if (next != i) {
            i = next;
            continue;
        }
        if (sql[i] == '=') break;
        ++i;
    }
    if (i >= sql.size()) return {};
    // Up to a WHERE the statement has (`SET c = 0 WHERE c IS NULL`), outside quotes and parentheses.
    std::size_t end = rules::find_keyword(sql, i + 1, sql.size(), "WHERE");
    std::string value = rules::trim(sql.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - (i + 1)));
    while (!value.empty() && (value.back() == ';' || is_space(value.back()))) value.pop_back();
    if (value.empty() || value.find("--") != std::string::npos || value.find("/*") != std::string::npos) return {};
    return value;
}

bool is_expression(std::string_view text) {
    Tokenizer tokens(text);
    for (Token t; tokens.next(t);) {
        if (t.is_comment() || t.is_symbol(text, ';')) return false;  // the parser would read only what comes before
    }
    ParsedStatement parsed = parse_statement("SELECT " + std::string(text));
    const auto* select = parsed.failure ? nullptr : pg::as<SelectStmt>(parsed.stmt);
    if (select == nullptr || pg::length(select->targetList) != 1 || select->op != SETOP_NONE) return false;
    const auto* target = pg::as<ResTarget>(pg::nth(select->targetList, 0));
    return target != nullptr && target->name == nullptr && select->intoClause == nullptr && select->fromClause == nullptr &&
           select->whereClause == nullptr && select->groupClause == nullptr && select->havingClause == nullptr &&
           select->windowClause == nullptr && select->distinctClause == nullptr && select->sortClause == nullptr &&
           select->limitOffset == nullptr && select->limitCount == nullptr && select->lockingClause == nullptr &&
           select->valuesLists == nullptr && select->withClause == nullptr;
}

std::string with_default(std::string_view sql, std::size_t begin, std::size_t end, const ColumnDef* def, std::string_view value,
                         std::string& old) {
    old.clear();
    if (def == nullptr || begin > end || end > sql.size()) return {};
    const Constraint* d = nullptr;
    for (const Constraint* c : pg::each<Constraint>(def->constraints)) {
        if (c->contype != CONSTR_DEFAULT) continue;
        if (d != nullptr) return {};  // two DEFAULTs: PostgreSQL refuses the statement
        d = c;
    }
    std::string clause = rules::trim(sql.substr(begin, end - begin));
    if (d == nullptr) return clause + " DEFAULT " + std::string(value);
    if (d->location < 0 || static_cast<std::size_t>(d->location) < begin) return {};
    std::size_t at = rules::find_keyword(sql, static_cast<std::size_t>(d->location), end, "DEFAULT");
    if (at == std::string_view::npos) return {};
    // The expression runs to where the parser found what follows it, or to the clause's end.
    std::size_t stop = end;
    auto cut = [&](int location) {
        if (location >= 0 && static_cast<std::size_t>(location) > at && static_cast<std::size_t>(location) < stop) {
            stop = static_cast<std::size_t>(location);
        }
    };
    for (const Constraint* c : pg::each<Constraint>(def->constraints)) cut(c->location);
    if (def->collClause != nullptr) cut(def->collClause->location);
    std::string expression = rules::trim(sql.substr(at + 7, stop - at - 7));
    if (expression.empty() || expression.find("--") != std::string::npos || expression.find("/*") != std::string::npos ||
        !is_expression(expression)) {
        return {};
    }
    old = expression;
    std::string tail = rules::trim(sql.substr(stop, end - stop));
    return rules::trim(sql.substr(begin, at - begin)) + " DEFAULT " + std::string(value) + (tail.empty() ? "" : " " + tail);
}

}  // namespace pgfence::analyze::plan_shapes
