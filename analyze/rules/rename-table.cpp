#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"
#include "analyze/rules/schema_recipes.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace schema;

// What a statement does to relation names, for the patterns that keep a name working.
struct NameEvent {
    std::size_t statement = 0;  // its index in the file
    enum Kind { None, RenameTable, CreateView, DropView } kind = None;
    QualifiedName from;  // the table renamed, the view created or dropped
    QualifiedName to;    // for RenameTable: the new name (in the same schema)
};

// The statement as a rename of a table, or nullptr.
const RenameStmt* table_rename(const pg::Node* stmt) {
    const auto* rename = pg::as<RenameStmt>(stmt);
    return rename != nullptr && rename->renameType == OBJECT_TABLE && rename->relation != nullptr ? rename : nullptr;
}

// Appends statement i's events to `out`: the file's events, in order (most statements have none).
void add_events(std::size_t i, const pg::Node* node, std::vector<NameEvent>& out) {
    if (const RenameStmt* rename = table_rename(node)) {
        QualifiedName from = name_of_range_var(rename->relation);
        out.push_back({i, NameEvent::RenameTable, from, {from.schema, std::string(pg::text(rename->newname))}});
    } else if (const auto* view = pg::as<ViewStmt>(node); view != nullptr && view->view != nullptr) {
        out.push_back({i, NameEvent::CreateView, name_of_range_var(view->view), {}});
    } else if (const auto* drop = pg::as<DropStmt>(node); drop != nullptr && drop->removeType == OBJECT_VIEW) {
        for (const pg::Node* o : pg::each(drop->objects)) {
            out.push_back({i, NameEvent::DropView, name_of_list(pg::as<List>(o)), {}});
        }
    }
}

Recipe make_recipe(const RangeVar* rv, const std::string& new_name) {
    std::string old_table = pg::display_name(rv);
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

// A swap that starts with `first` (a -> tmp): later b -> a and tmp -> b. Returns the statement
// that completes it and b's name, or -1.
int swap_end(const std::vector<NameEvent>& events, std::size_t i, const NameEvent& first, QualifiedName& other) {
    int took = -1;
    int back = -1;
    for (const auto& o : events) {
        if (o.statement <= i || o.kind != NameEvent::RenameTable) continue;
        if (took < 0 && same_name(o.to, first.from) && !same_name(o.from, first.to)) {
            took = static_cast<int>(o.statement);
            other = o.from;
        } else if (took >= 0 && same_name(o.from, first.to) && same_name(o.to, other)) {
            back = static_cast<int>(o.statement);
        }
    }
    return took >= 0 && back >= 0 ? back : -1;
}

void check(const FileContext& ctx, Sink& sink) {
    std::vector<NameEvent> events;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) add_events(i, ctx.stmts[i], events);
    for (const auto& e : events) {
        const std::size_t i = e.statement;
        if (e.kind != NameEvent::RenameTable) continue;
        const StatementFacts& s = ctx.file.statements[i];
        const RangeVar* rv = table_rename(ctx.stmts[i])->relation;
        if (existing_table_lock(s, pg::display_name(rv)) == nullptr) continue;
        QualifiedName other;
        int end = swap_end(events, i, e, other);
        if (end >= 0) {
            std::string a = pg::display_name(rv);
            std::string b = (other.schema.empty() ? "" : quote_ident(other.schema) + ".") + quote_ident(other.name);
            Finding& f = sink.add(ctx.file.statements[static_cast<std::size_t>(end)],
                                  "this migration swaps the names " + a + " and " + b + " (line " +
                                      std::to_string(s.span.start.line) + " on): running code that names " + a +
                                      " silently reads and writes the data that was " + b + "'s, and the reverse, "
                                      "with no error to show it");
            f.relation = a;
            f.fix = "give the tables new names that no deployed code uses, or deploy code that expects the swap "
                    "before running it";
            continue;
        }
        // The old name keeps working when a view (or another table) takes it later in this
        // migration; the new name was only a stand-in when a view or table just gave it up.
        bool kept = false;
        for (const auto& o : events) {
            const std::size_t j = o.statement;
            if (j > i && o.kind == NameEvent::CreateView && same_name(o.from, e.from)) kept = true;
            if (j > i && o.kind == NameEvent::RenameTable && same_name(o.to, e.from)) kept = true;
            if (j < i && o.kind == NameEvent::DropView && same_name(o.from, e.to)) kept = true;
            if (j < i && o.kind == NameEvent::RenameTable && same_name(o.from, e.to)) kept = true;
        }
        if (kept) continue;
        std::string old_table = pg::display_name(rv);
        Finding& f = sink.add(s, "renaming " + old_table + " to " + quote_ident(e.to.name) +
                                     " breaks every query that still names " + old_table +
                                     ": code deployed before this migration fails until it is replaced");
        f.relation = old_table;
        f.fix = "create a view named " + old_table + " over the renamed table in the same migration, and drop it once no code uses the old name";
        f.recipe = make_recipe(rv, e.to.name);
    }
}

}  // namespace

PGFENCE_RULE(rename_table) {
    return Rule{"rename-table", Risk::High,
                "Renaming a table breaks the application code still running against the old name", nullptr, check,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
