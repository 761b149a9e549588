// bot/capture_merge.hpp: a capture never hides pgfence's own reading of a migration (red team R83 F3).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "bot/capture_merge.hpp"

using namespace pgfence;

namespace {

analyze::AnalyzeOptions sql_options() {
    analyze::AnalyzeOptions o;
    o.input_format = analyze::orm::InputFormat::Sql;
    return o;
}

bool has(const analyze::FileReport& f, const std::string& rule, int line = 0) {
    return std::any_of(f.findings.begin(), f.findings.end(),
                       [&](const analyze::Finding& x) { return x.rule == rule && (line == 0 || x.start.line == line); });
}

}  // namespace

TEST_CASE("capture merge: the reading keeps its findings, the capture adds what it did not see", "[capture]") {
    const auto options = sql_options();
    analyze::FileReport read = analyze::analyze_text("m.sql", "SET lock_timeout = '2s';\nDROP TABLE orders;\n", options);
    REQUIRE(has(read, "drop-table"));
    analyze::FileReport captured =
        analyze::analyze_text("pgfence-capture.sql", "SET lock_timeout = '2s';\nCREATE INDEX i ON orders (id);\n", options);
    REQUIRE(has(captured, "create-index-without-concurrently"));
    bot::add_unseen_captured(read, std::move(captured));
    CHECK(has(read, "drop-table"));
    CHECK(has(read, "create-index-without-concurrently"));
    // The same statement captured again adds nothing.
    const auto before = read.findings.size();
    bot::add_unseen_captured(read, analyze::analyze_text("pgfence-capture.sql", "drop   table \"orders\"", options));
    CHECK(read.findings.size() == before);
}

TEST_CASE("capture merge: branching migration code stays unknown at its line", "[capture]") {
    const auto options = sql_options();
    analyze::FileReport f = analyze::analyze_text("pgfence-capture.sql", "SELECT 1;\n", options);
    f.path = "shop/migrations/0002_archive.py";
    const std::string python =
        "from django.db import migrations\n"
        "def archive(apps, schema_editor):\n"
        "    if apps:  # a condition\n"
        "        schema_editor.execute(\"DROP TABLE t\")\n"
        "class Migration(migrations.Migration):\n"
        "    operations = [migrations.RunPython(archive), migrations.RunSQL(\"SELECT 1\"), migrations.RunSQL(built)]\n";
    CHECK(bot::add_code_branch_unknowns(f, &python, options) == 2);
    CHECK(has(f, "unknown-statement", 3));
    CHECK(has(f, "unknown-statement", 6));
    CHECK_FALSE(has(f, "unknown-statement", 4));

    analyze::FileReport plain = analyze::analyze_text("pgfence-capture.sql", "SELECT 1;\n", options);
    plain.path = "db/migrate/20240101_add.rb";
    const std::string generated = "class Add < ActiveRecord::Migration[7.0]\n  def change\n    add_column :users, :x, :string, if_not_exists: true\n"
                                  "    execute \"DROP INDEX if exists i\"\n  end\nend\n";
    CHECK(bot::add_code_branch_unknowns(plain, &generated, options) == 0);
    const std::string branching = "class Add < ActiveRecord::Migration[7.0]\n  def up\n    User.find_each { |u| u.touch }\n"
                                  "    execute \"DROP TABLE x\" unless ENV[\"KEEP\"]\n  end\nend\n";
    CHECK(bot::add_code_branch_unknowns(plain, &branching, options) == 2);
    CHECK(bot::add_code_branch_unknowns(plain, nullptr, options) == 1);
}
