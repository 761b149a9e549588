// ALTER SEQUENCE seq MAXVALUE n, ... AS smallint / integer, ... NO CYCLE on a sequence the migration
// did not create: the sequence's upper bound may now be at or just above the values it already
// handed out, and once it is reached every nextval() fails "nextval: reached maximum value of
// sequence", so does each INSERT of the application that takes its key from it (checked on
// PostgreSQL 15: after setval(s, 5), ALTER SEQUENCE s MAXVALUE 6 succeeds, one nextval() more
// works, the next fails; NO CYCLE on a cycling sequence at its bound fails at once). pgfence does
// not know the sequence's current value, so any such bound is reported. No lock shows it.
// INCREMENT BY or CACHE (ALTER SEQUENCE, CREATE SEQUENCE, an identity's ALTER COLUMN ... SET) so
// large that the sequence's type (smallint, integer, bigint: the model's note, integer when not
// known) lasts fewer than 100,000 calls, on any sequence, new or not.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include "analyze/model/catalog.hpp"
#include "analyze/model/sequence_types.hpp"
#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// How many nextval() calls a sequence's whole range must last at the least: a step or cache
// other than 1 that leaves fewer is reported (red team I1: INCREMENT BY 100000 on a smallint or
// integer sequence, PG15: the second insert fails on smallint, the 21476th on integer). An ORM's
// allocation size (50, 1000) leaves an integer sequence millions.
constexpr long double k_min_calls = 100000.0L;

// The option's number as written (an Integer, or a Float beyond 32 bits), or none.
std::optional<long double> option_number(const DefElem* d) {
    if (d->arg == nullptr) return std::nullopt;
    if (const auto* number = pg::as<Integer>(d->arg)) return static_cast<long double>(number->ival);
    if (const auto* number = pg::as<Float>(d->arg)) return std::strtold(std::string(pg::text(number->fval)).c_str(), nullptr);
    return std::nullopt;
}

// What the statement's options do to the sequence. `bytes`: the sequence's type before it (0:
// not known, then taken as integer, a serial's); `made`: made earlier in this file, so no value
// of it is in use yet.
struct Options {
    std::string bounds;  // MAXVALUE, AS smallint / integer, NO CYCLE: "" when none lowers a bound
    std::string steps;   // INCREMENT BY, CACHE that leave fewer than k_min_calls calls
    bool cache = false;  // `steps` names a CACHE
};

void append(std::string& to, const std::string& what) { to += to.empty() ? what : ", " + what; }

