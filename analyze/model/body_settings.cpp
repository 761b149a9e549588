// Timeouts set inside followed bodies and by routines' SET clauses (body_settings.hpp).
#include "analyze/model/body_settings.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/parse/pg_walk.hpp"
#include "analyze/parse/set_config.hpp"
#include "analyze/rules/common.hpp"

namespace pgfence::analyze {

namespace {

constexpr std::string_view k_prefix = "body sets ";
constexpr std::string_view k_unread = "a value pgfence cannot read";
constexpr std::string_view k_default = "its default";
constexpr std::string_view k_maybe = " (if it runs)";

bool is_timeout(std::string_view name) {
    return name == "lock_timeout" || name == "statement_timeout" || name == "idle_in_transaction_session_timeout";
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// SET's value as SHOW gives it: a number or a string constant.
std::optional<std::string> constant(const List* args) {
    if (pg::length(args) != 1) return std::nullopt;
    const A_Const* c = pg::as<A_Const>(pg::nth(args, 0));
    if (c == nullptr || c->isnull) return std::nullopt;
    if (c->val.node.type == T_Integer) return std::to_string(c->val.ival.ival);
    if (c->val.node.type == T_String) return std::string(pg::text(c->val.sval.sval));
    if (c->val.node.type == T_Float) return std::string(pg::text(c->val.fval.fval));
    return std::nullopt;
}

// One SET / RESET (a statement, or a routine's clause) of a timeout; RESET ALL gives both.
void read_set(const VariableSetStmt* set, std::vector<BodySetting>& out) {
    if (set->kind == VAR_RESET_ALL) {
        for (const char* name : {"lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout"}) out.push_back(BodySetting{name, std::nullopt});
        return;
    }
    std::string name = lower(pg::text(set->name));
    if (!is_timeout(name)) return;
    BodySetting s{name, std::nullopt};
    if (set->kind == VAR_SET_VALUE) {
        s.value = constant(set->args);
        s.known = s.value.has_value();
    } else if (set->kind != VAR_SET_DEFAULT && set->kind != VAR_RESET) {
        s.known = false;  // FROM CURRENT, or a form pgfence does not read
    }
    if (set->is_local && set->kind != VAR_RESET) s.scope = BodySetting::Scope::Transaction;
    out.push_back(std::move(s));
}

}  // namespace

std::vector<BodySetting> body_settings_of(const pg::Node* stmt) {
    std::vector<BodySetting> out;
    if (const auto* set = pg::as<VariableSetStmt>(stmt)) {
        read_set(set, out);
        return out;
    }
    for (const SetConfig& call : read_set_configs(stmt)) {
        if (!is_timeout(call.name)) continue;
        BodySetting s{call.name, call.value};
        s.known = (call.value || call.reset) && call.is_local;
        if (call.is_local && *call.is_local) s.scope = BodySetting::Scope::Transaction;
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<BodySetting> routine_settings(const CreateFunctionStmt* create) {
    std::vector<BodySetting> out;
    for (const DefElem* d : pg::each<DefElem>(create->options)) {
        const auto* set = pg::text(d->defname) == "set" ? pg::as<VariableSetStmt>(d->arg) : nullptr;
        if (set == nullptr) continue;
        std::vector<BodySetting> read;
        read_set(set, read);
        for (BodySetting& s : read) {
            s.scope = BodySetting::Scope::WhileRuns;
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::string body_setting_note(const BodySetting& setting, const std::string& what) {
    std::string value;
    if (!setting.known) {
        value = k_unread;
    } else if (!setting.value) {
        value = k_default;
    } else {
        value = "'";
        for (char c : *setting.value) value += c == '\'' ? std::string("''") : std::string(1, c);
        value += "'";
    }
    const char* scope = setting.scope == BodySetting::Scope::Session       ? " for the session"
                        : setting.scope == BodySetting::Scope::Transaction ? " until the transaction ends"
                                                                           : " while it runs";
    return std::string(k_prefix) + setting.name + " to " + value + scope + (setting.maybe ? std::string(k_maybe) : "") + ", in " + what;
}

std::optional<BodySetting> read_body_setting_note(std::string_view note) {
    if (!note.starts_with(k_prefix)) return std::nullopt;
    note.remove_prefix(k_prefix.size());
    BodySetting s;
    for (std::string_view name : {std::string_view("lock_timeout"), std::string_view("statement_timeout"),
                                   std::string_view("idle_in_transaction_session_timeout")}) {
        if (note.starts_with(std::string(name) + " to ")) s.name = std::string(name);
    }
    if (s.name.empty()) return std::nullopt;
    note.remove_prefix(s.name.size() + 4);
    if (note.starts_with(k_unread)) {
        s.known = false;
        note.remove_prefix(k_unread.size());
    } else if (note.starts_with(k_default)) {
        note.remove_prefix(k_default.size());
    } else if (note.starts_with("'")) {
        std::string value;
        std::size_t i = 1;
        for (; i < note.size(); ++i) {
            if (note[i] != '\'') {
                value += note[i];
            } else if (i + 1 < note.size() && note[i + 1] == '\'') {
                value += '\'';
                ++i;
            } else {
                break;
            }
        }
        if (i >= note.size()) return std::nullopt;
        s.value = std::move(value);
        note.remove_prefix(i + 1);
    } else {
        return std::nullopt;
    }
    if (note.starts_with(" for the session")) {
        note.remove_prefix(16);
    } else if (note.starts_with(" until the transaction ends")) {
        s.scope = BodySetting::Scope::Transaction;
        note.remove_prefix(27);
    } else if (note.starts_with(" while it runs")) {
        s.scope = BodySetting::Scope::WhileRuns;
        note.remove_prefix(14);
    } else {
        return std::nullopt;
    }
    s.maybe = note.starts_with(k_maybe);
    return s;
}

void mark_body_settings_maybe(StatementFacts& facts, std::size_t from) {
    for (std::size_t i = from; i < facts.notes.size(); ++i) {
        std::string& note = facts.notes.edit()[i];
        std::optional<BodySetting> s = read_body_setting_note(note);
        if (!s || s->maybe) continue;
        std::string what = note.substr(note.find(", in ") + 5);
        s->maybe = true;
        note = body_setting_note(*s, what);
    }
}

void confine_to_routine(StatementFacts& facts, std::size_t from, const std::vector<BodySetting>& clauses) {
    for (std::size_t i = from; i < facts.notes.size(); ++i) {
        std::string& note = facts.notes.edit()[i];
        std::optional<BodySetting> s = read_body_setting_note(note);
        if (!s || s->scope != BodySetting::Scope::Transaction) continue;
        if (std::none_of(clauses.begin(), clauses.end(), [&](const BodySetting& c) { return c.name == s->name; })) continue;
        std::string what = note.substr(note.find(", in ") + 5);
        s->scope = BodySetting::Scope::WhileRuns;
        note = body_setting_note(*s, what);
    }
}

std::optional<std::string> weaker_timeout(const std::optional<std::string>& a, const std::optional<std::string>& b) {
    if (!a || !b) return std::nullopt;
    std::optional<long> x = rules::duration_ms(*a), y = rules::duration_ms(*b);
    if (!x || !y) return std::nullopt;
    if (*x == 0) return a;
    if (*y == 0) return b;
    return *x >= *y ? a : b;
}

}  // namespace pgfence::analyze
