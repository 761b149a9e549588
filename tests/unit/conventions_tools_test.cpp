// sqlx, golang-migrate, pop, node-pg-migrate and Synapse: which part of the file is read and
// whether the tool runs it in a transaction (README's migration-tool table cites the source).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/migrations/folder_tool.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

namespace {

FileReport run(const std::string& path, const std::string& text, Direction direction = Direction::Up,
               const std::string& beside = {}) {
    AnalyzeOptions options;
    options.direction = direction;
    options.run_rules = false;
    return analyze_text(path, text, options, beside);
}

bool all_in(const FileReport& report, Transaction t) {
    return !report.statements.empty() &&
           std::all_of(report.statements.begin(), report.statements.end(), [&](const auto& s) { return s.transaction == t; });
}

std::vector<std::string> sqls(const FileReport& report) {
    std::vector<std::string> out;
    for (const auto& s : report.statements) out.push_back(s.sql);
    return out;
}

}  // namespace

TEST_CASE("conventions: golang-migrate sends the whole .up.sql as one query") {
    const std::string up =
        "CREATE TABLE IF NOT EXISTS payments (\n    id bigserial PRIMARY KEY,\n    order_id bigint NOT NULL\n);\n"
        "CREATE INDEX payments_order_id_idx ON payments (order_id);\n";
    auto report = run("db/migrations/000012_create_payments.up.sql", up);
    CHECK(report.tool == MigrationTool::GolangMigrate);
    CHECK(report.wrapped_in_transaction);
    CHECK(all_in(report, Transaction::Implicit));
    CHECK(tool_name(report.tool) == "golang-migrate");

    // One statement alone runs outside any transaction: CONCURRENTLY works there.
    auto single = run("db/migrations/000013_index_payments_created_at.up.sql",
                      "CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_at_idx ON payments (created_at);\n");
    CHECK_FALSE(single.wrapped_in_transaction);
    CHECK(all_in(single, Transaction::None));

    // Its own BEGIN/COMMIT makes an explicit block inside the query.
    auto own = run("db/migrations/000014_backfill.up.sql",
                   "BEGIN;\nUPDATE payments SET status = 'settled' WHERE settled_at IS NOT NULL;\nCOMMIT;\n");
    CHECK(own.statements[1].transaction == Transaction::Explicit);

    // A down half without its up half beside it is no direction: node-pg-migrate runs it.
    CHECK_FALSE(run("db/migrations/000012_create_payments.down.sql", "DROP TABLE payments;").skipped);
    // --direction picks the file (its up half beside it).
    CHECK(run("db/migrations/000012_create_payments.down.sql", "DROP TABLE payments;", Direction::Up, std::string(tools::k_down_pair)).skipped);
    CHECK(run("db/migrations/000012_create_payments.up.sql", up, Direction::Down).skipped);
    auto down = run("db/migrations/000012_create_payments.down.sql", "DROP TABLE payments;", Direction::Down, std::string(tools::k_down_pair));
    CHECK_FALSE(down.skipped);
    CHECK(down.tool == MigrationTool::GolangMigrate);
}

TEST_CASE("conventions: sqlx wraps each file unless it starts with -- no-transaction") {
    const std::string cargo = "[package]\nname = \"billing\"\n\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\", \"migrate\"] }\n";
    auto wrapped = run("services/billing/migrations/20240312093000_add_invoice_due_date.sql",
                       "ALTER TABLE invoices ADD COLUMN due_date date;\nCREATE INDEX invoices_due_date_idx ON invoices (due_date);\n",
                       Direction::Up, cargo);
    CHECK(wrapped.tool == MigrationTool::Sqlx);
    CHECK(wrapped.wrapped_in_transaction);
    CHECK(all_in(wrapped, Transaction::Implicit));

    auto no_tx = run("services/billing/migrations/20240312094500_index_invoices_customer.sql",
                     "-- no-transaction\nCREATE INDEX CONCURRENTLY invoices_customer_id_idx ON invoices (customer_id);\n");
    CHECK(no_tx.tool == MigrationTool::Sqlx);
    CHECK_FALSE(no_tx.wrapped_in_transaction);
    CHECK(all_in(no_tx, Transaction::None));

    // Still one query: two statements share an implicit transaction.
    auto two = run("migrations/3_indexes.sql",
                   "-- no-transaction\nCREATE INDEX CONCURRENTLY a_idx ON invoices (a);\nCREATE INDEX CONCURRENTLY b_idx ON invoices (b);\n");
    CHECK(all_in(two, Transaction::Implicit));

    // The marker counts only at the file's first bytes.
    auto late = run("migrations/4_late.sql", "\n-- no-transaction\nCREATE INDEX CONCURRENTLY c_idx ON invoices (c);\n");
    CHECK(late.tool == MigrationTool::Plain);

    // Reversible sqlx migrations (.up.sql) with the marker are sqlx, not golang-migrate.
    auto reversible = run("migrations/20240401000000_orders_idx.up.sql",
                          "-- no-transaction\nCREATE INDEX CONCURRENTLY orders_idx ON orders (placed_at);\n");
    CHECK(reversible.tool == MigrationTool::Sqlx);
    CHECK(run("migrations/20240401000000_orders_idx.down.sql", "-- no-transaction\nDROP INDEX CONCURRENTLY orders_idx;\n").skipped);

    // A numbered file without a sqlx crate beside it stays plain SQL.
    CHECK(run("migrations/001_init.sql", "SELECT 1;").tool == MigrationTool::Plain);
}

