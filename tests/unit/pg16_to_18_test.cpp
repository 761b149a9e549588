// What PostgreSQL 16, 17 and 18 changed, as migrations written for them: the facts under
// --pg-version 18 (17 where that differs), and the syntax finding under the default target 15.
// The conformance suite runs PostgreSQL 15 only; these facts come from PostgreSQL 18's
// src/backend/commands/tablecmds.c (AlterTableGetLockLevel, ATPrepCmd, ATExecSetNotNull,
// set_attnotnull, ATExecAlterConstrEnforceability, ATExecDetachPartitionFinalize) and the
// release notes (https://www.postgresql.org/docs/release/16.0/, 17.0/, 18.0/).
#include <catch2/catch.hpp>

#include <algorithm>

#include "analyze/analyzer.hpp"

using namespace pgfence::analyze;

namespace {

FileReport analyse(const std::string& sql, int pg_version) {
    AnalyzeOptions options;
    options.pg_version = pg_version;
    return analyze_text("migrations/0042.sql", sql, options);
}

// The statement whose SQL starts with `prefix`.
const StatementFacts& statement(const FileReport& report, const std::string& prefix) {
    auto it = std::find_if(report.statements.begin(), report.statements.end(),
                           [&](const StatementFacts& s) { return s.sql.starts_with(prefix); });
    REQUIRE(it != report.statements.end());
    return *it;
}

std::optional<LockMode> mode_of(const StatementFacts& s, const std::string& relation) {
    for (const auto& l : s.locks) {
        if (l.relation == relation) return l.mode;
    }
    return std::nullopt;
}

const TableEffect* effect(const std::vector<TableEffect>& effects, const std::string& relation) {
    auto it = std::find_if(effects.begin(), effects.end(), [&](const TableEffect& e) { return e.relation == relation; });
    return it == effects.end() ? nullptr : &*it;
}

std::vector<std::string> findings_of(const FileReport& report, const std::string& rule, int line) {
    std::vector<std::string> out;
    for (const auto& f : report.findings) {
        if (f.rule == rule && f.start.line == line) out.push_back(f.message);
    }
    return out;
}

const std::string k_not_null_migration =
    "SET lock_timeout = '2s';\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text);\n"
    "COMMIT;\n"
    "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null NOT NULL customer_id NOT VALID;\n"
    "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;\n"
    "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n"
    "ALTER TABLE orders ADD CONSTRAINT orders_note_not_null NOT NULL note;\n";

}  // namespace

TEST_CASE("18: NOT NULL ... NOT VALID adds without a scan; VALIDATE scans under SHARE UPDATE EXCLUSIVE") {
    FileReport r = analyse(k_not_null_migration, 18);
    // AlterTableGetLockLevel: AT_AddConstraint of a NOT NULL falls to the default, AccessExclusiveLock;
    // NOT VALID: set_attnotnull(..., queue_validation = false), no phase 3 scan.
    const auto& add = statement(r, "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null");
    CHECK(mode_of(add, "orders") == LockMode::AccessExclusive);
    CHECK(add.scans.empty());
    CHECK(add.rewrites.empty());
    // AT_ValidateConstraint: ShareUpdateExclusiveLock; QueueNNConstraintValidation checks every row.
    const auto& validate = statement(r, "ALTER TABLE orders VALIDATE");
    CHECK(mode_of(validate, "orders") == LockMode::ShareUpdateExclusive);
    CHECK(effect(validate.scans, "orders") != nullptr);
    // SET NOT NULL with a validated NOT NULL constraint in place: nothing to check.
    const auto& set = statement(r, "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL");
    CHECK(mode_of(set, "orders") == LockMode::AccessExclusive);
    CHECK(set.scans.empty());
    // A valid NOT NULL table constraint checks the column like SET NOT NULL.
    const auto& valid = statement(r, "ALTER TABLE orders ADD CONSTRAINT orders_note_not_null");
    CHECK(effect(valid.scans, "orders") != nullptr);
    CHECK(findings_of(r, "syntax-newer-than-target", 4).empty());
}

TEST_CASE("18: SET NOT NULL over a NOT VALID NOT NULL constraint validates it") {
    FileReport r = analyse("CREATE TABLE orders (id bigint, customer_id bigint);\n"
                           "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null NOT NULL customer_id NOT VALID;\n"
                           "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;\n",
                           18);
    // ATExecSetNotNull: an existing !convalidated constraint goes to ATExecValidateConstraint.
    CHECK(effect(statement(r, "ALTER TABLE orders ALTER COLUMN").scans, "orders") != nullptr);
}

