// The JSON tree's versions of the shared helpers, for alter_table.cpp alone while it still
// reads the JSON tree (issue #14's transition); this file goes once it reads PostgreSQL's
// nodes. Each mirrors its typed twin in model.cpp or create.cpp.
#include <algorithm>

#include "analyze/json_access.hpp"
#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

std::vector<std::string> string_list(const json& list) {
    std::vector<std::string> out;
    for (const auto& item : list) out.push_back(string_value(item));
    return out;
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "_") + p;
    return out;
}

// The sequence a nextval('name') default calls, or "".
std::string nextval_sequence(const json& expr) {
    if (!expr.contains("FuncCall")) return {};
    const json& call = expr["FuncCall"];
    const auto& names = member(call, "funcname");
    if (names.empty() || string_value(names.back()) != "nextval") return {};
    const auto& args = member(call, "args");
    if (args.empty()) return {};
    const json* arg = &args[0];
    if (arg->contains("TypeCast")) arg = &(*arg)["TypeCast"]["arg"];
    std::string text = member(member(*arg, "A_Const"), "sval").value("sval", std::string());
    auto dot = text.rfind('.');
    return dot == std::string::npos ? text : text.substr(dot + 1);
}

// 0: not volatile, 1: volatile, 2: calls a function whose volatility is unknown.
int walk_volatility(const json& node, std::string& why) {
    int worst = 0;
    if (node.is_object()) {
        for (const auto& [key, value] : node.items()) {
            if (key == "FuncCall") {
                std::string name;
                for (const auto& part : member(value, "funcname")) name = string_value(part);
                if (function_volatility(name) == Volatility::Volatile) {
                    why = name + "()";
                    return 1;
                }
                if (function_volatility(name) == Volatility::Unknown && worst == 0) {
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

}  // namespace

std::string string_value(const json& node) {
    if (node.contains("String")) return node["String"].value("sval", std::string());
    return {};
}

LockFact& lock_range_var(StatementFacts& facts, Context& ctx, const json& range_var, LockMode mode,
                         const std::string& reason, const std::string& kind) {
    return add_lock(facts, ctx, range_var_relname(range_var), range_var_name(range_var), mode, kind, reason);
}

bool range_var_inh(const json& range_var) { return range_var.value("inh", false); }

bool expression_is_volatile(const json& expr, std::string& why) {
    return walk_volatility(expr, why) != 0;
}

bool is_serial_type(const json& column_def) {
    if (!column_def.contains("typeName")) return false;
    const auto& names = member(column_def["typeName"], "names");
    if (names.size() != 1) return false;
    std::string n = string_value(names[0]);
    return n == "serial" || n == "bigserial" || n == "smallserial" || n == "serial4" || n == "serial8" || n == "serial2";
}

void record_constraint(Context& ctx, const std::string& table, const std::string& column, const json& con) {
    std::string type = con.value("contype", std::string());
    std::string name = con.value("conname", std::string());
    std::vector<std::string> keys = string_list(member(con, "keys"));
    if (keys.empty() && !column.empty()) keys.push_back(column);
    RelationInfo* rel = ctx.catalog.find(table);
    if (type == "CONSTR_FOREIGN" && con.contains("pktable")) {
        ForeignKey fk;
        fk.columns = string_list(member(con, "fk_attrs"));
        if (fk.columns.empty() && !column.empty()) fk.columns.push_back(column);
        fk.target = range_var_relname(con["pktable"]);
        fk.target_columns = string_list(member(con, "pk_attrs"));
        std::string del = con.value("fk_del_action", std::string("a"));
        std::string upd = con.value("fk_upd_action", std::string("a"));
        fk.on_delete = del.empty() ? 'a' : del[0];
        fk.on_update = upd.empty() ? 'a' : upd[0];
        fk.name = name.empty() ? table + "_" + joined(fk.columns) + "_fkey" : name;
        if (rel) {
            rel->references.push_back(fk.target);
            rel->foreign_keys[fk.name] = fk;
        }
        if (auto* ref = ctx.catalog.find(fk.target)) ref->referenced_by.push_back(table);
        return;
    }
    if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE" || type == "CONSTR_EXCLUSION") {
        if (con.contains("indexname")) {
            // USING INDEX: the index is renamed to the constraint's name.
            std::string index = con["indexname"].get<std::string>();
            if (!name.empty() && name != index) ctx.catalog.rename(index, name);
            return;
        }
        if (type == "CONSTR_EXCLUSION") {
            keys.clear();
            for (const auto& e : member(con, "exclusions")) {
                const auto& items = member(member(e, "List"), "items");
                if (!items.empty()) keys.push_back(member(items[0], "IndexElem").value("name", std::string("expr")));
            }
        }
        std::string index = !name.empty() ? name
                          : type == "CONSTR_PRIMARY" ? table + "_pkey"
                          : table + "_" + joined(keys) + (type == "CONSTR_UNIQUE" ? "_key" : "_excl");
        if (type == "CONSTR_PRIMARY" && rel) {
            rel->primary_key = keys;
            for (auto& c : rel->columns) {
                if (std::find(keys.begin(), keys.end(), c.name) != keys.end()) c.not_null = true;
            }
        }
        register_relation(ctx, table, index, "index");
    }
}

void record_column(Context& ctx, const std::string& table, const json& def) {
    std::string col = def.value("colname", std::string());
    ColumnInfo info{col, def.contains("typeName") ? canonical_type(def["typeName"]) : std::string(), false, false};
    bool owns_sequence = is_serial_type(def);
    std::vector<const json*> constraints;
    const json all = member(def, "constraints");  // outlives the pointers into it
    for (const auto& c : all) {
        if (!c.contains("Constraint")) continue;
        const json& con = c["Constraint"];
        std::string type = con.value("contype", std::string());
        if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY" || type == "CONSTR_IDENTITY") info.not_null = true;
        if (type == "CONSTR_IDENTITY") owns_sequence = true;
        if (type == "CONSTR_DEFAULT" && con.contains("raw_expr")) {
            std::string seq = nextval_sequence(con["raw_expr"]);
            if (!seq.empty()) {
                if (auto* rel = ctx.catalog.find(table)) rel->default_sequences.push_back(seq);
            }
        }
        constraints.push_back(&con);
    }
    if (auto* rel = ctx.catalog.find(table)) ctx.catalog.add_columns(*rel, {info});
    if (owns_sequence) {
        std::string seq = table + "_" + col + "_seq";
        register_relation(ctx, table, seq, "sequence");
        if (auto* rel = ctx.catalog.find(table)) rel->default_sequences.push_back(seq);
    }
    for (const json* con : constraints) record_constraint(ctx, table, col, *con);
}

}  // namespace pgfence::analyze::model
