// Sequelize's queryInterface.createFunction(), as its PostgreSQL query generator writes it.
#include <optional>
#include <string>

#include "analyze/orm/emitter.hpp"

namespace pgfence::analyze::orm {
namespace {

// An optional argument left out: missing, undefined or null.
bool absent(const Node* n) {
    return n == nullptr || (n->kind == NodeKind::Ident && (n->name == "null" || n->name == "undefined"));
}

}  // namespace

// QueryInterface.createFunction(name, params, returnType, language, body, optionsArray, options)
// as Sequelize's PostgreSQL query generator builds it (sequelize v6
// src/dialects/postgres/query-generator.js createFunction, _expandFunctionParamList,
// _expandFunctionVariableList, expandOptions): `CREATE [OR REPLACE] FUNCTION name(params)
// RETURNS type AS $func$ [DECLARE ...] BEGIN body END; $func$ language 'lang'options;`, the name,
// types and body inserted as written. Every part must be a literal, else the call is unknown.
void sequelize_create_function(const Node& call, const std::string& name, Emitter& e) {
    int index = e.add_call(call, name, false);
    auto text = [&](std::size_t i) { return arg(call, i) ? e.string_of(*arg(call, i)) : std::nullopt; };
    auto fn = text(0), returns = text(2), language = text(3), body = text(4);
    std::string why;
    if (!fn || !returns || !language || !body) why = "a name, return type, language or body the extractor cannot read";
    std::string params;
    const Node* list = arg(call, 1);
    if (why.empty() && (list == nullptr || list->kind != NodeKind::Array)) why = "a parameter list the extractor cannot read";
    for (std::size_t i = 0; why.empty() && i < list->kids.size(); ++i) {
        const Node& p = list->kids[i];
        std::string def;
        for (const char* key : {"direction", "name", "type"}) {
            const Node* v = p.kind == NodeKind::Object ? property(p, key) : nullptr;
            auto s = v ? e.string_of(*v) : std::nullopt;
            if (v != nullptr && !s) why = "a parameter the extractor cannot read";
            if (s && !s->empty()) def += (def.empty() ? "" : " ") + *s;
            if (std::string_view(key) == "type" && !s) why = "a parameter without a type the extractor can read";
        }
        if (p.kind != NodeKind::Object) why = "a parameter the extractor cannot read";
        if (!def.empty()) params += (params.empty() ? "" : ", ") + def;
    }
    std::string options;
    if (const Node* opts = arg(call, 5); why.empty() && opts != nullptr && !absent(opts)) {
        if (opts->kind != NodeKind::Array) why = "function options the extractor cannot read";
        for (std::size_t i = 0; why.empty() && i < opts->kids.size(); ++i) {
            auto s = e.string_of(opts->kids[i]);
            if (!s) why = "a function option the extractor cannot read";
            else options += (i == 0 ? "" : " ") + *s;
        }
    }
    std::string statement = "CREATE FUNCTION", variables;
    if (const Node* o = arg(call, 6); why.empty() && o != nullptr && !absent(o)) {
        auto force = literal_flag(o, "force");
        const Node* vars = o->kind == NodeKind::Object ? property(*o, "variables") : nullptr;
        if (o->kind != NodeKind::Object || !force || (vars != nullptr && vars->kind != NodeKind::Array)) {
            why = "createFunction() options the extractor cannot read";
        } else {
            if (*force) statement = "CREATE OR REPLACE FUNCTION";
            for (std::size_t i = 0; vars != nullptr && why.empty() && i < vars->kids.size(); ++i) {
                const Node& v = vars->kids[i];
                auto vname = v.kind == NodeKind::Object && property(v, "name") ? e.string_of(*property(v, "name")) : std::nullopt;
                auto vtype = v.kind == NodeKind::Object && property(v, "type") ? e.string_of(*property(v, "type")) : std::nullopt;
                const Node* dflt = v.kind == NodeKind::Object ? property(v, "default") : nullptr;
                auto vdefault = dflt ? e.string_of(*dflt) : std::nullopt;
                if (!vname || !vtype || (dflt != nullptr && !vdefault)) {
                    why = "a function variable the extractor cannot read";
                    break;
                }
                variables += (variables.empty() ? "" : " ") + ("DECLARE " + *vname + " " + *vtype) +
                             (vdefault && !vdefault->empty() ? " := " + *vdefault : "") + ";";
            }
        }
    }
    if (!why.empty()) {
        e.unknown(call, index, "queryInterface.createFunction(): " + why);
        return;
    }
    e.generated(call, index,
                statement + " " + *fn + "(" + params + ") RETURNS " + *returns + " AS $func$ " + variables + " BEGIN " + *body +
                    " END; $func$ language '" + *language + "'" + options + ";",
                {"Sequelize queryInterface.createFunction(): the SQL its PostgreSQL dialect sends"});
}

}  // namespace pgfence::analyze::orm
