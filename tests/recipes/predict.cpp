#include "tests/recipes/predict.hpp"

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"

namespace pgfence::tests::recipes {
namespace {

analyze::AnalyzeOptions options_for(bool rules) {
    analyze::AnalyzeOptions options;
    options.pg_version = 15;
    options.threads = 1;
    options.run_rules = rules;
    return options;
}

analyze::FileReport analyze_sql(const std::string& path, const std::string& sql, bool rules) {
    return analyze::analyze_text(path, sql, options_for(rules));
}

}  // namespace

analyze::Result<Prediction> predict(const std::string& context, const std::string& sql) {
    Prediction out;
    out.alone = analyze_sql("recipe_step.sql", sql, false).statements;
    auto all = analyze_sql("recipe_history.sql", context + "\n" + sql, false).statements;
    if (all.size() < out.alone.size()) {
        return analyze::Error{"the step splits differently after its context", "", std::nullopt};
    }
    out.in_context.assign(all.end() - static_cast<std::ptrdiff_t>(out.alone.size()), all.end());
    for (std::size_t i = 0; i < out.alone.size(); ++i) {
        if (out.alone[i].sql != out.in_context[i].sql) {
            return analyze::Error{"the step splits differently after its context: " + out.alone[i].sql, "", std::nullopt};
        }
    }
    return out;
}

std::shared_ptr<const analyze::Catalog> schema_history(const std::string& schema_sql) {
    analyze::AnalyzeOptions options = options_for(false);
    analyze::Replay replay(options);
    replay.replay_schema_text("schema.sql", schema_sql);
    return replay.snapshot();
}

analyze::FileReport analyze_migration(const std::string& sql, const std::shared_ptr<const analyze::Catalog>& history) {
    analyze::AnalyzeOptions options = options_for(true);
    options.history = history;
    return analyze::analyze_text("migration.sql", sql, options);
}

}  // namespace pgfence::tests::recipes
