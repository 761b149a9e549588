#include "analyze/model/model.hpp"
#include "analyze/names.hpp"

namespace pgfence::analyze::model {
namespace {

using M = LockMode;

void lock_target(StatementFacts& facts, Context& ctx, const json& rv, M mode, const std::string& reason) {
    lock_range_var(facts, ctx, rv, mode, reason);
    if (rv.value("inh", true)) lock_descendants(facts, ctx, range_var_relname(rv), mode, reason);
}

// Every table of `query` except `target` itself, read under ACCESS SHARE.
void lock_reads(StatementFacts& facts, Context& ctx, const json& node, const std::string& reason) {
    if (!node.is_null()) lock_query_sources(facts, ctx, node, M::AccessShare, reason);
}

// Foreign keys declared in this migration: inserting rows checks the referenced table
// with SELECT ... FOR KEY SHARE (ROW SHARE).
void lock_fk_targets(StatementFacts& facts, Context& ctx, const std::string& table) {
    const RelationInfo* info = ctx.catalog.find(table);
    if (info == nullptr) return;
    for (const auto& ref : std::vector<std::string>(info->references)) {
        if (ref == table) continue;
        const RelationInfo* r = ctx.catalog.find(ref);
        add_lock(facts, ctx, ref, r ? r->display : quote_ident(ref), M::RowShare, "",
                 "foreign key check on each new row (SELECT ... FOR KEY SHARE)");
    }
}

bool has_where(const json& stmt) { return stmt.contains("whereClause"); }

}  // namespace

bool model_dml(const std::string& kind, const json& stmt, StatementFacts& facts, Context& ctx) {
    if (kind == "SelectStmt") {
        facts.tag = stmt.contains("intoClause") ? "SELECT INTO" : "SELECT";
        bool locking = stmt.contains("lockingClause");
        lock_reads(facts, ctx, stmt, "SELECT reads it");
        if (locking) {
            // FOR UPDATE/SHARE: ROW SHARE on the tables whose rows are locked.
            for (const auto& lc : stmt["lockingClause"]) {
                const json& clause = lc.value("LockingClause", json::object());
                if (clause.contains("lockedRels")) {
                    for (const auto& r : clause["lockedRels"]) {
                        if (r.contains("RangeVar")) lock_range_var(facts, ctx, r["RangeVar"], M::RowShare, "SELECT ... FOR UPDATE/SHARE");
                    }
                } else {
                    for (const auto& f : stmt.value("fromClause", json::array())) {
                        if (f.contains("RangeVar")) lock_range_var(facts, ctx, f["RangeVar"], M::RowShare, "SELECT ... FOR UPDATE/SHARE");
                    }
                }
            }
        }
        if (stmt.contains("intoClause")) {
            const json& rv = stmt["intoClause"].value("rel", json::object());
            RelationInfo& info = ctx.catalog.add(range_var_relname(rv), range_var_name(rv), "table");
            info.is_new = true;
            lock_range_var(facts, ctx, rv, M::AccessExclusive, "SELECT INTO: the new table");
        }
        std::string why;
        if (!stmt.contains("fromClause") && expression_is_volatile(stmt.value("targetList", json::array()), why) &&
            why != "nextval()" && why != "setval()") {
            facts.runs_user_code = true;
            facts.notes.push_back("calls " + why + ": locks taken inside functions are not visible to static analysis");
        }
        return true;
    }
    if (kind == "InsertStmt") {
        facts.tag = "INSERT";
        const json& rv = stmt.value("relation", json::object());
        lock_reads(facts, ctx, stmt.value("selectStmt", json()), "INSERT ... SELECT reads it");
        lock_reads(facts, ctx, stmt.value("withClause", json()), "INSERT reads it");
        lock_range_var(facts, ctx, rv, M::RowExclusive, "INSERT writes rows");
        lock_fk_targets(facts, ctx, range_var_relname(rv));
        return true;
    }
    if (kind == "UpdateStmt" || kind == "DeleteStmt") {
        bool update = kind == "UpdateStmt";
        facts.tag = update ? "UPDATE" : "DELETE";
        const json& rv = stmt.value("relation", json::object());
        for (const char* part : {"fromClause", "usingClause", "whereClause", "targetList", "withClause", "returningList"}) {
            lock_reads(facts, ctx, stmt.value(part, json()), facts.tag + " reads it");
        }
        lock_target(facts, ctx, rv, M::RowExclusive, update ? "UPDATE writes rows" : "DELETE removes rows");
        add_scan(facts, range_var_name(rv),
                 has_where(stmt) ? facts.tag + " reads the rows its WHERE selects" : facts.tag + " without WHERE touches every row",
                 !has_where(stmt));
        if (!has_where(stmt)) facts.notes.push_back(facts.tag + " without WHERE affects every row");
        return true;
    }
    if (kind == "MergeStmt") {
        facts.tag = "MERGE";
        lock_reads(facts, ctx, stmt.value("sourceRelation", json()), "MERGE reads its source");
        lock_target(facts, ctx, stmt.value("relation", json::object()), M::RowExclusive, "MERGE writes rows");
        return true;
    }
    if (kind == "CopyStmt") {
        bool from = stmt.value("is_from", false);
        facts.tag = from ? "COPY FROM" : "COPY TO";
        if (stmt.contains("relation")) {
            lock_range_var(facts, ctx, stmt["relation"], from ? M::RowExclusive : M::AccessShare,
                           from ? "COPY FROM writes rows" : "COPY TO reads it");
        }
        lock_reads(facts, ctx, stmt.value("query", json()), "COPY (query) reads it");
        return true;
    }
    if (kind == "LockStmt") {
        facts.tag = "LOCK TABLE";
        int mode = stmt.value("mode", 8);
        if (mode < 1 || mode > 8) return false;
        for (const auto& r : stmt.value("relations", json::array())) {
            if (r.contains("RangeVar")) lock_target(facts, ctx, r["RangeVar"], static_cast<M>(mode), "LOCK TABLE");
        }
        return true;
    }
    return false;
}

}  // namespace pgfence::analyze::model
