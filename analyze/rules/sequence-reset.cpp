// setval('seq', <constant>) and ALTER SEQUENCE seq RESTART on a sequence the migration did not
// create: the next nextval() returns a value the sequence handed out before, and the table whose
// key it fills already holds it. Every INSERT of the application that takes its key from the
// sequence then fails "duplicate key value violates unique constraint", with no lock to show it
// (checked on PostgreSQL 15: SELECT setval('t_id_seq', 1, false), then INSERT fails). A setval
// whose value is computed (the usual `setval('seq', (SELECT max(id) FROM t))`) is not reported.
// The same harm by other spellings: INCREMENT BY a negative number (the sequence counts down
// through the values it handed out), and an identity column's RESTART or negative INCREMENT
// (ALTER TABLE t ALTER COLUMN id RESTART [WITH n] / SET INCREMENT BY -1, which alter the
// identity's own sequence) on a table the migration did not create. pgfence does not know how
// far a sequence has counted, so any RESTART of a sequence in use is reported.
#include <algorithm>
#include <optional>
#include <string>

#include "analyze/parse/names.hpp"
#include "analyze/parse/pg_walk.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/executed_query.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The text of a string constant (through casts), or nullopt.
std::optional<std::string> string_constant(const pg::Node* node) {
    while (const auto* cast = pg::as<TypeCast>(node)) node = cast->arg;
    const auto* c = pg::as<A_Const>(node);
    if (c == nullptr || c->isnull || c->val.node.type != T_String) return std::nullopt;
    return std::string(pg::text(c->val.sval.sval));
}

// The sequence a setval() call with a constant value resets, "" when none. A first argument
// that is not a string constant (pg_get_serial_sequence(...), a subquery, a column of a FROM
// list, lower(...)): pg_get_serial_sequence('t', 'c') of constants stands for t_c_seq (the
// serial's default name, used for made_here); anything else for a sequence pgfence does not
// resolve, shown as such: setval() resets it all the same (red team F1, Q_SETVAL*).
void walk(const pg::Node* node, std::string& sequence, bool& resolved, int depth) {
    if (node == nullptr || depth > 200 || !sequence.empty()) return;
    if (const auto* call = pg::as<FuncCall>(node); call != nullptr && pg::last_name(call->funcname) == "setval" &&
                                                   pg::length(call->args) >= 2) {
        const pg::Node* seq = pg::nth(call->args, 0);
        const pg::Node* value = pg::nth(call->args, 1);
        while (const auto* cast = pg::as<TypeCast>(value)) value = cast->arg;
        if (pg::as<A_Const>(value) != nullptr) {
            resolved = true;
            if (auto name = string_constant(seq)) {
                sequence = *name;
                return;
            }
            while (const auto* cast = pg::as<TypeCast>(seq)) seq = cast->arg;
            const auto* serial = pg::as<FuncCall>(seq);
            if (serial != nullptr && pg::last_name(serial->funcname) == "pg_get_serial_sequence" && pg::length(serial->args) == 2) {
                auto table = string_constant(pg::nth(serial->args, 0));
                auto column = string_constant(pg::nth(serial->args, 1));
                if (table && column) {
                    sequence = *table + "_" + *column + "_seq";
                    return;
                }
            }
            resolved = false;
            sequence = "(one its first argument computes, which pgfence does not resolve)";
            return;
        }
    }
    pg::each_child(node, [&](const pg::Node* child) { walk(child, sequence, resolved, depth + 1); });
}

// Made earlier in this file: CREATE SEQUENCE of the name, or CREATE TABLE t whose serial or
// identity column's sequence it is (t_..._seq). Its table is new, and empty.
bool made_here(const StatementContext& ctx, const std::string& sequence) {
    if (ctx.stmts == nullptr) return false;
    const std::string bare = sequence.substr(sequence.rfind('.') == std::string::npos ? 0 : sequence.rfind('.') + 1);
    const std::size_t to = std::min(static_cast<std::size_t>(ctx.statement.index), ctx.stmts->size());
    for (std::size_t i = 0; i < to; ++i) {
        const pg::Node* earlier = (*ctx.stmts)[i];
        if (const auto* seq = pg::as<CreateSeqStmt>(earlier); seq != nullptr && pg::relname(seq->sequence) == bare) return true;
        if (const auto* table = pg::as<CreateStmt>(earlier)) {
            const std::string prefix = std::string(pg::relname(table->relation)) + "_";
            if (bare.starts_with(prefix) && bare.ends_with("_seq")) return true;
        }
    }
    return false;
}

