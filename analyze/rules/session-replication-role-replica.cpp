#include <cctype>
#include <string>
#include <string_view>

#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

bool writes_rows(const pg::Node* stmt) {
    if (pg::is<InsertStmt>(stmt) || pg::is<UpdateStmt>(stmt) || pg::is<DeleteStmt>(stmt) || pg::is<MergeStmt>(stmt)) {
        return true;
    }
    const CopyStmt* copy = pg::as<CopyStmt>(stmt);
    return copy != nullptr && copy->is_from;
}

bool is_replica(const StatementFacts& s) {
    if (!s.settings->session_replication_role) return false;
    std::string role = *s.settings->session_replication_role;
    for (char& c : role) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return role == "replica";
}

// Once per stretch of the file under replica: at its first statement that writes rows.
void check(const FileContext& ctx, Sink& sink) {
    bool reported = false;
    for (std::size_t i = 0; i < ctx.file.statements.size(); ++i) {
        const StatementFacts& s = ctx.file.statements[i];
        if (!is_replica(s)) {
            reported = false;
            continue;
        }
        if (reported || !writes_rows(ctx.stmts[i])) continue;
        // A foreign key of a table that existed before the migration would check these rows (the
        // lock model's "foreign key ..." locks): without the check they may point at nothing, or
        // rows of the application may be left pointing at the rows deleted (PostgreSQL 15: a
        // DELETE of users under replica leaves orders.user_id pointing at a user that is gone).
        std::string unchecked;
        for (const LockFact& lock : s.locks) {
            if (!lock.is_new && lock.reason.starts_with("foreign key ")) {
                const std::string_view rest = std::string_view(lock.reason).substr(12);
                unchecked = std::string(rest.substr(0, rest.find(':')));
                break;
            }
        }
        Finding& f = sink.add(s, "session_replication_role is replica: the rows this " + s.tag +
                                     " writes are not checked against foreign keys, and no ordinary trigger fires "
                                     "(audit, updated_at, denormalised counters)" +
                                     (unchecked.empty() ? std::string()
                                                        : ": foreign key " + unchecked + " of an existing table is not "
                                                          "checked, so rows may be left pointing at rows that do not exist"));
        if (!unchecked.empty()) f.risk = Risk::High;
        f.fix = "write the rows with session_replication_role at its default (`RESET session_replication_role;` "
                "before line " + std::to_string(s.span.start.line) +
                "), or check the foreign keys afterwards (a query for orphaned rows)";
        reported = true;
    }
}

}  // namespace

PGFENCE_RULE(session_replication_role_replica) {
    return Rule{"session-replication-role-replica", Risk::Medium,
                "rows written under session_replication_role = replica skip foreign-key checks and triggers", nullptr,
                check, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
