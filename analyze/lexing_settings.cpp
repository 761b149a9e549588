#include "analyze/lexing_settings.hpp"

#include <algorithm>
#include <cctype>

namespace pgfence::analyze {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A boolean setting's "on", as parse_bool reads it (utils/adt/bool.c: a prefix of true or yes, on, 1).
bool reads_on(std::string_view v) {
    if (v.empty()) return false;
    return std::string_view("true").starts_with(v) || std::string_view("yes").starts_with(v) || v == "on" || v == "1";
}

// The encodings the server reads as UTF8 (pg_char_to_encoding ignores case and punctuation).
bool reads_utf8(std::string v) {
    std::erase_if(v, [](unsigned char c) { return !std::isalnum(c); });
    return v == "utf8" || v == "unicode";
}

std::string first_value(const VariableSetStmt* set) {
    for (const pg::Node* arg : pg::each(set->args)) {
        if (const A_Const* c = pg::as<A_Const>(arg); c != nullptr && !c->isnull) {
            if (c->val.node.type == T_String) return lower(pg::text(c->val.sval.sval));
            if (c->val.node.type == T_Integer) return std::to_string(c->val.ival.ival);
            if (c->val.node.type == T_Float) return std::string(pg::text(c->val.fval.fval));
        }
        break;
    }
    return {};
}

}  // namespace

LexingChange lexing_change(const pg::Node* stmt, std::string_view sql) {
    LexingChange out;
    if (pg::as<VariableShowStmt>(stmt) != nullptr) return out;
    if (const VariableSetStmt* set = pg::as<VariableSetStmt>(stmt)) {
        const std::string name = lower(pg::text(set->name));
        if (set->kind == VAR_RESET_ALL) {
            out.restores = true;
            return out;
        }
        if (name != "standard_conforming_strings" && name != "client_encoding") return out;
        out.setting = name;
        if (set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT) {
            out.restores = true;  // the server's default: on, and the connection's encoding
            return out;
        }
        const std::string value = first_value(set);
        out.restores = name == "client_encoding" ? reads_utf8(value) : reads_on(value);
        out.changes = !out.restores;
        out.what = "SET " + name + " = " + (value.empty() ? "?" : value.substr(0, 40));
        return out;
    }
    const std::string text = lower(sql);
    for (std::string_view name : {"standard_conforming_strings", "client_encoding"}) {
        if (text.find(name) != std::string::npos) {
            out.changes = true;
            out.setting = name;
            out.what = "a statement that may change " + std::string(name) + " (pgfence does not follow it)";
            return out;
        }
    }
    return out;
}

}  // namespace pgfence::analyze
