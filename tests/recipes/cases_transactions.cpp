// Migrations of several statements whose transaction is the problem: the recipes split it,
// close it, or move a statement to a migration of its own. Their steps carry their own
// BEGIN ... COMMIT and SET lines, and run as written.
#include "tests/recipes/case_checks.hpp"
#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {

using namespace checks;

void add_transaction_cases(std::vector<RecipeCase>& cases) {
    cases.push_back({
        .rule = "enum-add-value-in-transaction",
        .statement = "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\n"
                     "UPDATE orders SET status = 'refunded' WHERE id = 7;\nCOMMIT;",
        .hooks = {{1, "migration 2's statements, which use the new value", "UPDATE orders SET status = 'refunded' WHERE id = 7"}},
        .expectations = {{"order_status has 'refunded'",
                          "SELECT 'refunded' = ANY (enum_range(NULL::order_status)::text[])"},
                         {"order 7 is refunded", "SELECT status = 'refunded' FROM orders WHERE id = 7"}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "not-valid-validate-same-transaction",
        .statement = "BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;\n"
                     "ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\nCOMMIT;",
        .expectations = {{"orders_amount_positive exists and is validated",
                          constraint_validated("orders", "orders_amount_positive", 'c')}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "multiple-access-exclusive-in-transaction",
        .statement = "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE accounts ADD COLUMN owner_email text;\n"
                     "ALTER TABLE users ADD COLUMN account_count integer;\n"
                     "UPDATE accounts SET owner_email = users.email FROM users WHERE users.id = accounts.owner_id;\nCOMMIT;",
        .expectations = {{"users.account_count exists", column_test("users", "account_count", "true")},
                         {"every original account has its owner's email",
                          "SELECT bool_and(a.owner_email IS NOT DISTINCT FROM u.email) FROM accounts a "
                          "JOIN users u ON u.id = a.owner_id WHERE a.id <= 5000"}},
        .traffic = traffic_on("accounts"),
    });

    // An UPDATE of some rows through an index (a whole-table one, or a WHERE no index serves, as
    // on accounts, is work-under-held-lock's finding instead).
    cases.push_back({
        .rule = "statement-after-access-exclusive",
        .statement = "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE products ADD COLUMN currency varchar(3);\n"
                     "UPDATE products SET currency = 'EUR' WHERE id <= 100;\nCOMMIT;",
        .expectations = {{"products.currency is varchar(3)",
                          column_test("products", "currency", "format_type(atttypid, atttypmod) = 'character varying(3)'")},
                         {"the first 100 products are in EUR",
                          "SELECT bool_and(currency = 'EUR') FROM products WHERE id <= 100"}},
        .traffic = traffic_on("products"),
    });

    cases.push_back({
        .rule = "work-under-held-lock",
        // A whole-table copy no other rule reports (an index build there is
        // create-index-without-concurrently's finding, naming the held lock).
        .statement = "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE orders ADD COLUMN shipped_at timestamptz;\n"
                     "INSERT INTO audit_log (message) SELECT 'order ' || id FROM orders;\nCOMMIT;",
        .expectations = {{"orders.shipped_at exists", column_test("orders", "shipped_at", "true")},
                         {"every original order is in audit_log",
                          "SELECT count(*) >= 30000 FROM audit_log WHERE message LIKE 'order %'"}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "transaction-left-open",
        .statement = "BEGIN;\nALTER TABLE accounts ADD COLUMN nickname text;\n"
                     "CREATE INDEX accounts_owner_id_idx ON accounts (owner_id);",
        .expectations = {{"accounts.nickname exists", column_test("accounts", "nickname", "true")},
                         {"accounts_owner_id_idx is valid", index_valid("accounts_owner_id_idx")}},
        .traffic = traffic_on("accounts"),
    });
}

}  // namespace pgfence::tests::recipes
