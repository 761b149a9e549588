#include "analyze/rules/common.hpp"
#include "analyze/rules/rename_chains.hpp"
#include "analyze/rules/renamed_aside.hpp"
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

// The statement as a rename of a table, or nullptr.
const RenameStmt* table_rename(const pg::Node* stmt) {
    const auto* rename = pg::as<RenameStmt>(stmt);
    return rename != nullptr && rename->renameType == OBJECT_TABLE && rename->relation != nullptr ? rename : nullptr;
}

std::vector<NameEvent> events_of(const pg::Node* node) {
    std::vector<NameEvent> out;
    if (const RenameStmt* rename = table_rename(node)) {
        QualifiedName from = name_of_range_var(rename->relation);
        out.push_back({NameEvent::RenameTable, from, {from.schema, std::string(pg::text(rename->newname))}});
    } else if (const auto* view = pg::as<ViewStmt>(node); view != nullptr && view->view != nullptr) {
        out.push_back({NameEvent::CreateView, name_of_range_var(view->view), {}});
    } else if (const auto* drop = pg::as<DropStmt>(node); drop != nullptr && drop->removeType == OBJECT_VIEW) {
        for (const pg::Node* o : pg::each(drop->objects)) {
            out.push_back({NameEvent::DropView, name_of_list(pg::as<List>(o)), {}});
        }
    }
    return out;
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

// What the statements do to names, only for those that do something, in file order: a file of a
// million statements that rename nothing keeps nothing here.
struct EventAt {
    std::size_t statement;
    NameEvent event;
};

// A swap that starts with `first` (a -> tmp) at events[at]: later b -> a and tmp -> b. Returns
// the statement that completes it and b's name, or -1.
int swap_end(const std::vector<EventAt>& events, std::size_t at, QualifiedName& other) {
    const std::size_t i = events[at].statement;
    const NameEvent& first = events[at].event;
    int took = -1;
    int back = -1;
    for (const EventAt& later : events) {
        if (later.statement <= i) continue;
        const NameEvent& o = later.event;
        if (o.kind != NameEvent::RenameTable) continue;
        const int j = static_cast<int>(later.statement);
        if (took < 0 && same_name(o.to, first.from) && !same_name(o.from, first.to)) {
            took = j;
            other = o.from;
        } else if (took >= 0 && same_name(o.from, first.to) && same_name(o.to, other)) {
            back = j;
        }
    }
    return took >= 0 && back >= 0 ? back : -1;
}

// A table or view renamed into a name another one gave up earlier in this file.
void report_chains(const FileContext& ctx, Sink& sink) {
    for (const RenameChain& c : rename_chains(ctx.stmts)) {
        if (c.column || c.swap_end != 0 || c.replacement || c.taken >= ctx.file.statements.size()) continue;
        const RangeVar* vacated = pg::as<RenameStmt>(ctx.stmts[c.vacated])->relation;
        const RangeVar* taker_rv = pg::as<RenameStmt>(ctx.stmts[c.taken])->relation;
        const StatementFacts& first = ctx.file.statements[c.vacated];
        if (existing_table_lock(first, pg::display_name(vacated)) == nullptr) continue;
        std::string name = pg::display_name(vacated);
        std::string taker = pg::display_name(taker_rv);
        Finding& f = sink.add(ctx.file.statements[c.taken],
                              "this migration renames " + name + " to " + quote_ident(c.moved_to) + " (line " +
                                  std::to_string(first.span.start.line) + ") and then " + taker + " to " +
                                  quote_ident(c.name) + ": running code that names " + name +
                                  " silently reads and writes what was " + taker + "'s, with no error to show it, and "
                                  "code that names " + taker + " fails");
        f.relation = name;
        f.fix = "give " + taker + " a name that no deployed code has used, and reuse " + name +
                " only in a later release, once no running code names it (two migrations of one deploy do not help)";
    }
}

// ALTER TABLE ... SET SCHEMA: the table's name moves to another schema, and code that names it
// as before (qualified, or found through search_path) fails as after a rename; unless a view
// takes the old name later in the file.
void report_moves(const FileContext& ctx, Sink& sink) {
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        const auto* move = pg::as<AlterObjectSchemaStmt>(ctx.stmts[i]);
        if (move == nullptr || (move->objectType != OBJECT_TABLE && move->objectType != OBJECT_SEQUENCE) || move->relation == nullptr ||
            move->newschema == nullptr) {
            continue;
        }
        const StatementFacts& s = ctx.file.statements[i];
        const std::string old_table = pg::display_name(move->relation);
        if (existing_table_lock(s, old_table) == nullptr) continue;
        const QualifiedName from = name_of_range_var(move->relation);
        bool kept = false;
        for (std::size_t j = i + 1; j < ctx.stmts.size() && !kept; ++j) {
            for (const NameEvent& e : events_of(ctx.stmts[j])) {
                kept = kept || ((e.kind == NameEvent::CreateView || e.kind == NameEvent::RenameTable) &&
                                same_name(e.kind == NameEvent::CreateView ? e.from : e.to, from));
            }
        }
        if (kept) continue;
        const std::string moved = quote_ident(pg::text(move->newschema)) + "." + quote_ident(pg::relname(move->relation));
        if (move->objectType == OBJECT_SEQUENCE) {
            // A column DEFAULT nextval('s'::regclass) stores the sequence itself and keeps working;
            // a call that names it (the application's nextval('s'), currval, setval, an ORM's
            // sequence allocation) is looked up by name and fails.
            Finding& f = sink.add(s, "moving sequence " + old_table + " to schema " + quote_ident(pg::text(move->newschema)) +
                                         " (SET SCHEMA) breaks every nextval(), currval() or setval() that names it as before "
                                         "(the application's, an ORM's sequence allocation): \"relation " + old_table +
                                         " does not exist\"; the columns' DEFAULTs keep working, as they store the sequence itself");
            f.relation = old_table;
            f.fix = "deploy code that names " + moved + " first, then move the sequence in a later migration; or keep it where it is";
            continue;
        }
        Finding& f = sink.add(s, "moving " + old_table + " to schema " + quote_ident(pg::text(move->newschema)) +
                                     " (SET SCHEMA) breaks every query that still names " + old_table +
                                     " as before: code deployed before this migration fails until it is replaced, as after a rename");
        f.relation = old_table;
        f.fix = "create a view named " + old_table + " over " + moved +
                " in the same migration, and drop it once no code uses the old name";
    }
}

