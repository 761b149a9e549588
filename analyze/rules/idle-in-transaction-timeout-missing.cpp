#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

// Only a transaction can sit idle holding locks.
bool blocking_in_transaction(const StatementFacts& s) {
    return s.transaction != Transaction::None && blocks_traffic(s);
}

void check(const FileContext& ctx, Sink& sink) {
    require_setting(ctx, sink,
                    SettingPolicy{&Settings::idle_in_transaction_session_timeout, "idle_in_transaction_session_timeout",
                                  "'10s'", blocking_in_transaction,
                                  " inside a transaction: if the migration runner stalls, the lock is held indefinitely"});
}

}  // namespace

PGFENCE_RULE(idle_in_transaction_timeout_missing) {
    return Rule{"idle-in-transaction-timeout-missing", Risk::Low,
                "idle_in_transaction_session_timeout releases locks of a stalled migration (opt-in)", nullptr, check,
                false, "policy", SizeWork::none, "idle_in_transaction_session_timeout"};
}

}  // namespace pgfence::analyze::rules
