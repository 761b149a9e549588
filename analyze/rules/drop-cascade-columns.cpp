// DROP TYPE / DOMAIN / EXTENSION ... CASCADE: PostgreSQL drops every column whose type depends on
// the dropped object, with its data, without the statement naming any of them. A rule of its own,
// not drop-column's: drop-column is MEDIUM for a column the migration names (the review sees it);
// here the columns are named nowhere, and a team that accepts DROP COLUMN still needs to see them.
#include <map>
#include <vector>

#include "analyze/model/cascade_note.hpp"
#include "analyze/model/extension_types.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/cascade_objects.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/file_syntax_index.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

// Was extension `name` created by an earlier statement of this file? Nothing existing uses it then.
// The file's CREATE EXTENSIONs are read once (file_syntax_index.hpp).
bool extension_created_earlier(const StatementContext& ctx, const std::string& name) {
    const auto& created = per_file_syntax<std::map<std::string, int>>(ctx, [](std::map<std::string, int>& out, const auto& stmts) {
        for (std::size_t i = 0; i < stmts.size(); ++i) {
            const auto* create = pg::as<CreateExtensionStmt>(stmts[i]);
            if (create != nullptr && create->extname != nullptr) out.try_emplace(std::string(pg::text(create->extname)), static_cast<int>(i));
        }
    });
    auto at = created.find(name);
    return at != created.end() && at->second < ctx.statement.index;
}

void check(const StatementContext& ctx, Sink& sink) {
    check_untracked_cascade(ctx, sink);
    const auto* stmt = ctx.as<DropStmt>();
    if (stmt == nullptr || stmt->behavior != DROP_CASCADE) return;
    const ObjectType type = stmt->removeType;
    if (type != OBJECT_TYPE && type != OBJECT_DOMAIN && type != OBJECT_EXTENSION) return;
    const std::string what = type == OBJECT_TYPE ? "DROP TYPE" : type == OBJECT_DOMAIN ? "DROP DOMAIN" : "DROP EXTENSION";
    // The columns of tables that existed before the migration ("users.mood (mood)"), and the types
    // whose columns are not known (the lock model's notes, analyze/cascade_note.hpp).
    std::vector<std::string> dropped;
    std::vector<std::string> unknown;
    for (const std::string& note : ctx.statement.notes) {
        if (std::string_view shown = after_prefix(note, k_cascade_column_note); !shown.empty()) dropped.emplace_back(shown);
        if (std::string_view of = after_prefix(note, k_cascade_unknown_note); !of.empty()) unknown.emplace_back(of);
    }
    if (!dropped.empty()) {
        std::string listed;
        for (std::size_t i = 0; i < dropped.size() && i < 8; ++i) listed += (i == 0 ? "" : ", ") + dropped[i];
        if (dropped.size() > 8) listed += " and " + std::to_string(dropped.size() - 8) + " more";
        const bool one = dropped.size() == 1;
        Finding& f = sink.add(ctx.statement,
                              what + " ... CASCADE drops " + (one ? "column " : "the columns ") + listed +
                                  (one ? " with all its data" : " with all their data") +
                                  ", though the statement names none of them: running code that "
                                  "reads or writes " + (one ? "it" : "them") +
                                  " fails from the moment it commits, and views that use " + (one ? "it" : "them") +
                                  " are dropped too");
        f.risk = Risk::Critical;
        f.fix = "change or drop each column explicitly first (ALTER TABLE ... ALTER COLUMN ... TYPE, or DROP COLUMN once "
                "no code uses it), then drop the " +
                std::string(type == OBJECT_EXTENSION ? "extension" : type == OBJECT_DOMAIN ? "domain" : "type") +
                " without CASCADE: it then fails instead of deleting data if anything still uses it";
        return;
    }
    for (const std::string& shown : unknown) {
        if (type == OBJECT_EXTENSION) {
            // "extension <name>": skipped when this file made it.
            bool made_here = false;
            for (const pg::Node* o : pg::each(stmt->objects)) {
                std::string name(pg::text(o));
                made_here = made_here || ("extension " + quote_ident(name) == shown && extension_created_earlier(ctx, name));
            }
            if (made_here) continue;
        }
        const bool extension = type == OBJECT_EXTENSION;
        Finding& f = sink.add(
            ctx.statement,
            what + " ... CASCADE drops every column of " + (extension ? "a type " + shown + " provides" : "type " + shown) +
                " in every table, with its data, and whatever else depends on it: which columns is not known here (" +
                (extension ? "pgfence does not know the types it provides"
                           : "the migrations and schema pgfence read do not create it") +
                "; give the schema with --schema or the earlier migrations with --history)");
        f.fix = "drop it without CASCADE: PostgreSQL then refuses while any column or object still depends on it, "
                "instead of deleting the data";
    }
    if (type != OBJECT_EXTENSION || !unknown.empty()) return;
    // A known extension whose types no known column uses: what else depends on it is not known.
    for (const pg::Node* o : pg::each(stmt->objects)) {
        std::string name(pg::text(o));
        if (name.empty() || extension_created_earlier(ctx, name)) continue;
        std::string types;
        for (std::string_view t : extension_types(name)) types += (types.empty() ? "" : ", ") + std::string(t);
        Finding& f = sink.add(ctx.statement,
                              "DROP EXTENSION " + quote_ident(name) + " CASCADE drops every column of its types (" + types +
                                  ") and every index, view and function that uses them: no table pgfence knows has such a "
                                  "column, but whether others do is not known here");
        f.fix = "drop it without CASCADE: PostgreSQL then refuses while any column or object still depends on it, "
                "instead of deleting the data";
    }
}

}  // namespace

PGFENCE_RULE(drop_cascade_columns) {
    return Rule{"drop-cascade-columns", Risk::High,
                "DROP ... CASCADE drops what depends on the object (columns with their data, defaults, foreign keys, views) unnamed", check,
                nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
