// ALTER SEQUENCE seq MAXVALUE n, ... AS smallint / integer, ... NO CYCLE, ... INCREMENT BY a step of
// 2^20 or more (either sign), ... CACHE of 2^20 or more on a sequence the migration
// did not create: the sequence's upper bound may now be at or just above the values it already
// handed out, and once it is reached every nextval() fails "nextval: reached maximum value of
// sequence", so does each INSERT of the application that takes its key from it (checked on
// PostgreSQL 15: after setval(s, 5), ALTER SEQUENCE s MAXVALUE 6 succeeds, one nextval() more
// works, the next fails; NO CYCLE on a cycling sequence at its bound fails at once). pgfence does
// not know the sequence's current value, so any such bound is reported. No lock shows it.
#include <algorithm>
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// The bound the option sets, as the message shows it, or "" when it lowers none.
std::string lowered_bound(const DefElem* d) {
    const std::string_view name = pg::text(d->defname);
    if (name == "maxvalue" && d->arg != nullptr) {
        if (const auto* number = pg::as<Integer>(d->arg)) return "MAXVALUE " + std::to_string(number->ival);
        if (const auto* number = pg::as<Float>(d->arg)) return "MAXVALUE " + std::string(pg::text(number->fval));
        return "MAXVALUE";
    }
    if (name == "as") {
        const auto* type = pg::as<TypeName>(d->arg);
        if (type == nullptr) return {};
        const std::string canonical = canonical_type(type);
        if (canonical == "int2") return "AS smallint (MAXVALUE 32767)";
        if (canonical == "int4") return "AS integer (MAXVALUE 2147483647)";
        return {};
    }
    // A step so large that few calls are left before the bound (red team h1 T_SEQHUGEINC,
    // T_IDHUGEINC: INCREMENT BY 4611686018427387904, PG15: one insert more, then every one fails).
    // From 2^20 on, an integer sequence has at most 2048 calls left, whatever it counted so far;
    // a step beyond 32 bits (Float in the tree) leaves a bigint one at most 2^31.
    if (name == "increment" && d->arg != nullptr) {
        if (const auto* number = pg::as<Integer>(d->arg); number != nullptr && (number->ival >= (1 << 20) || number->ival <= -(1 << 20))) {
            return "INCREMENT BY " + std::to_string(number->ival);
        }
        if (const auto* number = pg::as<Float>(d->arg)) return "INCREMENT BY " + std::string(pg::text(number->fval));
        return {};
    }
    // A cache so large that each session that calls nextval() takes a block of that many values
    // (red team I1 Q_CACHEINT: CACHE 2000000000 on a serial, PG15: the third session's insert fails
    // "reached maximum value"; Q_CACHE: CACHE 2^62 on a bigint one, the next insert spins in
    // nextval and cannot be cancelled). From 2^20 on, an integer sequence serves at most 2048
    // sessions, whatever it counted so far.
    if (name == "cache" && d->arg != nullptr) {
        if (const auto* number = pg::as<Integer>(d->arg); number != nullptr && number->ival >= (1 << 20)) {
            return "CACHE " + std::to_string(number->ival);
        }
        if (const auto* number = pg::as<Float>(d->arg)) return "CACHE " + std::string(pg::text(number->fval));
        return {};
    }
    if (name == "cycle") {
        const auto* flag = pg::as<Boolean>(d->arg);
        if (flag != nullptr && !flag->boolval) return "NO CYCLE";
    }
    return {};
}

// A CACHE's own advice: every session takes a block of that many values.
std::string cache_fix(const std::string& how) {
    return how.find("CACHE") == std::string::npos ? std::string()
                                                  : "; keep CACHE to tens of values, as each session that calls nextval() takes a block of that many";
}

// Made earlier in this file: CREATE SEQUENCE of the name, or CREATE TABLE t whose serial or
// identity column's sequence it is (t_..._seq); then no value of it is in use yet.
bool made_here(const StatementContext& ctx, std::string_view bare) {
    if (ctx.stmts == nullptr) return false;
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

// ALTER TABLE t ALTER COLUMN id SET MAXVALUE n (an identity column's sequence options, which
// gram.y gives AT_SetIdentity as a list of DefElem) on a table the migration did not create.
void check_identity(const AlterTableStmt* alter, const StatementContext& ctx, Sink& sink) {
    if (alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr || lock->is_new) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype != AT_SetIdentity) continue;
        std::string how;
        for (const DefElem* d : pg::each<DefElem>(pg::as<List>(cmd->def))) {
            const std::string bound = lowered_bound(d);
            if (!bound.empty()) how += how.empty() ? bound : ", " + bound;
        }
        if (how.empty()) continue;
        const std::string column = table + "." + quote_ident(pg::text(cmd->name));
        Finding& f = sink.add(ctx.statement, "ALTER COLUMN " + column + " SET " + how +
                                                 ": pgfence does not know how far the identity's sequence has counted; when "
                                                 "its values in use are at or near the new bound, every INSERT of the "
                                                 "application that takes its key from it fails (\"reached maximum value of "
                                                 "sequence\") once it is reached, with no lock to show it");
        f.relation = table;
        f.subcommand = pg::index_of(alter->cmds, cmd);
        f.fix = "check the headroom first (SELECT max(" + quote_ident(pg::text(cmd->name)) + ") FROM " + table +
                ") and keep the bound far above it" + cache_fix(how);
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* table = ctx.as<AlterTableStmt>()) return check_identity(table, ctx, sink);
    const auto* alter = ctx.as<AlterSeqStmt>();
    if (alter == nullptr || alter->sequence == nullptr || made_here(ctx, pg::relname(alter->sequence))) return;
    std::string how;
    for (const DefElem* d : pg::each<DefElem>(alter->options)) {
        const std::string bound = lowered_bound(d);
        if (bound.empty()) continue;
        how += how.empty() ? bound : ", " + bound;
    }
    if (how.empty()) return;
    const std::string sequence = pg::display_name(alter->sequence);
    Finding& f = sink.add(ctx.statement, "ALTER SEQUENCE " + sequence + " " + how +
                                             ": pgfence does not know how far the sequence has counted; when its values "
                                             "in use are at or near the new bound, nextval() fails (\"reached maximum value "
                                             "of sequence\") once it is reached, and so does every INSERT of the application "
                                             "that takes its key from " + sequence + ", with no lock to show it");
    f.relation = sequence;
    f.fix = "check the headroom first (SELECT last_value FROM " + sequence +
            ") and keep the bound far above it; to narrow a key's type, move to a new sequence in its own release" + cache_fix(how);
}

}  // namespace

PGFENCE_RULE(sequence_limit_lowered) {
    return Rule{"sequence-limit-lowered", Risk::High,
                "ALTER SEQUENCE ... MAXVALUE, AS smallint / integer, NO CYCLE, a huge INCREMENT BY or CACHE can make the application's next inserts "
                "fail once the sequence reaches its bound",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
