// Every ALTER TABLE subcommand's effect on the application is judged: by rules that exist, as
// harmless with a reason, or as unknown (analyze/model/subcommand_judgement). Iterates libpg_query's
// AlterTableType, so a subtype a new parser adds fails here until someone decides which it is.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>

#include "analyze/analyzer.hpp"
#include "analyze/model/alter_table_locks.hpp"
#include "analyze/model/subcommand_judgement.hpp"
#include "analyze/rules/rule.hpp"

using namespace pgfence::analyze;
using model::Judgement;

TEST_CASE("subcommand judgement: one row per AlterTableType, naming rules that exist") {
    std::set<AlterTableType> rows;
    int previous = -1;
    for (const auto& row : model::subcommand_judgements()) {
        INFO("AlterTableType " << static_cast<int>(row.subtype));
        CHECK(rows.insert(row.subtype).second);
        CHECK(static_cast<int>(row.subtype) > previous);  // in the enum's order
        previous = static_cast<int>(row.subtype);
        CHECK(!row.what.empty());
        if (row.how == Judgement::Rules) {
            std::string_view list = row.what;
            while (!list.empty()) {
                const std::size_t comma = list.find(',');
                const std::string_view id = list.substr(0, comma);
                INFO("rule " << id);
                CHECK(rules::find_rule(id) != nullptr);
                list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            }
        }
    }
    const std::set<AlterTableType> internal(model::internal_subcommands().begin(), model::internal_subcommands().end());
    // AT_ReAddStatistics is the last member of PostgreSQL 18's enum (nodes/parsenodes.h); the lock
    // table's test checks the same bound.
    for (int v = 0; v <= AT_ReAddStatistics; ++v) {
        const auto subtype = static_cast<AlterTableType>(v);
        INFO("AlterTableType " << v);
        const auto* row = model::subcommand_judgement(subtype);
        REQUIRE(row != nullptr);
        CHECK((row->how == Judgement::Internal) == (internal.count(subtype) == 1));
    }
    CHECK(rows.size() == static_cast<std::size_t>(AT_ReAddStatistics) + 1);
}

TEST_CASE("subcommand judgement: an unjudged subcommand on an existing table is unknown, on a new one it is not") {
    const char* unjudged[] = {
        "ALTER TABLE t NO INHERIT p;", "ALTER TABLE t INHERIT p;", "ALTER TABLE t DISABLE RULE r;",
        "ALTER TABLE t ENABLE RULE r;", "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;",
        "ALTER TABLE t ALTER CONSTRAINT k NOT ENFORCED;", "ALTER TABLE t ALTER COLUMN g SET EXPRESSION AS (a + 1);",
        "ALTER TABLE t ENABLE ALWAYS TRIGGER tr;",
        // A trigger the migrations do not show may be one an earlier migration parked (R67 A9).
        "ALTER TABLE t ENABLE TRIGGER tr;", "ALTER TABLE t ENABLE TRIGGER ALL;"};
    for (const char* sql : unjudged) {
        INFO(sql);
        FileReport existing = analyze_text("m.sql", sql, AnalyzeOptions{});
        REQUIRE(existing.statements.size() == 1);
        CHECK(existing.statements[0].status == StatementStatus::Unknown);
        const std::string fresh_sql = std::string("CREATE TABLE t (id bigint, a int, g int GENERATED ALWAYS AS (a) STORED);\n") + sql;
        FileReport fresh = analyze_text("m.sql", fresh_sql, AnalyzeOptions{});
        REQUIRE(fresh.statements.size() == 2);
        CHECK(fresh.statements[1].status != StatementStatus::Unknown);
    }
    const char* judged[] = {"ALTER TABLE t ALTER COLUMN a SET STATISTICS 100;", "ALTER TABLE t SET (fillfactor = 70);",
                            "ALTER TABLE t CLUSTER ON t_idx;"};
    for (const char* sql : judged) {
        INFO(sql);
        FileReport report = analyze_text("m.sql", sql, AnalyzeOptions{});
        REQUIRE(report.statements.size() == 1);
        CHECK(report.statements[0].status != StatementStatus::Unknown);
    }
}