TEST_CASE("15 rejects NOT NULL table constraints and NOT VALID on them") {
    FileReport r = analyse(k_not_null_migration, 15);
    CHECK(findings_of(r, "syntax-newer-than-target", 4) ==
          std::vector<std::string>{"PostgreSQL 15 rejects this syntax: NOT NULL ... NOT VALID needs PostgreSQL 18"});
    CHECK(findings_of(r, "syntax-newer-than-target", 7) ==
          std::vector<std::string>{"PostgreSQL 15 rejects this syntax: NOT NULL as a table constraint (ADD CONSTRAINT ... "
                                   "NOT NULL column) needs PostgreSQL 18"});
}

TEST_CASE("18: a virtual generated column is added without a rewrite; STORED still rewrites") {
    const std::string sql =
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE line_items ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) VIRTUAL;\n"
        "ALTER TABLE line_items ADD COLUMN tax_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents / 5);\n"
        "ALTER TABLE line_items ADD COLUMN gross_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) STORED;\n";
    FileReport r = analyse(sql, 18);
    const auto& virt = statement(r, "ALTER TABLE line_items ADD COLUMN total_cents");
    CHECK(mode_of(virt, "line_items") == LockMode::AccessExclusive);  // AT_AddColumn
    CHECK(virt.rewrites.empty());
    // Without STORED or VIRTUAL, 18 makes it virtual (gram.y opt_virtual_or_stored).
    CHECK(statement(r, "ALTER TABLE line_items ADD COLUMN tax_cents").rewrites.empty());
    CHECK(effect(statement(r, "ALTER TABLE line_items ADD COLUMN gross_cents").rewrites, "line_items") != nullptr);
    CHECK(findings_of(r, "add-column-stored-generated", 2).empty());
    CHECK(findings_of(r, "add-column-stored-generated", 3).empty());
    CHECK(findings_of(r, "add-column-stored-generated", 4).size() == 1);

    // Under 15 (which has only STORED) the same text is a syntax error, and the model keeps 15's facts.
    FileReport old = analyse(sql, 15);
    CHECK(findings_of(old, "syntax-newer-than-target", 2).size() == 1);
    CHECK(findings_of(old, "syntax-newer-than-target", 3).size() == 1);
    CHECK(findings_of(old, "syntax-newer-than-target", 4).empty());
}

TEST_CASE("17: SET EXPRESSION rewrites a stored column under ACCESS EXCLUSIVE; 18: not a virtual one") {
    const std::string sql =
        "CREATE TABLE line_items (id bigint, quantity int, unit_price_cents bigint,\n"
        "  total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) STORED);\n"
        "ALTER TABLE line_items ADD COLUMN net_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) VIRTUAL;\n"
        "ALTER TABLE line_items ALTER COLUMN total_cents SET EXPRESSION AS (quantity * unit_price_cents + 1);\n"
        "ALTER TABLE line_items ALTER COLUMN net_cents SET EXPRESSION AS (quantity * unit_price_cents - 1);\n"
        "ALTER TABLE line_items ALTER COLUMN total_cents DROP EXPRESSION;\n"
        "ALTER TABLE invoices ALTER COLUMN amount_cents SET EXPRESSION AS (net_cents + tax_cents);\n";
    FileReport r17 = analyse(sql, 17);
    const auto& stored = statement(r17, "ALTER TABLE line_items ALTER COLUMN total_cents SET EXPRESSION");
    // AlterTableGetLockLevel: AT_SetExpression -> AccessExclusiveLock; ATExecSetExpression rewrites.
    CHECK(stored.status == StatementStatus::Analyzed);
    CHECK(mode_of(stored, "line_items") == LockMode::AccessExclusive);
    REQUIRE(effect(stored.rewrites, "line_items") != nullptr);
    CHECK(effect(stored.rewrites, "line_items")->certain);
    // A column outside the migration: under 17 every generated column is stored.
    CHECK(effect(statement(r17, "ALTER TABLE invoices").rewrites, "invoices")->certain);

    FileReport r18 = analyse(sql, 18);
    CHECK(effect(statement(r18, "ALTER TABLE line_items ALTER COLUMN total_cents SET EXPRESSION").rewrites, "line_items"));
    const auto& virt = statement(r18, "ALTER TABLE line_items ALTER COLUMN net_cents");
    CHECK(mode_of(virt, "line_items") == LockMode::AccessExclusive);
    CHECK(virt.rewrites.empty());
    // Under 18 a column outside the migration may be virtual: the rewrite is not certain.
    REQUIRE(effect(statement(r18, "ALTER TABLE invoices").rewrites, "invoices") != nullptr);
    CHECK_FALSE(effect(statement(r18, "ALTER TABLE invoices").rewrites, "invoices")->certain);
    // DROP EXPRESSION keeps the stored values: ACCESS EXCLUSIVE, no rewrite.
    const auto& drop = statement(r18, "ALTER TABLE line_items ALTER COLUMN total_cents DROP EXPRESSION");
    CHECK(mode_of(drop, "line_items") == LockMode::AccessExclusive);
    CHECK(drop.rewrites.empty());

    FileReport r15 = analyse(sql, 15);
    CHECK(findings_of(r15, "syntax-newer-than-target", 4) ==
          std::vector<std::string>{"PostgreSQL 15 rejects this syntax: ALTER COLUMN ... SET EXPRESSION needs PostgreSQL 17"});
}

