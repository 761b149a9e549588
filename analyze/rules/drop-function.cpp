// DROP FUNCTION / PROCEDURE / ROUTINE / AGGREGATE of a routine the migration did not make: the
// running release that calls it (an API's RPC, PostgREST's /rpc/, a report's query) fails
// ("function ... does not exist") from the moment it commits, with no lock to show it (red team
// R67 A13, PostgreSQL 15). A trigger function is left alone (triggers hold it by OID, no
// application calls it by name; without CASCADE the DROP fails while a trigger uses it), and so is
// a routine dropped and made again later in the file with the same arguments (a return type
// changed); one made again with other arguments is MEDIUM (the release running until the new one
// ships calls the old form). A routine pgfence never saw made is reported too (it must exist for a
// DROP without IF EXISTS to run), at MEDIUM under IF EXISTS.
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/routine_notes.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr std::size_t k_look_ahead = 2000;  // later statements looked at: a file stays linear

enum class Again { no, same, other };

// Does a later statement of the file make a routine `name` again: with these argument types
// (`signature`, canonical; `any`: the DROP named none), or with others (its signature changes)?
Again made_again(const StatementContext& ctx, std::string_view name, const std::string& signature, bool any) {
    if (ctx.stmts == nullptr) return Again::no;
    Again out = Again::no;
    const std::size_t from = static_cast<std::size_t>(ctx.statement.index) + 1;
    for (std::size_t i = from; i < ctx.stmts->size() && i < from + k_look_ahead; ++i) {
        const auto* create = pg::as<CreateFunctionStmt>((*ctx.stmts)[i]);
        if (create == nullptr || pg::length(create->funcname) == 0 || pg::last_name(create->funcname) != name) continue;
        if (any || model::routine_signature(create->parameters) == signature) return Again::same;
        out = Again::other;
    }
    return out;
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* drop = ctx.as<DropStmt>();
    if (drop == nullptr) return;
    const std::vector<NamedRoutine> routines = named_routines(ctx.statement);
    std::size_t i = 0;
    for (const ObjectWithArgs* o : pg::each<ObjectWithArgs>(drop->objects)) {
        if (i >= routines.size()) break;
        const NamedRoutine& r = routines[i++];
        if (r.made == "here" || r.trigger || pg::length(o->objname) == 0) continue;
        const std::string signature = o->args_unspecified ? std::string() : model::routine_signature_of_types(o->objargs);
        const Again again = made_again(ctx, pg::last_name(o->objname), signature, o->args_unspecified);
        if (again == Again::same) continue;
        const bool seen = r.made == "earlier";
        const std::string whose = seen ? "an earlier migration made"
                                  : drop->missing_ok ? "that the migrations pgfence read never made (if it exists where this runs)"
                                                     : "that the migrations pgfence read never made (it must exist where this runs)";
        Finding& f = sink.add(ctx.statement, "DROP of " + r.name + " removes a routine " + whose + ": every call of it by the running release (the application's SQL, an "
                                                 "RPC endpoint, a job) fails (\"function does not exist\") from the moment it "
                                                 "commits, with no lock to show it");
        // Made again with other arguments later in the file: the release that ships with the
        // migration calls the new form; the one running until then calls the old one and fails.
        if (again == Again::other) {
            f.message += "; the file makes it again with other arguments, so the release still running until the new one "
                         "is deployed fails on its calls";
            f.risk = Risk::Medium;
        }
        if (!seen && drop->missing_ok) f.risk = Risk::Medium;
        f.fix = "deploy code that no longer calls " + r.name + " first, then drop it in a later migration; to change its body, "
                "CREATE OR REPLACE it";
    }
}

}  // namespace

PGFENCE_RULE(drop_function) {
    return Rule{"drop-function", Risk::High, "DROP FUNCTION breaks the calls of code that still calls the routine", check, nullptr, true,
                "locking"};
}

}  // namespace pgfence::analyze::rules