TEST_CASE("conventions: a sqlx crate is found through the Cargo.toml beside migrations/") {
    fs::path root = fs::temp_directory_path() / ("pgfence_sqlx_crate_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "migrations");
    std::ofstream(root / "Cargo.toml") << "[dependencies]\nsqlx = \"0.8\"\n";
    std::ofstream(root / "migrations" / "20240501000000_users.sql") << "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n";
    AnalyzeOptions options;
    options.run_rules = false;
    auto report = analyze_file((root / "migrations" / "20240501000000_users.sql").string(), options);
    CHECK(report.tool == MigrationTool::Sqlx);
    CHECK(report.wrapped_in_transaction);
    fs::remove_all(root);
}

TEST_CASE("conventions: pop's dialect-named files run in a transaction") {
    auto report = run("migrations/20240102150405_create_widgets.postgres.up.sql",
                      "CREATE INDEX CONCURRENTLY widgets_name_idx ON widgets (name);\n");
    CHECK(report.tool == MigrationTool::Pop);
    CHECK(report.wrapped_in_transaction);
    CHECK(all_in(report, Transaction::Implicit));
    CHECK(run("migrations/20240102150405_create_widgets.postgres.down.sql", "DROP TABLE widgets;", Direction::Up, std::string(tools::k_down_pair)).skipped);
}

TEST_CASE("conventions: node-pg-migrate reads the Up Migration section, in a transaction") {
    const std::string text =
        "-- Up Migration\n"
        "CREATE TABLE subscriptions (id serial PRIMARY KEY, plan text NOT NULL);\n"
        "CREATE INDEX subscriptions_plan_idx ON subscriptions (plan);\n"
        "\n"
        "-- Down Migration\n"
        "DROP TABLE subscriptions;\n";
    auto up = run("migrations/1712345678901_create-subscriptions.sql", text);
    CHECK(up.tool == MigrationTool::NodePgMigrate);
    CHECK(up.wrapped_in_transaction);
    CHECK(sqls(up) == std::vector<std::string>{"CREATE TABLE subscriptions (id serial PRIMARY KEY, plan text NOT NULL)",
                                               "CREATE INDEX subscriptions_plan_idx ON subscriptions (plan)"});
    auto down = run("migrations/1712345678901_create-subscriptions.sql", text, Direction::Down);
    CHECK(sqls(down) == std::vector<std::string>{"DROP TABLE subscriptions"});
    CHECK(tool_name(MigrationTool::NodePgMigrate) == "node-pg-migrate");
}

TEST_CASE("conventions: Synapse's .sql.postgres delta files run in a transaction, and directories include them") {
    auto report = run("synapse/storage/schema/main/delta/83/05_cross_signing_key_update_grant.sql.postgres",
                      "ALTER TABLE e2e_cross_signing_keys ADD COLUMN updatable_without_uia_before_ms bigint DEFAULT NULL;\n");
    CHECK(report.tool == MigrationTool::Synapse);
    CHECK(report.wrapped_in_transaction);
    CHECK(all_in(report, Transaction::Implicit));

    fs::path root = fs::temp_directory_path() / ("pgfence_synapse_delta_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "83");
    std::ofstream(root / "83" / "01_rooms.sql") << "SELECT 1;\n";
    std::ofstream(root / "83" / "02_events.sql.postgres") << "SELECT 1;\n";
    std::ofstream(root / "83" / "02_events.sql.sqlite") << "SELECT 1;\n";
    std::vector<Error> errors;
    auto files = expand_inputs({root.string()}, errors);
    CHECK(errors.empty());
    REQUIRE(files.size() == 2);
    CHECK(files[1].ends_with("02_events.sql.postgres"));
    fs::remove_all(root);
}

TEST_CASE("conventions: Synapse's plain .sql deltas and full schemas run as its .sql.postgres ones do; other .sql files do not") {
    for (const char* path : {"synapse/storage/schema/main/delta/73/06thread_notifications_thread_id_idx.sql",
                             "synapse/storage/schema/delta/16/users.sql", "synapse/storage/schema/state/full_schemas/72/full.sql"}) {
        auto report = run(path, "DROP INDEX IF EXISTS event_push_summary_unique_index;\n");
        CHECK(report.tool == MigrationTool::Synapse);
        CHECK(report.wrapped_in_transaction);
        // No plan: the delta runs on SQLite too, where SET lock_timeout and CONCURRENTLY fail.
        auto planned = analyze_text(path, "DROP INDEX IF EXISTS event_push_summary_unique_index;\n", AnalyzeOptions{});
        REQUIRE(planned.plan);
        CHECK(planned.plan->steps.empty());
        CHECK(planned.plan->declined.find("SQLite") != std::string::npos);
    }
    // Its .sql.postgres twin gets a plan, with no step outside a transaction: Synapse cannot run
    // one (the DROP INDEX CONCURRENTLY is out of band, by hand).
    auto postgres = analyze_text("synapse/storage/schema/main/delta/73/06thread_notifications_thread_id_idx.sql.postgres",
                                 "DROP INDEX IF EXISTS event_push_summary_unique_index;\n", AnalyzeOptions{});
    REQUIRE(postgres.plan);
    CHECK_FALSE(postgres.plan->steps.empty());
    for (const auto& step : postgres.plan->steps) CHECK(step.run != PlanRun::no_transaction);
    // Other tools' files under folders of those names stay theirs.
    for (const char* path : {"db/schema/delta/01_x.sql", "synapse/storage/schema/README.sql", "db/storage/schema/delta/V2__idx.sql",
                             "internal/storage/schema/delta/000001_create.down.sql", "objectstorage/schema/full_schemas/U2__idx.sql",
                             "mysynapse/storage/schema/main/delta/73/x.sql", "synapse/storage/schema/main/delta/v2/x.sql"}) {
        CHECK(run(path, "SELECT 1;\n").tool != MigrationTool::Synapse);
    }
}

TEST_CASE("deployment: --single-transaction runs every file inside one transaction") {
    AnalyzeOptions options;
    options.single_transaction = true;
    auto report = analyze_text("db/2024_06_01_add_orders_index.sql",
                               "CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);\n", options);
    CHECK(report.deployment_transaction == "--single-transaction");
    CHECK(report.wrapped_in_transaction);
    CHECK(all_in(report, Transaction::Implicit));
    REQUIRE(report.findings.size() >= 1);
    bool named = false;
    for (const auto& f : report.findings) {
        named = named || (f.rule == "concurrently-in-transaction" &&
                          f.message.find("the one transaction the whole deployment runs in (--single-transaction)") != std::string::npos);
    }
    CHECK(named);
    // A golang-migrate file of one statement is wrapped too: the deployment's transaction holds it.
    options.run_rules = false;
    auto single = analyze_text("db/migrations/000013_index.up.sql", "CREATE INDEX CONCURRENTLY i ON t (c);\n", options);
    CHECK(all_in(single, Transaction::Implicit));
}

TEST_CASE("deployment: the files of a pgmi project share deploy.sql's transaction") {
    fs::path root = fs::temp_directory_path() / "pgmi_shop";
    fs::remove_all(root);
    fs::create_directories(root / "migrations");
    std::ofstream(root / "pgmi.yaml") << "connection:\n  database: shop\n";
    std::ofstream(root / "deploy.sql") << "BEGIN;\nSELECT 1;\nCOMMIT;\n";
    std::ofstream(root / "migrations" / "002_orders_index.sql")
        << "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n";
    AnalyzeOptions options;
    auto report = analyze_file((root / "migrations" / "002_orders_index.sql").string(), options);
    CHECK(report.deployment_transaction == "pgmi");
    CHECK(all_in(report, Transaction::Implicit));
    auto deploy = analyze_file((root / "deploy.sql").string(), options);
    CHECK(deploy.deployment_transaction.empty());
    fs::remove(root / "pgmi.yaml");
    CHECK(analyze_file((root / "migrations" / "002_orders_index.sql").string(), options).deployment_transaction.empty());
    fs::remove_all(root);
}