TEST_CASE("18: ALTER CONSTRAINT ... ENFORCED validates; NOT ENFORCED drops the triggers") {
    const std::string sql =
        "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n"
        "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT ENFORCED;\n"
        "ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey ENFORCED;\n"
        "ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey NOT ENFORCED;\n";
    FileReport r = analyse(sql, 18);
    const auto& enforced = statement(r, "ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey ENFORCED");
    // AlterTableGetLockLevel: AT_AlterConstraint -> AccessExclusiveLock.
    CHECK(mode_of(enforced, "orders") == LockMode::AccessExclusive);
    CHECK(effect(enforced.scans, "orders") != nullptr);                      // phase 3 validation
    CHECK(mode_of(enforced, "customers") == LockMode::ShareRowExclusive);  // CreateTrigger
    const auto& not_enforced = statement(r, "ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey NOT ENFORCED");
    CHECK(not_enforced.scans.empty());
    CHECK(mode_of(not_enforced, "customers") == LockMode::AccessExclusive);  // RemoveTriggerById

    FileReport r15 = analyse(sql, 15);
    CHECK(findings_of(r15, "syntax-newer-than-target", 3) ==
          std::vector<std::string>{"PostgreSQL 15 rejects this syntax: NOT ENFORCED / ENFORCED constraints needs PostgreSQL 18"});
    CHECK(findings_of(r15, "syntax-newer-than-target", 4) ==
          std::vector<std::string>{"PostgreSQL 15 rejects this syntax: ALTER CONSTRAINT ... [NOT] ENFORCED needs PostgreSQL 18"});
}

TEST_CASE("DETACH PARTITION CONCURRENTLY and FINALIZE") {
    const std::string sql =
        "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\n"
        "CREATE TABLE events_2019 PARTITION OF events FOR VALUES FROM ('2019-01-01') TO ('2020-01-01');\n"
        "COMMIT;\n"
        "ALTER TABLE events DETACH PARTITION events_2019 CONCURRENTLY;\n"
        "ALTER TABLE events DETACH PARTITION events_2019 FINALIZE;\n";
    FileReport r = analyse(sql, 18);
    // AlterTableGetLockLevel: concurrent detach -> ShareUpdateExclusiveLock on the parent; the
    // partition is locked ACCESS EXCLUSIVE in the second transaction.
    const auto& concurrent = statement(r, "ALTER TABLE events DETACH PARTITION events_2019 CONCURRENTLY");
    CHECK(mode_of(concurrent, "events") == LockMode::ShareUpdateExclusive);
    CHECK(mode_of(concurrent, "events_2019") == LockMode::AccessExclusive);
    CHECK(concurrent.no_transaction_block);
    // AT_DetachPartitionFinalize -> ShareUpdateExclusiveLock; ATExecDetachPartitionFinalize
    // opens the partition with AccessExclusiveLock.
    const auto& finalize = statement(r, "ALTER TABLE events DETACH PARTITION events_2019 FINALIZE");
    CHECK(mode_of(finalize, "events") == LockMode::ShareUpdateExclusive);
    CHECK(mode_of(finalize, "events_2019") == LockMode::AccessExclusive);
}

