// A child table by inheritance under a table that existed before the migration:
// `CREATE TABLE c (...) INHERITS (parent)` or `ALTER TABLE c INHERIT parent`. PostgreSQL's queries
// on a table read its inheritance children too unless they say ONLY (src/backend/optimizer/util/
// inherit.c expand_inherited_rtentry; "Inheritance" in the DDL docs), and UPDATE and DELETE on it
// reach the children's rows: every query of the application on the parent returns the child's
// rows from the moment it commits (red team h1 T_INHERITDUP, PostgreSQL 15: orders copied into a new
// child, and the application's SELECT count(*), sum(total) FROM orders went from 2|30 to 4|60, its
// DELETE FROM orders WHERE id = 1 deleted 2 rows). Partitions (PARTITION OF) are not this rule's.
// HIGH for a child with rows: an existing table made a child (ALTER TABLE ... INHERIT), or a new
// one the file fills (INSERT, COPY FROM); MEDIUM for a new, empty child, whose rows the parent's
// queries return as soon as anything writes it.
#include <set>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The tables the file's statements write rows into (INSERT, COPY ... FROM), by relname: read once
// per file, so a file of many children stays linear.
std::set<std::string> filled_in_file(const FileContext& ctx) {
    std::set<std::string> out;
    for (const pg::Node* stmt : ctx.stmts) {
        if (const auto* insert = pg::as<InsertStmt>(stmt); insert != nullptr && insert->relation != nullptr) {
            out.emplace(pg::relname(insert->relation));
        }
        if (const auto* copy = pg::as<CopyStmt>(stmt); copy != nullptr && copy->is_from && copy->relation != nullptr) {
            out.emplace(pg::relname(copy->relation));
        }
    }
    return out;
}

void report(const std::set<std::string>& filled, Sink& sink, const StatementFacts& s, const RangeVar* child, const RangeVar* parent,
            bool child_exists) {
    const std::string p = pg::display_name(parent);
    if (operation::existing(s, p) == nullptr) return;  // a parent this migration made: nobody queries it yet
    const std::string c = pg::display_name(child);
    const bool rows = child_exists || filled.count(std::string(pg::relname(child))) > 0;
    std::string message = c + " becomes an inheritance child of " + p + ": every query of the application on " + p +
                          " (without ONLY) now returns " + c + "'s rows too, and its UPDATE and DELETE on " + p + " reach them";
    message += child_exists ? std::string(", from the moment it commits (") + c + " is an existing table, with its rows)"
               : rows       ? std::string("; this migration writes rows into ") + c + ", so the application's results change at once"
                            : std::string("; ") + c + " is new and empty, so they change as soon as anything writes it";
    Finding& f = sink.add(s, message);
    if (!rows) f.risk = Risk::Medium;
    f.relation = p;
    f.fix = "keep archive or copy tables out of the hierarchy (CREATE TABLE ... (LIKE " + p +
            " INCLUDING ALL), no INHERITS); if a child is meant, deploy code that reads FROM ONLY " + p + " first";
}

void check(const FileContext& ctx, Sink& sink) {
    const std::set<std::string> filled = filled_in_file(ctx);
    for (std::size_t i = 0; i < ctx.file.statements.size() && i < ctx.stmts.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (const auto* create = pg::as<CreateStmt>(ctx.stmts[i]); create != nullptr && create->partbound == nullptr && create->relation != nullptr) {
            for (const RangeVar* parent : pg::each<RangeVar>(create->inhRelations)) report(filled, sink, s, create->relation, parent, false);
            continue;
        }
        const auto* alter = pg::as<AlterTableStmt>(ctx.stmts[i]);
        if (alter == nullptr || alter->relation == nullptr) continue;
        for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
            const auto* parent = pg::as<RangeVar>(cmd->def);
            if (cmd->subtype != AT_AddInherit || parent == nullptr) continue;
            const bool exists = operation::existing(s, pg::display_name(alter->relation)) != nullptr;
            report(filled, sink, s, alter->relation, parent, exists);
        }
    }
}

}  // namespace

PGFENCE_RULE(inherit_adds_rows) {
    return Rule{"inherit-adds-rows", Risk::High,
                "A table made an inheritance child of a table in use: the application's queries on the parent return the child's rows too",
                nullptr, check, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
