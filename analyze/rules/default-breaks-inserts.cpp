// A new default the application's inserts get that they cannot store, on objects the migration
// did not create:
// - ALTER TABLE t ALTER COLUMN c SET DEFAULT <expr> where c is t's primary key or a unique index's
//   only key (as the migrations show it) and <expr> is not a generator of fresh values for it:
//   every INSERT that leaves c out gets the same value (SET DEFAULT 1, -1: the second one fails
//   "duplicate key value violates unique constraint"), or another sequence's values, which the
//   table's keys already hold (nextval of another table's sequence), or currval (the same value
//   again, or an error when the session has not called nextval). Checked on PostgreSQL 15: after
//   SET DEFAULT 1 on a bigserial key, the next INSERT without the key fails with a duplicate key.
//   Generators: nextval() of the column's own sequence (its serial's or identity's, or one the
//   table's defaults called as the migrations show), gen_random_uuid(), uuid_generate_v1(),
//   uuid_generate_v1mc(), uuid_generate_v4(), uuidv4(), uuidv7(); and nextval() of a sequence
//   the file creates and sets from the table with a computed setval.
// - ALTER TABLE t ALTER COLUMN c SET DEFAULT <expr> where c is not a key: HIGH when <expr>
//   divides by the literal zero or c is of a domain with constraints (plain_default below), MEDIUM
//   when it is not made of constants, arithmetic and known safe built-ins.
// - ALTER DOMAIN d SET DEFAULT / DROP DEFAULT on a domain the file did not create: every column
//   of the domain without a default of its own takes it on each INSERT that leaves it out;
//   pgfence does not evaluate the domain's CHECK, and when it rejects the new default every such
//   INSERT fails (checked on PostgreSQL 15: ALTER DOMAIN posint SET DEFAULT 0 on a domain with
//   CHECK (VALUE > 0), then INSERT leaving the column out fails "value for domain posint violates
//   check constraint"); with DROP DEFAULT the inserts store NULL, or fail on a NOT NULL domain.
// - ADD COLUMN ... DEFAULT <constant> or SET DEFAULT <constant> that a CHECK of the table, as the
//   migrations show it, rejects (evaluated on the constant: model/check_constraints.hpp), also on
//   a table the file made: every INSERT that leaves the column out fails (rejected_default).
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/model/check_constraints.hpp"
#include "analyze/model/integrity_note.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

constexpr std::size_t k_look = 2000;

const pg::Node* uncast(const pg::Node* node) {
    while (const auto* cast = pg::as<TypeCast>(node)) node = cast->arg;
    return node;
}

// The sequence nextval('s') names, unqualified and unquoted ("" when the call is another).
std::string nextval_sequence(const FuncCall* call) {
    if (call == nullptr || pg::last_name(call->funcname) != "nextval" || pg::length(call->args) != 1) return {};
    const auto* name = pg::as<A_Const>(uncast(pg::nth(call->args, 0)));
    if (name == nullptr || name->isnull || name->val.node.type != T_String) return {};
    std::string text(pg::text(name->val.sval.sval));
    if (const auto dot = text.rfind('.'); dot != std::string::npos) text = text.substr(dot + 1);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    return text;
}

// Does the file create `sequence` before this statement and set it with a computed setval()
// (SELECT setval('s', (SELECT max(id) FROM t)))?
bool set_from_table(const StatementContext& ctx, const std::string& sequence) {
    if (ctx.stmts == nullptr) return false;
    bool created = false;
    bool set = false;
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    for (std::size_t i = at > k_look ? at - k_look : 0; i < ctx.stmts->size() && i <= at + k_look; ++i) {
        const pg::Node* node = (*ctx.stmts)[i];
        if (const auto* seq = pg::as<CreateSeqStmt>(node); seq != nullptr && i < at && pg::relname(seq->sequence) == sequence) {
            created = true;
        }
        const auto* select = pg::as<SelectStmt>(node);
        if (select == nullptr) continue;
        for (const ResTarget* target : pg::each<ResTarget>(select->targetList)) {
            const auto* call = pg::as<FuncCall>(uncast(target->val));
            if (call == nullptr || pg::last_name(call->funcname) != "setval" || pg::length(call->args) < 2) continue;
            const auto* name = pg::as<A_Const>(uncast(pg::nth(call->args, 0)));
            if (name == nullptr || name->isnull || name->val.node.type != T_String) continue;
            std::string text(pg::text(name->val.sval.sval));
            if (const auto dot = text.rfind('.'); dot != std::string::npos) text = text.substr(dot + 1);
            if (text == sequence && pg::as<A_Const>(uncast(pg::nth(call->args, 1))) == nullptr) set = true;
        }
    }
    return created && set;
}