// ALTER SEQUENCE s RENAME TO t, or ALTER TABLE s RENAME TO t on what the migrations show is a
// sequence: a column DEFAULT nextval('s'::regclass) stores the sequence itself and keeps working
// (PostgreSQL 15: after the rename the default's text reads nextval('t'::regclass)); a call that
// names it (the application's nextval('s'), currval, setval, an ORM's sequence allocation) is
// looked up by name and fails. Quiet when a sequence of this file takes the old name back later.
// True when `i` renames a sequence (reported or not).
bool report_sequence_rename(const FileContext& ctx, std::size_t i, Sink& sink) {
    const auto* rename = pg::as<RenameStmt>(ctx.stmts[i]);
    if (rename == nullptr || rename->relation == nullptr || rename->newname == nullptr ||
        (rename->renameType != OBJECT_SEQUENCE && rename->renameType != OBJECT_TABLE)) {
        return false;
    }
    const StatementFacts& s = ctx.file.statements[i];
    const std::string old_name = pg::display_name(rename->relation);
    const LockFact* lock = lock_on(s, old_name);
    if (rename->renameType == OBJECT_TABLE && (lock == nullptr || lock->kind != "sequence")) return false;
    if (lock == nullptr || lock->is_new) return true;
    const QualifiedName from = name_of_range_var(rename->relation);
    for (std::size_t j = i + 1; j < ctx.stmts.size(); ++j) {
        const auto* later = pg::as<RenameStmt>(ctx.stmts[j]);
        const auto* made = pg::as<CreateSeqStmt>(ctx.stmts[j]);
        if (later != nullptr && later->relation != nullptr && later->newname != nullptr &&
            (later->renameType == OBJECT_SEQUENCE || later->renameType == OBJECT_TABLE) &&
            same_name({name_of_range_var(later->relation).schema, std::string(pg::text(later->newname))}, from)) {
            return true;
        }
        if (made != nullptr && made->sequence != nullptr && same_name(name_of_range_var(made->sequence), from)) return true;
    }
    const std::string new_name = quote_ident(pg::text(rename->newname));
    Finding& f = sink.add(s, "renaming sequence " + old_name + " to " + new_name + " breaks every nextval(), currval() or "
                             "setval() that names it as before (the application's, an ORM's sequence allocation): \"relation " +
                             old_name + " does not exist\"; the columns' DEFAULTs keep working, as they store the sequence itself");
    f.relation = old_name;
    f.fix = "deploy code that names " + new_name + " first, then rename the sequence in a later migration; or keep its name";
    return true;
}

