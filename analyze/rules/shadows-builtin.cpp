// A function, aggregate or operator a migration creates (or renames) under the name of one of
// PostgreSQL's built-ins, in any schema: PostgreSQL resolves a call among every candidate of that
// name on the search_path and takes the one whose argument types match best (parse_func.c
// func_select_candidate, parse_oper.c oper_select_candidate), so `public.lower(varchar)` beats
// pg_catalog's `lower(text)` for a varchar column, and `public.= (varchar, varchar)` beats `text =
// text`. Checked on PostgreSQL 15 (red team E's OPSHADOW and FNSHADOW cases): the application's
// `WHERE email = 'a'` and `lower(email) = lower('A')` found 1 row before, 0 after. The callers are
// the application's queries, which pgfence cannot see, so the name alone is reported. The names
// are PostgreSQL 15's pg_proc and pg_operator in pg_catalog (share/pg_builtins/pg15_builtins.txt,
// generated from a real server by share/pg_builtins/generate.py).
#include <string>
#include <string_view>
#include <unordered_set>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

const std::unordered_set<std::string_view>& builtin_functions() {
    static const std::unordered_set<std::string_view> names{
#include "analyze/builtin_functions.inc"
    };
    return names;
}

const std::unordered_set<std::string_view>& builtin_operators() {
    static const std::unordered_set<std::string_view> names{
#include "analyze/builtin_operators.inc"
    };
    return names;
}

// "schema.name" as written (the schema quoted where it needs it; an operator's name as it is).
std::string qualified(const List* names, bool op) {
    std::string out;
    const int count = pg::length(names);
    int i = 0;
    for (const pg::Node* n : pg::each(names)) {
        ++i;
        if (!pg::is<String>(n)) continue;
        if (!out.empty()) out += ".";
        const std::string_view part = pg::text(pg::as<String>(n)->sval);
        out += op && i == count ? std::string(part) : quote_ident(part);
    }
    return out;
}

bool trigger_function(const CreateFunctionStmt* fn) {
    if (fn->returnType == nullptr) return false;
    const std::string_view type = pg::last_name(fn->returnType->names);
    return type == "trigger" || type == "event_trigger";
}

void report(const StatementContext& ctx, Sink& sink, std::string_view kind, const std::string& shown, std::string_view name) {
    const bool op = kind == "operator";
    Finding& f = sink.add(ctx.statement,
                          std::string(kind) + " " + shown + " has the name of a PostgreSQL built-in " +
                              (op ? "operator (pg_catalog." + std::string(name) + ")" : "function (pg_catalog." + std::string(name) + ")") +
                              ": PostgreSQL resolves each call of " + std::string(name) +
                              " among every candidate on the search_path and takes the one whose argument types match "
                              "best, before pg_catalog's less exact one, so the application's own " +
                              (op ? "comparisons and expressions with " : "calls of ") + std::string(name) +
                              " (on a varchar column, say) may now " +
                              (kind == "procedure" ? std::string("find this procedure and fail \"is a procedure\" (procedures are "
                                                                 "candidates too: checked on PostgreSQL 15)")
                                                   : std::string("run this one instead of the built-in")) +
                              "; pgfence cannot see those callers");
    f.fix = op ? std::string("give the operator a name PostgreSQL does not ship (===, ~~~ ...) and use it where it is meant, "
                             "or call a function by its own name there")
               : "give the " + std::string(kind) + " a name of its own (app_" + std::string(name) +
                     ") and call it by that name where it is meant";
}

// ALTER FUNCTION, ALTER AGGREGATE, ALTER PROCEDURE and ALTER ROUTINE (which names a function or a
// procedure alike: gram.y's AlterObjectSchemaStmt/RenameStmt with OBJECT_ROUTINE) renaming or moving
// one. A procedure is a candidate of a function call too: PostgreSQL 15 picks `public.lower(varchar)`
// for `lower(email)` on a varchar column and fails "lower(character varying) is a procedure".
const char* routine_kind(ObjectType type) {
    switch (type) {
        case OBJECT_FUNCTION: return "function";
        case OBJECT_AGGREGATE: return "aggregate";
        case OBJECT_ROUTINE: return "routine";
        case OBJECT_PROCEDURE: return "procedure";
        default: return nullptr;
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* fn = ctx.as<CreateFunctionStmt>()) {
        const std::string_view name = pg::last_name(fn->funcname);
        if (trigger_function(fn) || !builtin_functions().contains(name)) return;
        report(ctx, sink, fn->is_procedure ? "procedure" : "function", qualified(fn->funcname, false), name);
        return;
    }
    if (const auto* def = ctx.as<DefineStmt>()) {
        const std::string_view name = pg::last_name(def->defnames);
        if (def->kind == OBJECT_OPERATOR && builtin_operators().contains(name)) {
            report(ctx, sink, "operator", qualified(def->defnames, true), name);
        } else if (def->kind == OBJECT_AGGREGATE && builtin_functions().contains(name)) {
            report(ctx, sink, "aggregate", qualified(def->defnames, false), name);
        }
        return;
    }
    // Moved into another schema (one on the application's search_path, maybe).
    if (const auto* move = ctx.as<AlterObjectSchemaStmt>()) {
        const auto* object = pg::as<ObjectWithArgs>(move->object);
        if (object == nullptr || move->newschema == nullptr) return;
        const std::string_view name = pg::last_name(object->objname);
        const std::string shown = quote_ident(pg::text(move->newschema)) + "." + std::string(name) + " (moved)";
        if (move->objectType == OBJECT_OPERATOR && builtin_operators().contains(name)) {
            report(ctx, sink, "operator", shown, name);
        } else if (const char* kind = routine_kind(move->objectType); kind != nullptr && builtin_functions().contains(name)) {
            report(ctx, sink, kind, shown, name);
        }
        return;
    }
    if (const auto* rename = ctx.as<RenameStmt>()) {
        const char* kind = routine_kind(rename->renameType);
        if (kind != nullptr && rename->newname != nullptr && builtin_functions().contains(pg::text(rename->newname))) {
            report(ctx, sink, kind, std::string(pg::text(rename->newname)) + " (renamed)", pg::text(rename->newname));
        }
    }
}

}  // namespace

PGFENCE_RULE(shadows_builtin) {
    return Rule{"shadows-builtin", Risk::High,
                "a new function, aggregate or operator named as a PostgreSQL built-in may be chosen instead of it for "
                "the application's own calls",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
