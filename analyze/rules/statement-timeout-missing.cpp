#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const FileContext& ctx, Sink& sink) {
    require_setting(ctx, sink,
                    SettingPolicy{&Settings::statement_timeout, "statement_timeout", "'5min'", slow_under_lock,
                                  ", and rewrites or scans the table while holding it: nothing bounds how long that lasts"});
}

}  // namespace

PGFENCE_RULE(statement_timeout_missing) {
    return Rule{"statement-timeout-missing", Risk::Low,
                "statement_timeout should bound statements that rewrite or scan a table under a blocking lock", nullptr,
                check, true, "policy", SizeWork::none, "statement_timeout"};
}

}  // namespace pgfence::analyze::rules
