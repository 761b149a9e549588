#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const FileContext& ctx, Sink& sink) {
    require_setting(ctx, sink,
                    SettingPolicy{&Settings::lock_timeout, "lock_timeout", "'2s'", blocks_traffic,
                                  ": while it waits for that lock, every query behind it waits too", true});
}

}  // namespace

PGFENCE_RULE(lock_timeout_missing) {
    return Rule{"lock-timeout-missing", Risk::Medium,
                "lock_timeout must be set before a statement that blocks reads or writes", nullptr, check, true,
                "policy", SizeWork::none, "lock_timeout"};
}

}  // namespace pgfence::analyze::rules
