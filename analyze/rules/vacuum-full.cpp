#include <cctype>
#include "analyze/json_access.hpp"

#include "analyze/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

bool option_on(const json& d) {
    const json& arg = member(d, "arg");
    if (arg.contains("Boolean")) return arg["Boolean"].value("boolval", false);
    if (arg.contains("Integer")) return arg["Integer"].value("ival", 0) != 0;
    if (arg.contains("String")) {
        std::string v = arg["String"].value("sval", std::string());
        return !(same_word(v, "false") || same_word(v, "off") || v == "0");
    }
    return true;
}

std::string option_text(const json& d) {
    std::string name = d.value("defname", std::string());
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const json& arg = member(d, "arg");
    if (arg.contains("Boolean")) return name + (arg["Boolean"].value("boolval", false) ? " TRUE" : " FALSE");
    if (arg.contains("Integer")) return name + " " + std::to_string(arg["Integer"].value("ival", 0));
    if (arg.contains("String")) return name + " " + arg["String"].value("sval", std::string());
    return name;
}

// The same VACUUM without FULL: options and tables as written.
std::string plain_vacuum(const json& stmt) {
    std::string options;
    for (const auto& o : member(stmt, "options")) {
        const json& d = member(o, "DefElem");
        if (d.value("defname", std::string()) == "full") continue;
        options += (options.empty() ? "" : ", ") + option_text(d);
    }
    std::string tables;
    for (const auto& r : member(stmt, "rels")) {
        const json& vr = member(r, "VacuumRelation");
        if (!vr.contains("relation")) continue;
        std::string t = range_var_name(vr["relation"]);
        if (vr.contains("va_cols")) t += " (" + column_list(vr["va_cols"]) + ")";
        tables += (tables.empty() ? "" : ", ") + t;
    }
    return "VACUUM" + (options.empty() ? std::string() : " (" + options + ")") +
           (tables.empty() ? std::string() : " " + tables) + ";";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.kind() != "VacuumStmt") return;
    const json& stmt = ctx.body();
    if (!stmt.value("is_vacuumcmd", false)) return;
    bool full = false;
    for (const auto& o : member(stmt, "options")) {
        const json& d = member(o, "DefElem");
        if (d.value("defname", std::string()) == "full") full = option_on(d);
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
    const auto& rels = member(stmt, "rels");
    if (rels.empty()) {
        Finding& f = sink.add(ctx.statement, "VACUUM FULL without a table rewrites every table in the database, one at a "
                                             "time, each locked against reads and writes while it is copied");
        f.fix = "run a plain VACUUM, or pg_repack out of band for tables that must shrink";
        recipe.steps.push_back(repack(""));
        f.recipe = std::move(recipe);
        return;
    }
    for (const auto& r : rels) {
        const json& vr = member(r, "VacuumRelation");
        if (!vr.contains("relation")) continue;
        std::string table = range_var_name(vr["relation"]);
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

Rule rule_vacuum_full() {
    return Rule{"vacuum-full", Risk::High, "VACUUM FULL rewrites the table while it blocks reads and writes", check,
                nullptr, true, "locking"};
}

}  // namespace pgfence::analyze::rules