TEST_CASE("17: MERGE with WHEN NOT MATCHED BY SOURCE and RETURNING") {
    const std::string sql =
        "SET lock_timeout = '2s';\n"
        "MERGE INTO inventory AS i\n"
        "USING stock_counts AS s ON i.sku = s.sku\n"
        "WHEN MATCHED THEN UPDATE SET quantity = s.quantity\n"
        "WHEN NOT MATCHED BY SOURCE THEN DELETE\n"
        "RETURNING merge_action(), i.sku;\n";
    FileReport r = analyse(sql, 17);
    const auto& merge = statement(r, "MERGE");
    // The target ROW EXCLUSIVE, the source ACCESS SHARE, as for any MERGE.
    CHECK(mode_of(merge, "inventory") == LockMode::RowExclusive);
    CHECK(mode_of(merge, "stock_counts") == LockMode::AccessShare);
    CHECK(findings_of(r, "syntax-newer-than-target", 2).empty());
    FileReport r15 = analyse(sql, 15);
    auto found = findings_of(r15, "syntax-newer-than-target", 2);
    std::sort(found.begin(), found.end());
    CHECK(found == std::vector<std::string>{
                       "PostgreSQL 15 rejects this syntax: MERGE ... RETURNING needs PostgreSQL 17",
                       "PostgreSQL 15 rejects this syntax: MERGE ... WHEN NOT MATCHED BY SOURCE needs PostgreSQL 17"});
}

TEST_CASE("17: MERGE into an updatable view locks the view and its table") {
    const std::string sql =
        "CREATE TABLE accounts (id bigint PRIMARY KEY, balance_cents bigint, active boolean);\n"
        "CREATE VIEW active_accounts AS SELECT id, balance_cents FROM accounts WHERE active;\n"
        "COMMIT;\n"
        "MERGE INTO active_accounts AS a USING payouts AS p ON a.id = p.account_id\n"
        "WHEN MATCHED THEN UPDATE SET balance_cents = a.balance_cents - p.amount_cents;\n";
    FileReport r = analyse(sql, 17);
    const auto& merge = statement(r, "MERGE");
    CHECK(mode_of(merge, "active_accounts") == LockMode::RowExclusive);
    CHECK(mode_of(merge, "accounts") == LockMode::RowExclusive);
    CHECK(mode_of(merge, "payouts") == LockMode::AccessShare);
}

TEST_CASE("16: a subquery in FROM without an alias is analysed like one with") {
    const std::string sql =
        "INSERT INTO daily_totals (day, total)\n"
        "SELECT day, sum(amount) FROM (SELECT created_at::date AS day, amount FROM payments) GROUP BY day;\n";
    FileReport r = analyse(sql, 16);
    const auto& insert = statement(r, "INSERT");
    CHECK(insert.status == StatementStatus::Analyzed);
    CHECK(mode_of(insert, "daily_totals") == LockMode::RowExclusive);
    CHECK(mode_of(insert, "payments") == LockMode::AccessShare);
    CHECK(findings_of(r, "syntax-newer-than-target", 1).empty());
    CHECK(findings_of(analyse(sql, 15), "syntax-newer-than-target", 1) ==
          std::vector<std::string>{"PostgreSQL 15 rejects this syntax: a subquery in FROM without an alias needs PostgreSQL 16"});
}

// PostgreSQL 18 takes ACCESS SHARE on each table a GRANT or REVOKE names (observed on 18.6);
// 15 takes none. A GRANT waits behind an ALTER TABLE's ACCESS EXCLUSIVE there, and holds up one.
TEST_CASE("PostgreSQL 18: GRANT and REVOKE on a table take ACCESS SHARE on it") {
    const std::string sql = "GRANT SELECT, INSERT ON TABLE orders, app.payments TO reporting;\n"
                            "REVOKE UPDATE ON orders FROM PUBLIC;\n"
                            "GRANT USAGE ON SCHEMA app TO reporting;\n";
    FileReport v18 = analyse(sql, 18);
    const StatementFacts& grant = statement(v18, "GRANT SELECT, INSERT");
    CHECK(mode_of(grant, "orders") == LockMode::AccessShare);
    CHECK(mode_of(grant, "app.payments") == LockMode::AccessShare);
    CHECK(mode_of(statement(v18, "REVOKE"), "orders") == LockMode::AccessShare);
    CHECK(statement(v18, "GRANT USAGE").locks.empty());

    FileReport v15 = analyse(sql, 15);
    CHECK(statement(v15, "GRANT SELECT, INSERT").locks.empty());
    CHECK(statement(v15, "REVOKE").locks.empty());
}