// Is the default a generator of values not in the key yet? "" when it is, else what it is.
std::string not_a_generator(const StatementContext& ctx, const pg::Node* expr, const KeyDefault& key) {
    const auto* call = pg::as<FuncCall>(uncast(expr));
    if (call == nullptr) {
        return pg::as<A_Const>(uncast(expr)) != nullptr ? "a constant, the same value for every row"
                                                        : "an expression pgfence does not know to give a fresh value each time";
    }
    const std::string_view fn = pg::last_name(call->funcname);
    if ((fn == "gen_random_uuid" || fn == "uuid_generate_v1" || fn == "uuid_generate_v1mc" || fn == "uuid_generate_v4" ||
         fn == "uuidv4" || fn == "uuidv7") &&
        pg::length(call->args) == 0) {
        return {};
    }
    const std::string seq = nextval_sequence(call);
    if (!seq.empty()) {
        for (const auto& own : key.sequences) {
            if (own == seq) return {};
        }
        if (set_from_table(ctx, seq)) return {};
        return "nextval() of " + quote_ident(seq) + ", which is not the column's own sequence as the migrations show "
               "it: its values may be keys the table holds already";
    }
    if (fn == "currval" || fn == "lastval") return std::string(fn) + "(), the value the session took last";
    return std::string(fn) + "(), which pgfence does not know to give a fresh value each time";
}

// Functions a default may call that give a value for any row and raise no error on their own
// (PostgreSQL's built-ins, src/include/catalog/pg_proc.dat): time, identity and random values.
bool known_safe_function(std::string_view fn) {
    static constexpr std::string_view k_safe[] = {
        "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday", "gen_random_uuid",
        "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7", "random", "nextval",
        "current_setting", "txid_current", "pg_current_xact_id", "current_user", "session_user", "current_database",
        "current_schema", "inet_client_addr", "pg_backend_pid", "array", "jsonb_build_object", "json_build_object",
        "jsonb_build_array", "json_build_array", "to_jsonb", "to_json", "date_trunc", "timezone", "md5", "lower", "upper",
        "concat", "coalesce", "make_interval"};
    for (const auto safe : k_safe) {
        if (fn == safe) return true;
    }
    return false;
}

// current_setting(name, missing_ok) with missing_ok not literally false: NULL when the setting is
// absent from the session (guc.c GetConfigOptionByName: "if missing_ok, return NULL").
bool null_when_missing(const FuncCall* call) {
    if (pg::last_name(call->funcname) != "current_setting" || pg::length(call->args) != 2) return false;
    const auto* flag = pg::as<A_Const>(uncast(pg::nth(call->args, 1)));
    return !(flag != nullptr && !flag->isnull && flag->val.node.type == T_Boolean && !flag->val.boolval.boolval);
}

