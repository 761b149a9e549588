// A session-level SET (not SET LOCAL) of a setting that changes what later statements do, still in
// force where the migration file ends. Migration tools run the files of one deploy on one
// connection (golang-migrate's database/postgres driver keeps one *sql.Conn; Flyway, sqlx-cli,
// node-pg-migrate, ActiveRecord, Django and Alembic one connection each), so the setting carries
// into every later migration of the run, which pgfence judged from a fresh session (red team R68
// B16, PostgreSQL 15: after a file that only sets session_replication_role = replica, the next
// file's DELETE FROM users leaves orders pointing at a user that is gone, and its INSERT of an
// order for a user that never existed succeeds).
//   session_replication_role = replica: no foreign-key check or ordinary trigger fires for the
//     later migrations' writes: HIGH.
//   search_path naming a schema: the later migrations' unqualified names resolve, and their
//     objects are created, in that schema: HIGH. search_path = '' (pg_dump's preamble): their
//     unqualified names fail, so the deploy stops part-way: MEDIUM.
// A transaction rolled back undoes the SETs made in it; RESET, SET ... TO DEFAULT, RESET ALL and
// DISCARD ALL end them.
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "analyze/base/ascii.hpp"
#include "analyze/parse/set_config.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

struct Carried {
    std::size_t at = 0;  // the statement that set it
    std::string value;   // as SHOW would show it ("billing, public")
};
using CarriedSet = std::map<std::string, Carried>;  // by setting name

bool followed(std::string_view name) { return name == "session_replication_role" || name == "search_path"; }

// "a, b" of a SET's arguments: names and strings as written, numbers as digits.
std::string value_of(const VariableSetStmt* set) {
    std::string out;
    for (const pg::Node* arg : pg::each(set->args)) {
        const auto* c = pg::as<A_Const>(arg);
        if (c == nullptr || c->isnull) return "?";
        if (!out.empty()) out += ", ";
        if (c->val.node.type == T_String) out += pg::text(c->val.sval.sval);
        else if (c->val.node.type == T_Integer) out += std::to_string(c->val.ival.ival);
        else return "?";
    }
    return out;
}

// search_path's default, however spaced or quoted: "$user", public.
bool default_search_path(std::string value) {
    std::string bare;
    for (char c : lowered(value)) {
        if (c != ' ' && c != '"') bare += c;
    }
    // `public` alone differs only where a schema is named after the role: not what breaks a deploy.
    return bare == "$user,public" || bare == "public";
}

void apply(const pg::Node* stmt, std::size_t at, CarriedSet& now, std::optional<CarriedSet>& at_begin) {
    if (const auto* tx = pg::as<TransactionStmt>(stmt)) {
        if (tx->kind == TRANS_STMT_BEGIN || tx->kind == TRANS_STMT_START) at_begin = now;
        if (tx->kind == TRANS_STMT_COMMIT || tx->kind == TRANS_STMT_PREPARE) at_begin.reset();
        if (tx->kind == TRANS_STMT_ROLLBACK && at_begin) {
            now = *at_begin;
            at_begin.reset();
        }
        return;
    }
    if (const auto* discard = pg::as<DiscardStmt>(stmt)) {
        if (discard->target == DISCARD_ALL) now.clear();
        return;
    }
    if (const auto* set = pg::as<VariableSetStmt>(stmt)) {
        if (set->kind == VAR_RESET_ALL) {
            now.clear();
            return;
        }
        const std::string name = lowered(pg::text(set->name));
        if (!followed(name) || set->is_local) return;
        if (set->kind == VAR_SET_VALUE) {
            now.insert_or_assign(name, Carried{at, value_of(set)});
        } else if (set->kind == VAR_RESET || set->kind == VAR_SET_DEFAULT) {
            now.erase(name);
        }
        return;
    }
    for (const SetConfig& call : read_set_configs(stmt)) {
        if (!followed(call.name) || !call.is_local || *call.is_local) continue;
        if (call.reset) now.erase(call.name);
        else if (call.value) now.insert_or_assign(call.name, Carried{at, *call.value});
    }
}

void check(const FileContext& ctx, Sink& sink) {
    CarriedSet now;
    std::optional<CarriedSet> at_begin;
    const std::size_t n = std::min(ctx.stmts.size(), ctx.file.statements.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (ctx.stmts[i] != nullptr) apply(ctx.stmts[i], i, now, at_begin);
    }
    // A file that ends inside a transaction it began: the tool commits it (or fails), so what it
    // set stands.
    for (const auto& [name, carried] : now) {
        const StatementFacts& s = ctx.file.statements[carried.at];
        std::string consequence;
        Risk risk = Risk::High;
        if (name == "session_replication_role") {
            if (lowered(carried.value) != "replica") continue;
            consequence = "no foreign-key check or ordinary trigger fires for what those migrations write, so they can leave "
                          "rows pointing at rows that do not exist";
        } else {
            if (default_search_path(carried.value)) continue;
            if (carried.value.empty() || carried.value == "''") {
                risk = Risk::Medium;
                consequence = "their unqualified names resolve nowhere, so the first of them that names a table fails and "
                              "the deploy stops part-way";
            } else {
                consequence = "their unqualified names resolve in " + carried.value.substr(0, 80) +
                              " and the tables and indexes they create land there, not where they were reviewed";
            }
        }
        Finding& f = sink.add(s, name + " = " + (carried.value.empty() ? std::string("''") : carried.value.substr(0, 80)) +
                                     " is set for the session and still in force where this migration ends: the "
                                     "migration tool runs the later migrations of the same deploy on the same connection"
                                     ": " + consequence);
        f.risk = risk;
        // SET LOCAL lasts for a transaction: outside one (a file the tool runs without one) it does nothing.
        f.fix = s.transaction == Transaction::None
                    ? "put `RESET " + name + ";` at the end of the file (outside a transaction SET LOCAL does nothing)"
                    : "set it for this migration's transaction only (SET LOCAL " + name + " = ...), or put `RESET " + name +
                          ";` at the end of the file";
    }
}

}  // namespace

PGFENCE_RULE(session_setting_outlives_migration) {
    return Rule{"session-setting-outlives-migration", Risk::High,
                "a session-level SET of session_replication_role or search_path carries into the later migrations of the deploy",
                nullptr, check, true, "transactions"};
}

}  // namespace pgfence::analyze::rules
