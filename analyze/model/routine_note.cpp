#include "analyze/model/routine_note.hpp"

#include "analyze/model/function_calls_parts.hpp"
#include "analyze/parse/pg_parser.hpp"

namespace pgfence::analyze::model {
namespace {

using function_calls_detail::returns_trigger;
using function_calls_detail::signature_of_types;

bool routine_kind(ObjectType t) {
    return t == OBJECT_FUNCTION || t == OBJECT_PROCEDURE || t == OBJECT_ROUTINE || t == OBJECT_AGGREGATE;
}

// "f(int, text)" as written, or "f" when the arguments are left out.
std::string shown(const ObjectWithArgs* o) {
    std::string out = pg::qualified_name(o->objname);
    if (o->args_unspecified) return out;
    out += "(";
    bool first = true;
    for (const TypeName* t : pg::each<TypeName>(o->objargs)) {
        out += (first ? "" : ", ") + canonical_type(t);
        first = false;
    }
    return out + ")";
}

void note(const ObjectWithArgs* o, StatementFacts& facts, const Context& ctx) {
    if (o == nullptr || pg::length(o->objname) == 0) return;
    const std::string name(pg::last_name(o->objname));
    const auto* overloads = ctx.catalog.functions(name);
    const std::string signature = o->args_unspecified ? std::string() : signature_of_types(o->objargs);
    std::string made = "not-seen";
    bool trigger = false;
    for (std::size_t i = 0; overloads != nullptr && i < overloads->size(); ++i) {
        const auto& f = (*overloads)[i];
        if (!o->args_unspecified && f->signature != signature) continue;
        const bool earlier = f->pre_existing || f->order < ctx.catalog.functions_existing();
        made = earlier ? "earlier" : (made == "earlier" ? made : "here");
        ParsedStatement parsed = parse_statement(f->definition);
        const auto* create = parsed.failure ? nullptr : pg::as<CreateFunctionStmt>(parsed.stmt);
        trigger = create != nullptr && returns_trigger(create);
    }
    facts.notes.push_back(std::string(k_routine_note) + made + " " + (trigger ? "trigger " : "callable ") + shown(o));
}

}  // namespace

std::string routine_signature(const List* parameters) { return function_calls_detail::signature_of(parameters); }
std::string routine_signature_of_types(const List* types) { return signature_of_types(types); }

void note_routines(const pg::Node* stmt, StatementFacts& facts, const Context& ctx) {
    if (const auto* drop = pg::as<DropStmt>(stmt); drop != nullptr && routine_kind(drop->removeType)) {
        for (const ObjectWithArgs* o : pg::each<ObjectWithArgs>(drop->objects)) note(o, facts, ctx);
    } else if (const auto* rename = pg::as<RenameStmt>(stmt); rename != nullptr && routine_kind(rename->renameType)) {
        note(pg::as<ObjectWithArgs>(rename->object), facts, ctx);
    } else if (const auto* move = pg::as<AlterObjectSchemaStmt>(stmt); move != nullptr && routine_kind(move->objectType)) {
        note(pg::as<ObjectWithArgs>(move->object), facts, ctx);
    } else if (const auto* alter = pg::as<AlterFunctionStmt>(stmt)) {
        note(alter->func, facts, ctx);
    }
}

}  // namespace pgfence::analyze::model
