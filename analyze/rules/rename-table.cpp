#include "analyze/rules/common.hpp"
#include "analyze/json_access.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// What a statement does to relation names, for the patterns that keep a name working.
struct NameEvent {
    enum Kind { None, RenameTable, CreateView, DropView } kind = None;
    QualifiedName from;  // the table renamed, the view created or dropped
    QualifiedName to;    // for RenameTable: the new name (in the same schema)
};

std::vector<NameEvent> events_of(const std::string& kind, const json& stmt) {
    std::vector<NameEvent> out;
    if (kind == "RenameStmt" && stmt.value("renameType", std::string()) == "OBJECT_TABLE" && stmt.contains("relation")) {
        QualifiedName from = name_of_range_var(stmt["relation"]);
        out.push_back({NameEvent::RenameTable, from, {from.schema, stmt.value("newname", std::string())}});
    } else if (kind == "ViewStmt" && stmt.contains("view")) {
        out.push_back({NameEvent::CreateView, name_of_range_var(stmt["view"]), {}});
    } else if (kind == "DropStmt" && stmt.value("removeType", std::string()) == "OBJECT_VIEW") {
        for (const auto& o : member(stmt, "objects")) {
            out.push_back({NameEvent::DropView, name_of_list(member(member(o, "List"), "items")), {}});
        }
    }
    return out;
}

Recipe make_recipe(const json& rv, const std::string& new_name) {
    std::string old_table = range_var_name(rv);
    std::string new_table = schema_prefix(rv) + quote_ident(new_name);
    Recipe recipe;
    recipe.summary = "Rename the table and leave a view under the old name until every deployed version uses the new one";
    recipe.steps.push_back(
        {"Migration 1",
         "ALTER TABLE " + old_table + " RENAME TO " + quote_ident(new_name) + ";\n" +
             "CREATE VIEW " + old_table + " AS SELECT * FROM " + new_table + ";\n" +
             "-- Code that still says " + old_table + " reads and writes " + new_table +
             " through the view (a simple view is\n"
             "-- updatable); grant it the privileges the application has on the table.",
         true});
    recipe.steps.push_back({"Migration 2", "-- Once no deployed code uses " + old_table + ":\nDROP VIEW " + old_table + ";", true});
    return recipe;
}

void check(const FileContext& ctx, Sink& sink) {
    std::vector<std::vector<NameEvent>> events;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.nodes.size(); ++i) {
        const std::string& kind = ctx.file.statements[i].kind;
        events.push_back(ctx.nodes[i].is_object() && ctx.nodes[i].contains(kind) ? events_of(kind, ctx.nodes[i][kind])
                                                                                 : std::vector<NameEvent>{});
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
        for (const auto& e : events[i]) {
            if (e.kind != NameEvent::RenameTable) continue;
            const StatementFacts& s = ctx.file.statements[i];
            const json& rv = ctx.nodes[i][s.kind]["relation"];
            if (existing_table_lock(s, range_var_name(rv)) == nullptr) continue;
            // The old name keeps working when a view (or another table) takes it later in this
            // migration; the new name was only a stand-in when a view or table just gave it up.
            bool kept = false;
            for (std::size_t j = 0; j < events.size(); ++j) {
                for (const auto& o : events[j]) {
                    if (j > i && o.kind == NameEvent::CreateView && same_name(o.from, e.from)) kept = true;
                    if (j > i && o.kind == NameEvent::RenameTable && same_name(o.to, e.from)) kept = true;
                    if (j < i && o.kind == NameEvent::DropView && same_name(o.from, e.to)) kept = true;
                    if (j < i && o.kind == NameEvent::RenameTable && same_name(o.from, e.to)) kept = true;
                }
            }
            if (kept) continue;
            std::string old_table = range_var_name(rv);
            Finding& f = sink.add(s, "renaming " + old_table + " to " + quote_ident(e.to.name) +
                                         " breaks every query that still names " + old_table +
                                         ": code deployed before this migration fails until it is replaced");
            f.relation = old_table;
            f.fix = "create a view named " + old_table + " over the renamed table in the same migration, and drop it once no code uses the old name";
            f.recipe = make_recipe(rv, e.to.name);
        }
    }
}

}  // namespace

Rule rule_rename_table() {
    return Rule{"rename-table", Risk::High,
                "Renaming a table breaks the application code still running against the old name", nullptr, check,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
