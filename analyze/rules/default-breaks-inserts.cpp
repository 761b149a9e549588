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
// - ALTER DOMAIN d SET DEFAULT / DROP DEFAULT on a domain the file did not create: every column
//   of the domain without a default of its own takes it on each INSERT that leaves it out;
//   pgfence does not evaluate the domain's CHECK, and when it rejects the new default every such
//   INSERT fails (checked on PostgreSQL 15: ALTER DOMAIN posint SET DEFAULT 0 on a domain with
//   CHECK (VALUE > 0), then INSERT leaving the column out fails "value for domain posint violates
//   check constraint"); with DROP DEFAULT the inserts store NULL, or fail on a NOT NULL domain.
#include <string>
#include <vector>

#include "analyze/integrity_note.hpp"
#include "analyze/names.hpp"
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

void key_default(const StatementContext& ctx, Sink& sink, const AlterTableStmt* alter) {
    if (alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype != AT_ColumnDefault || cmd->def == nullptr || cmd->name == nullptr) continue;
        const std::string column = quote_ident(pg::text(cmd->name));
        const std::optional<KeyDefault> key = read_key_default_note(ctx.statement, table, column);
        if (!key) continue;
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
