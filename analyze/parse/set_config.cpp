#include "analyze/parse/set_config.hpp"

#include <cctype>

#include "analyze/parse/pg_walk.hpp"

namespace pgfence::analyze {
namespace {

const pg::Node* strip_casts(const pg::Node* node) {
    while (const auto* cast = pg::as<TypeCast>(node)) node = cast->arg;
    return node;
}

void collect_set_config(const pg::Node* node, std::vector<const FuncCall*>& out) {
    if (node == nullptr) return;
    if (const auto* call = pg::as<FuncCall>(node); call != nullptr && pg::last_name(call->funcname) == "set_config") {
        out.push_back(call);
    }
    // The queries utility statements run (pg_walk.hpp visits queries and expressions only).
    if (const auto* s = pg::as<ExplainStmt>(node)) return collect_set_config(s->query, out);
    if (const auto* s = pg::as<CreateTableAsStmt>(node)) return collect_set_config(s->query, out);
    if (const auto* s = pg::as<CopyStmt>(node)) return collect_set_config(s->query, out);
    if (const auto* s = pg::as<PrepareStmt>(node)) return collect_set_config(s->query, out);
    if (const auto* s = pg::as<DeclareCursorStmt>(node)) return collect_set_config(s->query, out);
    if (const auto* s = pg::as<CallStmt>(node)) return collect_set_config(reinterpret_cast<const pg::Node*>(s->funccall), out);
    pg::each_child(node, [&](const pg::Node* child) { collect_set_config(child, out); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::string> constant_text(const A_Const* c) {
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_String) return std::string(pg::text(c->val.sval.sval));
    if (c->val.node.type == T_Integer) return std::to_string(c->val.ival.ival);
    if (c->val.node.type == T_Float) return std::string(pg::text(c->val.fval.fval));
    return std::nullopt;
}

// parse_bool (utils/adt/bool.c) for the spellings a migration writes.
std::optional<bool> constant_bool(const A_Const* c) {
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_Boolean) return c->val.boolval.boolval;
    if (c->val.node.type != T_String) return std::nullopt;
    const std::string v = lower(pg::text(c->val.sval.sval));
    if (v == "t" || v == "true" || v == "on" || v == "yes" || v == "1") return true;
    if (v == "f" || v == "false" || v == "off" || v == "no" || v == "0") return false;
    return std::nullopt;
}

// "a ,b" as SHOW lists it: "a, b".
std::string listed(std::string_view value) {
    std::string out;
    for (std::size_t at = 0; at <= value.size();) {
        std::size_t comma = value.find(',', at);
        if (comma == std::string_view::npos) comma = value.size();
        std::string_view part = value.substr(at, comma - at);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.remove_suffix(1);
        out += (out.empty() ? "" : ", ") + std::string(part);
        at = comma + 1;
    }
    return out;
}

}  // namespace

std::vector<const FuncCall*> set_config_calls(const pg::Node* stmt) {
    std::vector<const FuncCall*> out;
    collect_set_config(stmt, out);
    return out;
}

const A_Const* set_config_argument(const FuncCall* call, int position, std::string_view name) {
    const pg::Node* arg = pg::length(call->args) > position ? pg::nth(call->args, position) : nullptr;
    if (pg::is<NamedArgExpr>(arg)) arg = nullptr;
    for (const NamedArgExpr* named : pg::each<NamedArgExpr>(call->args)) {
        if (pg::text(named->name) == name) arg = reinterpret_cast<const pg::Node*>(named->arg);
    }
    return pg::as<A_Const>(strip_casts(arg));
}

std::vector<SetConfig> read_set_configs(const pg::Node* stmt) {
    std::vector<SetConfig> out;
    if (stmt == nullptr) return out;
    for (const FuncCall* call : set_config_calls(stmt)) {
        const A_Const* name = set_config_argument(call, 0, "setting_name");
        if (name == nullptr || name->isnull || name->val.node.type != T_String) continue;
        SetConfig c;
        c.name = lower(pg::text(name->val.sval.sval));
        const A_Const* value = set_config_argument(call, 1, "new_value");
        c.value = constant_text(value);
        c.reset = value != nullptr && value->isnull;
        if (c.value && c.name == "search_path") c.value = listed(*c.value);
        c.is_local = constant_bool(set_config_argument(call, 2, "is_local"));
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace pgfence::analyze
