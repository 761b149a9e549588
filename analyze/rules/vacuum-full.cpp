#include <cctype>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

bool option_on(const DefElem* d) {
    if (const auto* b = pg::as<Boolean>(d->arg)) return b->boolval;
    if (const auto* i = pg::as<Integer>(d->arg)) return i->ival != 0;
    if (pg::is<String>(d->arg)) {
        std::string_view v = pg::text(d->arg);
        return !(same_word(v, "false") || same_word(v, "off") || v == "0");
    }
    return true;
}

std::string option_text(const DefElem* d) {
    std::string name(pg::text(d->defname));
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const auto* b = pg::as<Boolean>(d->arg)) return name + (b->boolval ? " TRUE" : " FALSE");
    if (const auto* i = pg::as<Integer>(d->arg)) return name + " " + std::to_string(i->ival);
    if (pg::is<String>(d->arg)) return name + " " + std::string(pg::text(d->arg));
    return name;
}

// The same VACUUM without FULL: options and tables as written.
std::string plain_vacuum(const VacuumStmt* stmt) {
    std::string options;
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) {
        if (pg::text(d->defname) == "full") continue;
        options += (options.empty() ? "" : ", ") + option_text(d);
    }
    std::string tables;
    for (const VacuumRelation* vr : pg::each<VacuumRelation>(stmt->rels)) {
        if (vr->relation == nullptr) continue;
        std::string t = pg::display_name(vr->relation);
        if (pg::length(vr->va_cols) > 0) t += " (" + column_list(vr->va_cols) + ")";
        tables += (tables.empty() ? "" : ", ") + t;
    }
    return "VACUUM" + (options.empty() ? std::string() : " (" + options + ")") +
           (tables.empty() ? std::string() : " " + tables) + ";";
}

void check(const StatementContext& ctx, Sink& sink) {
    const auto* stmt = ctx.as<VacuumStmt>();
    if (stmt == nullptr || !stmt->is_vacuumcmd) return;
    bool full = false;
    for (const DefElem* d : pg::each<DefElem>(stmt->options)) {
        if (pg::text(d->defname) == "full") full = option_on(d);
    }
    if (!full) return;
    Recipe recipe;
    recipe.summary = "Run a plain VACUUM (reads and writes continue); to give space back to the OS, use pg_repack out of band";
    recipe.steps.push_back({"Migration (no transaction)",
                            plain_vacuum(stmt) + "\n-- Makes the dead rows' space reusable without blocking reads or writes.",
                            false});
    auto repack = [&](const std::string& table) {
        return RecipeStep{"Out of band",
                          comment_lines("To shrink the files as VACUUM FULL would, pg_repack rebuilds the table online and\n"
                                        "locks it exclusively only briefly at the start and the end:\n"
                                        "pg_repack --no-order " + (table.empty() ? std::string("--all") : "--table=" + table) +
                                        " --dbname=<database>"),
                          false};
    };
    if (pg::length(stmt->rels) == 0) {
        Finding& f = sink.add(ctx.statement, "VACUUM FULL without a table rewrites every table in the database, one at a "
                                             "time, each locked against reads and writes while it is copied");
        f.fix = "run a plain VACUUM, or pg_repack out of band for tables that must shrink";
        recipe.steps.push_back(repack(""));
        f.recipe = std::move(recipe);
        return;
    }
    for (const VacuumRelation* vr : pg::each<VacuumRelation>(stmt->rels)) {
        if (vr->relation == nullptr) continue;
        std::string table = pg::display_name(vr->relation);
        const LockFact* lock = existing(ctx.statement, table);
        if (lock == nullptr || effect_on(ctx.statement.rewrites, table) == nullptr) continue;
        Finding& f = sink.add(ctx.statement, "VACUUM FULL " + table + " copies " + table +
                                                 " into new storage, holding " + a_lock(*lock) + " for the whole copy");
        f.relation = table;
        f.fix = "run a plain VACUUM, or pg_repack out of band if the table must shrink";
        Recipe mine = recipe;
        mine.steps.push_back(repack(table));
        f.recipe = std::move(mine);
    }
}

}  // namespace

PGFENCE_RULE(vacuum_full) {
    return Rule{"vacuum-full", Risk::High, "VACUUM FULL rewrites the table while it blocks reads and writes", check,
                nullptr, true, "locking", SizeWork::rewrite};
}

}  // namespace pgfence::analyze::rules