// What a non-key column's new default does to the application's inserts: "error" when it
// fails for every row (a division by the literal zero), "unknown" when pgfence cannot evaluate
// it, "null" when it is NULL in a session that lacks a setting (current_setting(x, true)), ""
// when it is made of constants, known safe functions and arithmetic (allowlist).
std::string default_fails(const pg::Node* node, int depth = 0) {
    if (node == nullptr) return {};
    if (depth > 100) return "unknown";
    if (pg::is<A_Const>(node) || pg::is<SQLValueFunction>(node)) return {};
    if (const auto* cast = pg::as<TypeCast>(node)) return default_fails(cast->arg, depth + 1);
    std::string null;  // "null" once a part may be NULL; "error" and "unknown" win over it
    const auto fold = [&](const pg::Node* part) {
        std::string why = default_fails(part, depth + 1);
        if (why == "null") null = why;
        return why == "null" ? std::string() : why;
    };
    if (const auto* list = pg::as<A_ArrayExpr>(node)) {
        for (const pg::Node* item : pg::each(list->elements)) {
            if (std::string why = default_fails(item, depth + 1); !why.empty() && why != "null") return why;
        }
        return {};
    }
    if (const auto* co = pg::as<CoalesceExpr>(node)) {
        for (const pg::Node* arg : pg::each(co->args)) {
            if (std::string why = fold(arg); !why.empty()) return why;
        }
        // COALESCE(..., 'eu'): a constant last argument is never NULL.
        const auto* last = pg::as<A_Const>(uncast(pg::last(co->args)));
        if (last != nullptr && !last->isnull) null.clear();
        return null;
    }
    if (const auto* call = pg::as<FuncCall>(node)) {
        if (!known_safe_function(pg::last_name(call->funcname))) return "unknown";
        for (const pg::Node* arg : pg::each(call->args)) {
            if (std::string why = fold(arg); !why.empty()) return why;
        }
        return null_when_missing(call) ? std::string("null") : null;
    }
    const auto* e = pg::as<A_Expr>(node);
    if (e == nullptr || e->kind != AEXPR_OP) return "unknown";
    const std::string_view op = pg::last_name(e->name);
    if (op == "/" || op == "%") {
        const auto* zero = pg::as<A_Const>(uncast(e->rexpr));
        if (zero != nullptr && !zero->isnull &&
            ((zero->val.node.type == T_Integer && zero->val.ival.ival == 0) ||
             (zero->val.node.type == T_Float && std::strtod(zero->val.fval.fval, nullptr) == 0.0))) {
            return "error";
        }
    } else if (op != "+" && op != "-" && op != "*" && op != "||") {
        return "unknown";
    }
    for (const pg::Node* side : {e->lexpr, e->rexpr}) {
        if (std::string why = fold(side); !why.empty()) return why;
    }
    return null;
}

