#include "analyze/rules/common.hpp"
#include "analyze/rules/policy.hpp"

namespace pgfence::analyze::rules {
namespace {

void check(const FileContext& ctx, Sink& sink) {
    require_setting(ctx, sink,
                    SettingPolicy{&Settings::application_name, "application_name", "'migration'", blocks_traffic,
                                  ": without it the blocking session is hard to find in pg_stat_activity"});
}

}  // namespace

PGFENCE_RULE(application_name_missing) {
    return Rule{"application-name-missing", Risk::Low,
                "application_name identifies the migration's session in pg_stat_activity (opt-in)", nullptr, check,
                false, "policy", SizeWork::none, "application_name"};
}

}  // namespace pgfence::analyze::rules