// A copy-and-swap (renamed_aside.hpp): the name stays, so the rename breaks only what the new
// table lacks. In a transaction nothing sees the gap (the copy's time under its locks is
// work-under-held-lock's); outside one, queries meet no table, then a partly filled one.
void report_renamed_aside(const FileContext& ctx, const RenamedAside& swap, const std::string& old_table, Sink& sink) {
    const StatementFacts& s = ctx.file.statements[swap.rename_at];
    const std::string aside = quote_ident(swap.aside.name);
    const std::string copy_line = std::to_string(ctx.file.statements[swap.copy_at].span.start.line);
    const std::string anew = "renaming " + old_table + " to " + aside + " and creating " + old_table + " anew (line " +
                             std::to_string(ctx.file.statements[swap.create_at].span.start.line) + ")";
    if (!swap.lost.privileges.empty()) {
        const bool one = swap.lost.privilege_roles == 1;
        Finding& f = sink.add(s, anew + " leaves the new " + old_table + " without the privileges GRANTs gave " + swap.lost.privileges +
                                     " on the old one (as the migrations show them): privileges stay with the table, not "
                                     "its name, and the new one gets only its owner's and the default privileges, so " +
                                     (one ? "that role's" : "those roles'") + " queries on " + old_table +
                                     " that need them fail with \"permission denied for table\" from the moment it commits");
        f.relation = old_table;
        f.fix = "GRANT the same privileges ON " + old_table + " to the same roles right after the CREATE TABLE, in the same "
                "transaction";
    }
    // Its row-level security, policies and triggers: one finding each, as the drop of a swapped
    // table says them (table_swap.hpp).
    model::LostWithTable rest = swap.lost;
    rest.privileges.clear();
    for (const std::string& clause : rest.clauses("old table")) {
        Finding& f = sink.add(s, anew + " leaves the new " + old_table + " without what the old one had (as the migrations show " +
                                     "it), from the moment it commits: " + clause);
        f.relation = old_table;
        f.fix = "make them again on the new " + old_table + " right after the CREATE TABLE (ENABLE / FORCE ROW LEVEL SECURITY, "
                "CREATE POLICY, CREATE TRIGGER), in the same transaction";
    }
    if (swap.columns_known && !swap.missing.empty()) {
        std::string list;
        for (std::size_t n = 0; n < swap.missing.size(); ++n) list += (n == 0 ? "" : ", ") + quote_ident(swap.missing[n]);
        Finding& f = sink.add(s, "renaming " + old_table + " to " + aside + " and creating " + old_table + " anew (line " +
                                     std::to_string(ctx.file.statements[swap.create_at].span.start.line) + ") without " + list +
                                     ", which the old " + old_table + " had (as the migrations show it): code deployed "
                                     "before this migration that names " + (swap.missing.size() == 1 ? "it" : "them") +
                                     " fails until it is replaced");
        f.relation = old_table;
        f.fix = "keep every column in the new " + old_table + " until no deployed code names the ones to drop, and drop "
                "them in a later migration";
        return;
    }
    const bool in_transaction = s.transaction != Transaction::None && ctx.file.statements[swap.copy_at].transaction != Transaction::None;
    if (swap.columns_known && in_transaction) return;
    std::string message = "renaming " + old_table + " to " + aside + ", creating " + old_table + " anew and copying " + aside +
                          "'s rows into it (line " + copy_line + ") keeps the name " + old_table;
    if (!swap.columns_known) {
        message += ", but pgfence does not know the old " + old_table + "'s columns: code deployed before this migration "
                   "fails if it names one the new " + old_table + " lacks";
    }
    if (!in_transaction) {
        message += std::string(swap.columns_known ? ", but" : "; and") + " outside a transaction: from line " +
                   std::to_string(s.span.start.line) + " to " + copy_line + " queries on " + old_table +
                   " fail (no such table), then find it empty or partly filled for as long as the copy of every row of " +
                   aside + " takes";
    }
    Finding& f = sink.add(s, message);
    f.risk = Risk::Medium;
    f.relation = old_table;
    f.fix = in_transaction ? "check that the new " + old_table + " has every column deployed code names"
                           : "run the rename, the CREATE TABLE and the copy in one transaction (BEGIN ... COMMIT), or have "
                             "the migration tool wrap the file in one";
}

void check(const FileContext& ctx, Sink& sink) {
    report_chains(ctx, sink);
    report_moves(ctx, sink);
    std::vector<bool> sequences(ctx.stmts.size(), false);
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        sequences[i] = report_sequence_rename(ctx, i, sink);
    }
    std::vector<EventAt> events;
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        for (NameEvent& e : events_of(ctx.stmts[i])) events.push_back({i, std::move(e)});
    }
    for (std::size_t at = 0; at < events.size(); ++at) {
        const std::size_t i = events[at].statement;
        const NameEvent& e = events[at].event;
        if (e.kind != NameEvent::RenameTable || sequences[i]) continue;
        const StatementFacts& s = ctx.file.statements[i];
        const RangeVar* rv = table_rename(ctx.stmts[i])->relation;
        const LockFact* renamed = existing_table_lock(s, pg::display_name(rv));
        if (renamed == nullptr) continue;
        // ALTER TABLE naming an index (PostgreSQL accepts it): no view can stand for an index, and
        // a constraint's index is rename-constraint's (a newcomer: `ALTER TABLE t_pkey RENAME`).
        if (renamed->kind == "index") continue;
        QualifiedName other;
        int end = swap_end(events, at, other);
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
        for (const EventAt& other_at : events) {
            const std::size_t j = other_at.statement;
            const NameEvent& o = other_at.event;
            if (j > i && o.kind == NameEvent::CreateView && same_name(o.from, e.from)) kept = true;
            if (j > i && o.kind == NameEvent::RenameTable && same_name(o.to, e.from)) kept = true;
            if (j < i && o.kind == NameEvent::DropView && same_name(o.from, e.to)) kept = true;
            if (j < i && o.kind == NameEvent::RenameTable && same_name(o.from, e.to)) kept = true;
        }
        if (kept) continue;
        std::string old_table = pg::display_name(rv);
        if (auto swap = renamed_aside_from(ctx.stmts, ctx.file.statements, i)) {
            report_renamed_aside(ctx, *swap, old_table, sink);
            continue;
        }
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