// SET DEFAULT on a column that is not a key: a default the inserts that leave the column out
// cannot evaluate (1/0: "division by zero" on every such insert, checked on PostgreSQL 15 with
// ALTER TABLE users ALTER COLUMN balance SET DEFAULT 1/0) or cannot store (a column of a domain
// with constraints, which pgfence does not evaluate: SET DEFAULT 0 on a posint column fails "value
// for domain posint violates check constraint" on every such insert, checked likewise). An
// expression pgfence cannot evaluate (a function it does not know) is MEDIUM: it may raise.
void plain_default(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter, const AlterTableCmd* cmd,
                   const std::string& table, const std::string& column) {
    const auto* constant = pg::as<A_Const>(uncast(cmd->def));
    if (constant != nullptr && constant->isnull) return;  // SET DEFAULT NULL: drop-column-default
    const std::string domain = read_domain_default_note(ctx.statement, table, column);
    const std::string fails = default_fails(cmd->def);
    bool foreign = false;
    const std::vector<std::string> targets = read_default_target_notes(ctx.statement, table, column);
    const auto target = [&](std::string_view head) -> std::string {
        for (const std::string& t : targets) {
            if (t.starts_with(head)) return t;
        }
        return {};
    };
    std::string message;
    bool medium = false;
    if (fails == "null" && domain.empty()) {
        // NULL in a session without the setting: a NOT NULL column refuses it; a nullable one stores it.
        const bool not_null = !target("the column is NOT NULL").empty();
        if (!not_null && !target("the column may be NULL").empty()) return;
        message = "SET DEFAULT on " + table + "." + column + ": current_setting(name, true) is NULL in a session that has "
                  "not set it (the application's, unless it sets it on every connection), so every INSERT of the application "
                  "that leaves " + column + " out gets NULL, and " +
                  (not_null ? "the column is NOT NULL, as the migrations show it: each fails \"null value in column violates "
                              "not-null constraint\""
                            : "pgfence does not know the column: when it is NOT NULL each fails \"null value in column violates "
                              "not-null constraint\"");
        medium = !not_null;
    } else if (const std::string fk = target("in foreign key "); !fk.empty() && fails.empty() && domain.empty() &&
                                                                   pg::as<A_Const>(uncast(cmd->def)) != nullptr) {
        // A constant on a foreign key's column: every insert that leaves it out references that key,
        // which the referenced table must hold; pgfence does not see its rows.
        message = "SET DEFAULT on " + table + "." + column + ", a column of " + fk.substr(3) + ": every INSERT of the application that "
                  "leaves " + column + " out references the new default, and unless the referenced table holds a row with that "
                  "key (pgfence does not see its rows) each fails \"violates foreign key constraint\"";
        medium = true;
        foreign = true;
    } else if (fails == "error") {
        message = "SET DEFAULT on " + table + "." + column + ": the new default divides by zero, so every INSERT of the "
                  "application that leaves " + column + " out fails \"division by zero\"";
    } else if (!domain.empty()) {
        message = "SET DEFAULT on " + table + "." + column + ", a column of domain " + domain + " with constraints: pgfence "
                  "does not check the new default against them, and when one rejects it every INSERT of the application "
                  "that leaves " + column + " out fails \"value for domain violates check constraint\"";
    } else if (fails == "unknown") {
        message = "SET DEFAULT on " + table + "." + column + ": pgfence cannot evaluate the new default; if it raises or "
                  "cannot be stored in the column, every INSERT of the application that leaves " + column + " out fails";
    } else {
        return;
    }
    Finding& f = sink.add(ctx.statement, message + ", with no lock to show it");
    if (medium || (fails == "unknown" && domain.empty())) f.risk = Risk::Medium;
    f.relation = table;
    f.subcommand = pg::index_of(alter->cmds, cmd);
    f.fix = fails == "null" ? "give current_setting() a fallback (coalesce(current_setting('...', true), '<value>')), or "
                              "call it without missing_ok so a session that lacks the setting fails loudly"
                  : foreign ? "make sure the referenced row exists before the default does (insert it earlier in this migration), "
                              "or leave the column without a default and have the application write it"
                            : "check the new default first (SELECT <default>::<column type>) on a copy of the schema";
}

// A constant default that a CHECK of the table rejects (the model's note, evaluated on the
// constant: model/check_constraints.hpp): every INSERT that leaves the column out fails "new row
// for relation violates check constraint" (PostgreSQL 15: SET DEFAULT -1 with CHECK (s >= 0),
// then INSERT without s). ADD COLUMN ... DEFAULT gives the default to every existing row too, so
// on a table with rows the statement itself fails. True when it reported.
bool rejected_default(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter, const AlterTableCmd* cmd,
                      const std::string& table) {
    const auto* def = pg::as<ColumnDef>(cmd->def);
    const bool add = cmd->subtype == AT_AddColumn && def != nullptr;
    if (!add && (cmd->subtype != AT_ColumnDefault || cmd->def == nullptr || cmd->name == nullptr)) return false;
    const std::string column = quote_ident(pg::text(add ? def->colname : cmd->name));
    const std::string head = std::string(model::k_default_rejected_note) + column + " ";
    for (const std::string& note : ctx.statement.notes) {
        const std::size_t colon = note.rfind(": ");
        if (!note.starts_with(head) || colon == std::string::npos || colon < head.size()) continue;
        const std::string value = note.substr(head.size(), colon - head.size());
        std::string check = note.substr(colon + 2);
        const bool not_valid = check.ends_with(model::k_not_valid);
        if (not_valid) check.resize(check.size() - model::k_not_valid.size());
        Finding& f = sink.add(ctx.statement,
                              std::string(add ? "ADD COLUMN " : "SET DEFAULT on ") + (add ? column + " of " + table : table + "." + column) +
                                  ": CHECK " + check + " rejects the default " + value + ", so every INSERT of the application "
                                  "that leaves " + column + " out fails \"violates check constraint\"" +
                                  (!add ? std::string(", with no lock to show it")
                                   : not_valid ? " (the existing rows get it too, unchecked: the CHECK is NOT VALID)"
                                               : " (and on a table with rows the ALTER itself fails: each existing row gets the default)"));
        f.relation = table;
        f.subcommand = pg::index_of(alter->cmds, cmd);
        f.fix = "give " + column + " a default that CHECK " + check + " accepts, or change the CHECK first";
        return true;
    }
    return false;
}