// ALTER SEQUENCE ... RESTART WITH <constant>'s constant as written, "" for any other RESTART.
std::string restart_constant(const DefElem* d) {
    if (const auto* number = pg::as<Integer>(d->arg)) return std::to_string(number->ival);
    if (const auto* number = pg::as<Float>(d->arg)) return std::string(pg::text(number->fval));
    return "";
}

// `restart`: the constant an ALTER SEQUENCE ... RESTART WITH names. Often a deliberate move
// forward (ente's 24_bump_ids: RESTART WITH 10000000), which setval(max(id)) would undo, so the
// fix also gives the form that keeps the move and never goes below the table's keys (checked on
// PostgreSQL 15: it hands out the constant on an empty table, max(id) + 1 above it).
void report(const StatementContext& ctx, Sink& sink, const std::string& sequence, const std::string& how,
            const std::string& restart = "") {
    if (made_here(ctx, sequence)) return;
    Finding& f = sink.add(ctx.statement, how + " sets sequence " + sequence + " back to a constant: when that is below the "
                                               "values it already handed out, the application's next INSERTs that take "
                                               "their key from it fail \"duplicate key value violates unique constraint\" "
                                               "(or, without one, duplicate ids), with no lock to show it");
    f.relation = sequence;
    f.fix = "set it from the table instead: SELECT setval('" + sequence + "', (SELECT max(id) FROM <table>)); or leave the "
            "sequence alone";
    if (!restart.empty()) {
        f.fix = "set it from the table instead: SELECT setval('" + sequence + "', (SELECT max(id) FROM <table>)); to move it "
                "forward to " + restart + " on purpose, never below the table's keys: SELECT setval('" + sequence +
                "', GREATEST(" + restart + ", (SELECT max(id) + 1 FROM <table>)), false); or leave the sequence alone";
    }
}

// Is the option INCREMENT BY a negative number?
bool negative_increment(const DefElem* d) {
    if (pg::text(d->defname) != "increment" || d->arg == nullptr) return false;
    if (const auto* number = pg::as<Integer>(d->arg)) return number->ival < 0;
    if (const auto* number = pg::as<Float>(d->arg)) return pg::text(number->fval).starts_with("-");
    return false;
}

void report_negative(const StatementContext& ctx, Sink& sink, const std::string& sequence, const std::string& how) {
    Finding& f = sink.add(ctx.statement, how + " makes sequence " + sequence + " count down from its current value "
                                               "through the values it already handed out: the application's next INSERTs "
                                               "that take their key from it fail \"duplicate key value violates unique "
                                               "constraint\" (or, without one, store duplicate ids), with no lock to show it");
    f.relation = sequence;
    f.fix = "keep the increment positive; to hand out other values, use a new sequence set above the table's keys";
}

