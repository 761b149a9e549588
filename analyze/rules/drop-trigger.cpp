#include "analyze/parse/names.hpp"
#include "analyze/rules/common.hpp"
#include "analyze/rules/operation_common.hpp"
#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

using namespace operation;

void check(const StatementContext& ctx, Sink& sink) {
    std::optional<Drop> drop = drop_of(ctx, OBJECT_TRIGGER);
    if (!drop) return;
    for (const List* items : pg::each<List>(drop->objects)) {
        int n = pg::length(items);
        if (n < 2) continue;
        std::string trigger = quote_ident(pg::last_name(items));
        std::string table = leading_names(items, n - 1);
        const LockFact* lock = existing(ctx.statement, table);
        if (lock == nullptr) continue;  // a table created in this migration
        Finding& f = sink.add(ctx.statement, "DROP TRIGGER " + trigger + " ON " + table + " takes " + a_lock(*lock) +
                                                 ": the drop is instant, but while it waits for the transactions "
                                                 "using " + table + " every new query on it waits too");
        f.relation = table;
        f.fix = "set a short lock_timeout before it and retry on timeout";
    }
}

}  // namespace

PGFENCE_RULE(drop_trigger) {
    return Rule{"drop-trigger", Risk::Medium, "DROP TRIGGER locks the table against reads and writes", check, nullptr,
                true, "locking"};
}

}  // namespace pgfence::analyze::rules
