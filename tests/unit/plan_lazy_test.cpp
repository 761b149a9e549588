// Plans are composed and checked only for what shows them (bot/analyze_command.cpp shows_plans,
// bot/suggestions.cpp): an analysis without them must find, and say, exactly what one with them does.
#include <catch2/catch.hpp>

#include <string>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"

using namespace pgfence::analyze;

namespace {

std::string findings_of(const FileReport& r) {
    std::string out;
    for (const auto& f : r.findings) {
        out += f.rule + "|" + std::to_string(static_cast<int>(f.risk)) + "|" + std::to_string(f.statement) + "|" +
               std::to_string(f.subcommand) + "|" + f.message + "|" + f.fix + "|" + (f.recipe ? f.recipe->summary : "") + "|" +
               (f.edit ? f.edit->text : "") + "\n";
    }
    for (const auto& s : r.statements) out += std::to_string(static_cast<int>(s.status)) + " " + std::to_string(s.locks.size()) + "\n";
    return out;
}

}  // namespace

TEST_CASE("plans off: the same findings and statements as with plans") {
    AnalyzeOptions options;
    options.threads = 1;
    Replay replay(options);
    replay.replay_schema_text("schema.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
                                            "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n");
    options.history = replay.snapshot();
    AnalyzeOptions lazy = options;
    lazy.compose_plans = false;
    lazy.check_plans = false;
    for (const char* sql : {"CREATE INDEX orders_user ON orders (user_id);\n"
                            "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
                            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users ADD COLUMN n int NOT NULL DEFAULT 0;\n",
                            "ALTER TABLE users ADD COLUMN made timestamptz DEFAULT now();\nUPDATE users SET email = lower(email);\n"}) {
        FileReport with = analyze_text("db/migrations/002_x.sql", sql, options);
        FileReport without = analyze_text("db/migrations/002_x.sql", sql, lazy);
        INFO(sql);
        CHECK(with.plan.has_value());  // the case has a plan to leave out
        CHECK_FALSE(without.plan.has_value());
        CHECK(findings_of(with) == findings_of(without));
    }
}
