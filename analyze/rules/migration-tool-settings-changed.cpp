#include "analyze/rules/rule.hpp"

namespace pgfence::analyze::rules {
namespace {

// A migration tool's settings file the pull request changed (tools/flyway_settings.hpp
// flyway_setting_changes): one finding at each setting that is new, changed or gone.
void check(const FileContext& ctx, Sink& sink) {
    for (const SettingChange& change : ctx.file.setting_changes) {
        // A migration of the base branch the pull request deletes or renames (bot/removed_migrations.cpp):
        // the folder's files are what the tool runs, and this one has run.
        if (change.what.starts_with("deletes migration ") || change.what.starts_with("renames migration ")) {
            Finding& f = sink.add_at(Position{change.line, 1}, Position{change.line, 1},
                                     "the pull request " + change.what);
            f.fix = "keep a migration that has run as it is, under its name, and make the change in a new migration; "
                    "a deletion or rename needs a sign-off from the owners of the migrations (governance), who check "
                    "what the tool records in production";
            continue;
        }
        // pgfence's own configuration or governance policy (bot/config_review.hpp): a change that is
        // not only stricter reviews every later pull request with fewer or lower findings.
        if (constexpr std::string_view own = "pgfence's configuration: "; change.what.starts_with(own)) {
            Finding& f = sink.add_at(Position{change.line, 1}, Position{change.line, 1},
                                     "the pull request changes pgfence's own configuration in a way that is not only stricter: " +
                                         change.what.substr(own.size()) +
                                         ". Once merged it reviews every later pull request: a rule turned off, a lower risk, "
                                         "an excluded file or a relaxed unknown or sign-off setting there passes what it hides");
            f.fix = "check that the new configuration still reports what the owners of the migrations want gated; the change "
                    "needs their sign-off (governance)";
            continue;
        }
        Finding& f = sink.add_at(Position{change.line, 1}, Position{change.line, 1},
                                 "the pull request changes the migration tool's settings: " + change.what +
                                     ". What the tool runs (its placeholders' values, the folders it reads, the database it "
                                     "connects to) changes with no migration changing, so the migrations are not the whole change");
        f.fix = "review what the migrations run under the new settings; the change needs a sign-off from the owners of the "
                "migrations (governance), and a placeholder value belongs in the deploy's settings, not in SQL text";
    }
}

}  // namespace

PGFENCE_RULE(migration_tool_settings_changed) {
    return Rule{"migration-tool-settings-changed", Risk::High,
                "A pull request that changes what the migration tool runs through its settings needs a sign-off", nullptr,
                check, true, "meta"};
}

}  // namespace pgfence::analyze::rules