// ALTER TABLE t ALTER COLUMN id RESTART [WITH n] / SET INCREMENT BY -n: an identity column's
// sequence options (gram.y's alter_identity_column_option list, AT_SetIdentity), on a table the
// migration did not create.
void check_identity(const AlterTableStmt* alter, const StatementContext& ctx, Sink& sink) {
    if (alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype != AT_SetIdentity) continue;
        const std::string column = table + "." + quote_ident(pg::text(cmd->name));
        for (const DefElem* d : pg::each<DefElem>(pg::as<List>(cmd->def))) {
            Finding* f = nullptr;
            if (pg::text(d->defname) == "restart") {
                f = &sink.add(ctx.statement, "ALTER COLUMN " + column + " RESTART sets the identity's sequence back: "
                                             "pgfence does not know how far it has counted, and when the restart value is "
                                             "below the keys already in " + table + ", the application's next INSERTs fail "
                                             "\"duplicate key value violates unique constraint\", with no lock to show it");
                f->fix = "leave the identity alone, or restart it above the table's keys: SELECT setval(pg_get_serial_sequence('" +
                         table + "', '" + std::string(pg::text(cmd->name)) + "'), (SELECT max(" +
                         quote_ident(pg::text(cmd->name)) + ") FROM " + table + "))";
            } else if (negative_increment(d)) {
                f = &sink.add(ctx.statement, "ALTER COLUMN " + column + " SET INCREMENT BY a negative number makes the "
                                             "identity count down through the keys it already handed out: the "
                                             "application's next INSERTs fail \"duplicate key value violates unique "
                                             "constraint\", with no lock to show it");
                f->fix = "keep the increment positive";
            } else if (const auto* when = pg::as<Integer>(d->arg);
                       pg::text(d->defname) == "generated" && when != nullptr && when->ival == 'a') {
                // SET GENERATED ALWAYS (gram.y: DefElem "generated", ATTRIBUTE_IDENTITY_ALWAYS 'a'). Reported HIGH, not
                // MEDIUM: BY DEFAULT exists so that writers may supply the key (imports, copies,
                // an ORM that sends ids), pgfence cannot see whether the application does, and
                // each that does fails, as DROP IDENTITY's inserts do (drop-column-default, HIGH).
                // Checked on PostgreSQL 15 (red team F1, E_IDALWAYS): INSERT ... (id, ...)
                // VALUES (5, ...) fails "cannot insert a non-DEFAULT value into column".
                f = &sink.add(ctx.statement, "ALTER COLUMN " + column + " SET GENERATED ALWAYS: every INSERT of the running "
                                             "release that supplies " + quote_ident(pg::text(cmd->name)) + " itself (as BY "
                                             "DEFAULT allows: an import, a copy of rows, an ORM that sends ids) fails \"cannot "
                                             "insert a non-DEFAULT value into column\", and so does COPY FROM with the column, "
                                             "with no lock to show it");
                f->fix = "keep the identity BY DEFAULT until no deployed code supplies the column, then change it";
            }
            if (f == nullptr) continue;
            f->relation = table;
            f->subcommand = pg::index_of(alter->cmds, cmd);
        }
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (ctx.stmt == nullptr) return;
    if (const auto* table = ctx.as<AlterTableStmt>()) return check_identity(table, ctx, sink);
    if (const auto* alter = ctx.as<AlterSeqStmt>()) {
        const std::string sequence = pg::display_name(alter->sequence);
        for (const DefElem* d : pg::each<DefElem>(alter->options)) {
            if (pg::text(d->defname) == "restart") report(ctx, sink, sequence, "ALTER SEQUENCE ... RESTART", restart_constant(d));
            if (negative_increment(d) && !made_here(ctx, sequence)) report_negative(ctx, sink, sequence, "ALTER SEQUENCE ... INCREMENT BY a negative number");
        }
        return;
    }
    std::string sequence;
    bool resolved = true;
    walk(executed_query(ctx.stmt), sequence, resolved, 0);
    if (!sequence.empty() && resolved) report(ctx, sink, sequence, "setval()");
    if (!sequence.empty() && !resolved) {
        Finding& f = sink.add(ctx.statement, "setval() sets a sequence " + sequence + " back to a constant: when that is "
                                                 "below the values it already handed out, the application's next INSERTs "
                                                 "that take their key from it fail \"duplicate key value violates unique "
                                                 "constraint\" (or, without one, duplicate ids), with no lock to show it");
        f.fix = "set it from the table instead: SELECT setval(<sequence>, (SELECT max(id) FROM <table>)); or leave the "
                "sequence alone";
    }
}

}  // namespace

PGFENCE_RULE(sequence_reset) {
    return Rule{"sequence-reset", Risk::High,
                "setval() to a constant, RESTART or a negative INCREMENT of a sequence or identity makes the application's "
                "next inserts reuse keys",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