void key_default(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter) {
    if (alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (rejected_default(ctx, sink, alter, cmd, table) || lock->is_new) continue;
        if (cmd->subtype != AT_ColumnDefault || cmd->def == nullptr || cmd->name == nullptr) continue;
        const std::string column = quote_ident(pg::text(cmd->name));
        const std::optional<KeyDefault> key = read_key_default_note(ctx.statement, table, column);
        if (!key) {
            plain_default(ctx, sink, alter, cmd, table, column);
            continue;
        }
        const std::string what = not_a_generator(ctx, cmd->def, *key);
        if (what.empty()) continue;
        const bool constant = what.starts_with("a constant");
        Finding& f = sink.add(ctx.statement, "SET DEFAULT on " + table + "." + column + ", its " + key->kind +
                                                 (key->kind == "unique" ? " key" : "") + ": the new default is " + what +
                                                 ", so the application's INSERTs that leave " + column + " out fail "
                                                 "\"duplicate key value violates unique constraint\"" +
                                                 (constant ? " (every one after the first)" : "") + ", with no lock to show it");
        f.relation = table;
        f.subcommand = pg::index_of(alter->cmds, cmd);
        f.fix = "keep the key's generator: nextval() of its own sequence, or gen_random_uuid() for a uuid key";
    }
}

// Made in the file before this statement.
bool domain_made_here(const StatementContext& ctx, const std::string& domain) {
    if (ctx.stmts == nullptr) return false;
    const std::size_t at = static_cast<std::size_t>(ctx.statement.index);
    for (std::size_t i = at > k_look ? at - k_look : 0; i < at && i < ctx.stmts->size(); ++i) {
        const auto* create = pg::as<CreateDomainStmt>((*ctx.stmts)[i]);
        if (create != nullptr && leading_names(create->domainname, pg::length(create->domainname)) == domain) return true;
    }
    return false;
}

void domain_default(const StatementContext& ctx, Sink& sink, const AlterDomainStmt* domain) {
    const std::string name = leading_names(domain->typeName, pg::length(domain->typeName));
    if (domain_made_here(ctx, name)) return;
    const pg::Node* value = uncast(domain->def);
    const auto* constant = pg::as<A_Const>(value);
    std::string message;
    if (domain->def == nullptr || (constant != nullptr && constant->isnull)) {
        message = "ALTER DOMAIN " + name + " DROP DEFAULT: every column of domain " + name + " without a default of its "
                  "own no longer gets one, so the application's INSERTs that leave it out store NULL there, or fail when "
                  "the domain is NOT NULL";
    } else {
        message = "ALTER DOMAIN " + name + " SET DEFAULT: every column of domain " + name + " without a default of its own "
                  "takes the new default on each INSERT of the application that leaves it out; pgfence does not check it "
                  "against the domain's CHECK constraints, and when one rejects it every such INSERT fails \"value for "
                  "domain violates check constraint\"";
    }
    Finding& f = sink.add(ctx.statement, message + ", with no lock to show it");
    const bool dropped = domain->def == nullptr || (constant != nullptr && constant->isnull);
    if (dropped) {
        f.fix = "keep the domain's default, or give the columns that use it their own defaults first";
        return;
    }
    f.fix = "check the new default against the domain's constraints (SELECT <default>::" + name + ") and the columns that use "
            "it, or give the columns their own defaults instead";
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* alter = ctx.as<AlterTableStmt>()) return key_default(ctx, sink, alter);
    if (const auto* domain = ctx.as<AlterDomainStmt>(); domain != nullptr && domain->subtype == 'T') {
        domain_default(ctx, sink, domain);
    }
}

}  // namespace

PGFENCE_RULE(default_breaks_inserts) {
    return Rule{"default-breaks-inserts", Risk::High,
                "SET DEFAULT on a key to a value that is not a fresh one, or a domain's default changed, makes the "
                "application's inserts fail",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
