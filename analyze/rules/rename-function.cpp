// ALTER FUNCTION / PROCEDURE / ROUTINE / AGGREGATE ... RENAME TO or SET SCHEMA of a routine the
// migration did not make: for the running release, which calls it by its old name, this is a
// DROP: every call fails ("function ... does not exist") from the moment it commits (red team R67
// A13, PostgreSQL 15). A trigger function is left alone (its triggers hold it by OID), and so is
// a routine made again under the old name later in the file.
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/routine_notes.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr std::size_t k_look_ahead = 2000;  // later statements looked at: a file stays linear

bool made_again(const StatementContext& ctx, std::string_view name) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t from = static_cast<std::size_t>(ctx.statement.index) + 1;
    for (std::size_t i = from; i < ctx.stmts->size() && i < from + k_look_ahead; ++i) {
        const auto* create = pg::as<CreateFunctionStmt>((*ctx.stmts)[i]);
        if (create != nullptr && pg::length(create->funcname) > 0 && pg::last_name(create->funcname) == name) return true;
    }
    return false;
}

void report(const StatementContext& ctx, Sink& sink, const ObjectWithArgs* o, const std::string& how) {
    const std::vector<NamedRoutine> routines = named_routines(ctx.statement);
    if (o == nullptr || routines.empty() || pg::length(o->objname) == 0) return;
    const NamedRoutine& r = routines.front();
    if (r.made == "here" || r.trigger || made_again(ctx, pg::last_name(o->objname))) return;
    Finding& f = sink.add(ctx.statement, how + " of " + r.name + ": for the running release, which calls it by that name, the " +
                                             "routine is gone: every call fails (\"function does not exist\") from the moment it "
                                             "commits, with no lock to show it");
    f.fix = "make the routine under its new name beside the old one, deploy code that calls the new name, and drop the old one "
            "in a later migration";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* rename = ctx.as<RenameStmt>(); rename != nullptr && rename->newname != nullptr) {
        report(ctx, sink, pg::as<ObjectWithArgs>(rename->object), "RENAME TO " + quote_ident(pg::text(rename->newname)));
    } else if (const auto* move = ctx.as<AlterObjectSchemaStmt>(); move != nullptr && move->newschema != nullptr) {
        report(ctx, sink, pg::as<ObjectWithArgs>(move->object), "SET SCHEMA " + quote_ident(pg::text(move->newschema)));
    }
}

}  // namespace

PGFENCE_RULE(rename_function) {
    return Rule{"rename-function", Risk::High, "ALTER FUNCTION ... RENAME TO or SET SCHEMA breaks the calls of code that still calls the routine by its old name",
                check, nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