Options read_options(const List* options, std::uint8_t bytes, bool made) {
    Options out;
    std::uint8_t type = bytes;
    for (const DefElem* d : pg::each<DefElem>(options)) {
        if (pg::text(d->defname) != "as") continue;
        if (const auto* as = pg::as<TypeName>(d->arg)) {
            const std::uint8_t to = sequence_bytes(canonical_type(as));
            // A narrower type lowers the bound, unless the sequence is new or known no wider.
            if (to != 0 && to < 8 && !made && (bytes == 0 || to < bytes)) {
                append(out.bounds, "AS " + std::string(sequence_type_name(to)) + " (MAXVALUE " +
                                       std::to_string(static_cast<long long>(sequence_type_max(to))) + ")");
            }
            if (to != 0) type = to;
        }
    }
    const bool assumed = type == 0;
    if (assumed) type = 4;
    const long double max = sequence_type_max(type);
    const std::string range = std::string(type == 4 ? "an " : "a ") + std::string(sequence_type_name(type)) + " sequence's range, MAXVALUE " +
                              std::to_string(static_cast<long long>(max)) + ", lasts at most ";
    const std::string assumption = assumed ? "; pgfence takes the sequence as integer, a serial's type, not knowing its own" : "";
    for (const DefElem* d : pg::each<DefElem>(options)) {
        const std::string_view name = pg::text(d->defname);
        if (name == "maxvalue" && d->arg != nullptr && !made) {
            // At or above the largest bound the sequence could have had (its known type's maximum,
            // which an earlier MAXVALUE only lowers), the bound is raised or kept, not lowered
            // (harbor: robot_id_seq of a serial, AS bigint MAXVALUE 9007199254740991; PG15's
            // seqmax is then 9007199254740991). With the type unknown, it may be lower.
            const std::optional<long double> n = option_number(d);
            if (n && bytes != 0 && *n >= sequence_type_max(bytes)) continue;
            if (const auto* number = pg::as<Integer>(d->arg)) append(out.bounds, "MAXVALUE " + std::to_string(number->ival));
            else if (const auto* number = pg::as<Float>(d->arg)) append(out.bounds, "MAXVALUE " + std::string(pg::text(number->fval)));
            else append(out.bounds, "MAXVALUE");
        } else if (name == "cycle" && !made) {
            const auto* flag = pg::as<Boolean>(d->arg);
            if (flag != nullptr && !flag->boolval) append(out.bounds, "NO CYCLE");
        } else if (name == "increment" || name == "cache") {
            // A step (either sign) or a per-session block so large that the type's whole range
            // lasts fewer than k_min_calls calls, whatever the sequence counted so far.
            const std::optional<long double> n = option_number(d);
            if (!n || std::fabs(*n) <= 1 || std::fabs(*n) * k_min_calls <= max) continue;
            const long long calls = static_cast<long long>(std::floor(max / std::fabs(*n))) + 1;
            const bool cache = name == "cache";
            const std::string written = pg::is<Float>(d->arg) ? std::string(pg::text(pg::as<Float>(d->arg)->fval))
                                                              : std::to_string(pg::as<Integer>(d->arg)->ival);
            append(out.steps, (cache ? "CACHE " : "INCREMENT BY ") + written + " (" + range + std::to_string(calls) +
                                  (cache ? " sessions that call nextval() at this cache" : " nextval() calls at this step") +
                                  assumption + ")");
            out.cache = out.cache || cache;
        }
    }
    return out;
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

// The finding's text after "<what> <how>": a lowered bound, which pgfence cannot weigh against
// the values in use, or only a step or cache too large for the type's whole range.
std::string harm(const Options& o, std::string_view whose, std::string_view takes_from) {
    const std::string fails = "nextval() fails (\"reached maximum value of sequence\") once it is reached, and so does every "
                              "INSERT of the application that takes its key from " + std::string(takes_from) + ", with no lock to show it";
    if (!o.bounds.empty()) {
        return ": pgfence does not know how far " + std::string(whose) + " has counted; when its values in use are at or "
               "near the new bound, " + fails;
    }
    return ": " + std::string(whose) + " reaches its bound within that many calls, whatever it counted so far; then " + fails;
}

std::string fix_for(const Options& o, const std::string& headroom) {
    std::string fix = o.bounds.empty() ? "keep INCREMENT BY and CACHE far below the type's range (an ORM's allocation size of 50 is fine); "
                                         "for larger steps, move the key to bigint first"
                                       : "check the headroom first (" + headroom + ") and keep the bound far above it";
    if (o.cache) fix += "; keep CACHE to tens of values, as each session that calls nextval() takes a block of that many";
    return fix;
}

std::string how(const Options& o) {
    return o.bounds.empty() ? o.steps : o.steps.empty() ? o.bounds : o.bounds + ", " + o.steps;
}

// ALTER TABLE t ALTER COLUMN id SET MAXVALUE n (an identity column's sequence options, which
// gram.y gives AT_SetIdentity as a list of DefElem): a bound on a table the migration did not
// create, a step or cache too large for the column's type (the model's note) on any.
void check_identity(const AlterTableStmt* alter, const StatementContext& ctx, Sink& sink) {
    if (alter->relation == nullptr) return;
    const std::string& table = ctx.display_name(alter->relation);
    const LockFact* lock = lock_on(ctx.statement, table);
    if (lock == nullptr) return;
    for (const AlterTableCmd* cmd : pg::each<AlterTableCmd>(alter->cmds)) {
        if (cmd->subtype != AT_SetIdentity) continue;
        const std::string name(pg::text(cmd->name));
        const Options o = read_options(pg::as<List>(cmd->def), sequence_bytes_of(ctx.statement, "column " + name), lock->is_new);
        if (o.bounds.empty() && o.steps.empty()) continue;
        const std::string column = table + "." + quote_ident(name);
        Finding& f = sink.add(ctx.statement, "ALTER COLUMN " + column + " SET " + how(o) + harm(o, "the identity's sequence", table));
        f.relation = table;
        f.subcommand = pg::index_of(alter->cmds, cmd);
        f.fix = fix_for(o, "SELECT max(" + quote_ident(name) + ") FROM " + table);
    }
}

// CREATE SEQUENCE s [AS type] INCREMENT BY n / CACHE n: a step too large for its range (no
// bound: nothing is in use yet). Its type is bigint unless AS says otherwise.
void check_create(const CreateSeqStmt* create, const StatementContext& ctx, Sink& sink) {
    if (create->sequence == nullptr) return;
    const Options o = read_options(create->options, 8, true);
    if (o.steps.empty()) return;
    const std::string sequence = pg::display_name(create->sequence);
    Finding& f = sink.add(ctx.statement, "CREATE SEQUENCE " + sequence + " " + o.steps + harm(o, "the sequence", sequence));
    f.relation = sequence;
    f.fix = fix_for(o, "");
}

// An identity column made with sequence options (CREATE TABLE, ADD COLUMN: GENERATED ... AS
// IDENTITY (INCREMENT BY n)): its new sequence has the column's type.
void check_new_identity(const ColumnDef* def, const std::string& table, const StatementContext& ctx, Sink& sink, int subcommand) {
    if (def == nullptr || def->typeName == nullptr) return;
    for (const Constraint* con : pg::each<Constraint>(def->constraints)) {
        if (con->contype != CONSTR_IDENTITY) continue;
        const Options o = read_options(con->options, sequence_bytes(canonical_type(def->typeName)), true);
        if (o.steps.empty()) continue;
        Finding& f = sink.add(ctx.statement, "identity column " + table + "." + quote_ident(pg::text(def->colname)) + " " + o.steps +
                                                 harm(o, "its sequence", table));
        f.relation = table;
        if (subcommand >= 0) f.subcommand = subcommand;
        f.fix = fix_for(o, "");
    }
}

void check(const StatementContext& ctx, Sink& sink) {
    if (const auto* create = ctx.as<CreateStmt>(); create != nullptr && create->relation != nullptr) {
        for (const ColumnDef* def : pg::each<ColumnDef>(create->tableElts)) check_new_identity(def, ctx.display_name(create->relation), ctx, sink, -1);
        return;
    }
    if (const auto* table = ctx.as<AlterTableStmt>()) {
        if (table->relation != nullptr) {
            // By position: looking each clause's position up made one ALTER TABLE of n clauses n² steps.
            for (int i = 0; i < pg::length(table->cmds); ++i) {
                const auto* cmd = pg::as<AlterTableCmd>(pg::nth(table->cmds, i));
                if (cmd == nullptr || cmd->subtype != AT_AddColumn) continue;
                check_new_identity(pg::as<ColumnDef>(cmd->def), ctx.display_name(table->relation), ctx, sink, i);
            }
        }
        return check_identity(table, ctx, sink);
    }
    if (const auto* create = ctx.as<CreateSeqStmt>()) return check_create(create, ctx, sink);
    const auto* alter = ctx.as<AlterSeqStmt>();
    if (alter == nullptr || alter->sequence == nullptr) return;
    const std::string bare(pg::relname(alter->sequence));
    const Options o = read_options(alter->options, sequence_bytes_of(ctx.statement, bare), made_here(ctx, bare));
    if (o.bounds.empty() && o.steps.empty()) return;
    const std::string sequence = pg::display_name(alter->sequence);
    Finding& f = sink.add(ctx.statement, "ALTER SEQUENCE " + sequence + " " + how(o) + harm(o, "the sequence", sequence));
    f.relation = sequence;
    f.fix = fix_for(o, "SELECT last_value FROM " + sequence);
    if (!o.bounds.empty()) f.fix += "; to narrow a key's type, move to a new sequence in its own release";
}

}  // namespace

PGFENCE_RULE(sequence_limit_lowered) {
    return Rule{"sequence-limit-lowered", Risk::High,
                "ALTER SEQUENCE ... MAXVALUE, AS smallint / integer, NO CYCLE, or an INCREMENT BY or CACHE too large for the sequence's "
                "type can make the application's next inserts fail once the sequence reaches its bound",
                check, nullptr, true, "data-loss"};
}

}  // namespace pgfence::analyze::rules
