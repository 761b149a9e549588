// set_config() kept in stored expressions (attached_settings.hpp).
#include "analyze/model/attached_settings.hpp"

#include <algorithm>

#include "analyze/parse/set_config.hpp"

namespace pgfence::analyze {

namespace {

// A NUL byte starts it: no function has such a name (as statistics_key in function_attach.cpp).
constexpr std::string_view k_prefix{"\0set_config ", 12};
constexpr std::string_view k_hex = "0123456789abcdef";

bool is_timeout(std::string_view name) {
    return name == "lock_timeout" || name == "statement_timeout" || name == "idle_in_transaction_session_timeout";
}

// Fields after the prefix, space-separated: the setting ("?" when not folded), known (k/u), a value
// or the default (v/d), session or transaction (s/t), the value in hex (no dot, no space).
std::string encode(const BodySetting& s) {
    std::string out(k_prefix);
    out += s.name;
    out += s.known ? " k" : " u";
    out += s.value ? " v" : " d";
    out += s.scope == BodySetting::Scope::Transaction ? " t " : " s ";
    if (s.value) {
        for (unsigned char c : *s.value) {
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> attached_setting_names(const pg::Node* expr) {
    std::vector<std::string> out;
    if (expr == nullptr) return out;
    // read_set_configs lists the same calls in the same order, those of a constant name only: one
    // walk of the expression each (a call nested in another's arguments is not read twice).
    const std::vector<SetConfig> read = read_set_configs(expr);
    std::size_t next = 0;
    for (const FuncCall* call : set_config_calls(expr)) {
        const A_Const* name = set_config_argument(call, 0, "setting_name");
        const bool folded = name != nullptr && !name->isnull && name->val.node.type == T_String;
        const SetConfig* c = folded && next < read.size() ? &read[next++] : nullptr;
        const int parts = pg::length(call->funcname);
        if (parts > 2 || (parts == 2 && pg::text(pg::nth(call->funcname, 0)) != "pg_catalog")) continue;  // another schema's function
        if (!folded) {
            out.push_back(std::string(k_prefix) + "?");
            continue;
        }
        if (c == nullptr || !is_timeout(c->name)) continue;
        BodySetting s{c->name, c->value};
        s.known = (c->value || c->reset) && c->is_local;
        if (c->is_local && *c->is_local) s.scope = BodySetting::Scope::Transaction;
        out.push_back(encode(s));
    }
    return out;
}

bool is_attached_setting(std::string_view name) { return name.starts_with(k_prefix); }

std::optional<BodySetting> attached_setting(std::string_view name) {
    name.remove_prefix(std::min(name.size(), k_prefix.size()));
    const std::size_t space = name.find(' ');
    if (space == std::string_view::npos || space + 7 > name.size()) return std::nullopt;  // "?": not folded
    BodySetting s{std::string(name.substr(0, space)), std::nullopt};
    s.known = name[space + 1] == 'k';
    s.scope = name[space + 5] == 't' ? BodySetting::Scope::Transaction : BodySetting::Scope::Session;
    s.maybe = true;
    if (name[space + 3] == 'v') {
        std::string value;
        for (std::size_t i = space + 7; i + 1 < name.size(); i += 2) {
            value += static_cast<char>((k_hex.find(name[i]) << 4) | k_hex.find(name[i + 1]));
        }
        s.value = std::move(value);
    }
    return s;
}

bool restores_settings(const pg::Node* stmt) {
    if (const auto* as = pg::as<CreateTableAsStmt>(stmt)) return as->objtype == OBJECT_MATVIEW;
    return pg::is<IndexStmt>(stmt) || pg::is<ReindexStmt>(stmt) || pg::is<ClusterStmt>(stmt) || pg::is<VacuumStmt>(stmt) ||
           pg::is<RefreshMatViewStmt>(stmt);
}

}  // namespace pgfence::analyze
