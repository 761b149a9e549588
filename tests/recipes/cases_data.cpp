// Statements that change many rows: the batched loops run out of band while the application
// keeps writing to the same table, and the copy-and-swap that must not lose its writes.
#include "tests/recipes/case_checks.hpp"
#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {

using namespace checks;

void add_data_cases(std::vector<RecipeCase>& cases) {
    const std::string originals_gone = "SELECT NOT EXISTS (SELECT 1 FROM sessions WHERE id <= 20000)";
    cases.push_back({
        .rule = "truncate",
        .statement = "TRUNCATE sessions;",
        .expectations = {{"every session there was is gone", originals_gone}},
        .traffic = traffic_on("sessions"),
    });

    cases.push_back({
        .rule = "delete-without-where",
        .statement = "DELETE FROM sessions;",
        .expectations = {{"every session there was is gone", originals_gone}},
        .traffic = traffic_on("sessions"),
    });

    // A cart with its first item, in one statement, as the application creates them.
    TrafficSql cart_traffic = {
        "WITH cart AS (INSERT INTO carts (user_id) VALUES (1 + {n} % 10000) RETURNING id) "
        "INSERT INTO cart_items (cart_id, sku) SELECT id, 'writer-{n}' FROM cart",
        "UPDATE cart_items SET sku = sku WHERE id = 1 + ({n} * 7919) % 6000",
        "SELECT * FROM carts WHERE id = 1 + ({n} * 7919) % 2000"};
    const std::string carts_gone = "SELECT NOT EXISTS (SELECT 1 FROM carts WHERE id <= 2000) "
                                   "AND NOT EXISTS (SELECT 1 FROM cart_items WHERE id <= 6000)";
    cases.push_back({
        .rule = "truncate-cascade",
        .variant = "TRUNCATE of the tables named",
        .statement = "TRUNCATE carts CASCADE;",
        .expectations = {{"the carts and their items there were are gone", carts_gone}},
        .traffic = cart_traffic,
        .skipped_steps = {{1, "the alternative to step 1, rehearsed as a case of its own"}},
    });
    // A cart and its item written between the two loops would fail the carts batch on the
    // foreign key (the recipe says to run the loops again then): here the application only
    // opens carts while they are emptied.
    TrafficSql new_carts = cart_traffic;
    new_carts.insert = "INSERT INTO carts (user_id) VALUES (1 + {n} % 10000)";
    cases.push_back({
        .rule = "truncate-cascade",
        .variant = "out of band, table by table",
        .statement = "TRUNCATE carts CASCADE;",
        .expectations = {{"the carts and their items there were are gone", carts_gone}},
        .traffic = new_carts,
        .skipped_steps = {{0, "the TRUNCATE, rehearsed as a case of its own"}},
    });

    // Every original amount doubled; the writer's own orders may be walked over too.
    cases.push_back({
        .rule = "update-without-where",
        .statement = "UPDATE orders SET amount = amount * 2;",
        .expectations = {{"every original order's amount is doubled",
                          "SELECT bool_and(amount = 2 * (1 + (id % 500) + 0.99)) FROM orders WHERE id <= 30000"},
                         {"no order lost", rows_kept("orders", 30000)}},
        .traffic = traffic_on("orders"),
    });

    // The first 6000 users were backfilled before: whole batches of them need nothing.
    cases.push_back({
        .rule = "backfill-in-migration",
        .statement = "UPDATE users SET email_lower = lower(email) WHERE email_lower IS NULL AND email IS NOT NULL;",
        .expectations = {{"every user's email_lower is lower(email)",
                          "SELECT bool_and(email_lower IS NOT DISTINCT FROM lower(email)) FROM users WHERE id <= 10000"}},
        .traffic = traffic_on("users"),
    });

    // A join: the batch's subquery cannot see the USING table.
    cases.push_back({
        .rule = "backfill-in-migration",
        .variant = "DELETE ... USING",
        .statement = "DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.email IS NULL;",
        .expectations = {{"no session of a user without an email is left",
                          "SELECT NOT EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id "
                          "WHERE u.email IS NULL AND s.id <= 20000)"},
                         {"every other session is kept",
                          "SELECT count(*) = 19600 FROM sessions s JOIN users u ON u.id = s.user_id "
                          "WHERE u.email IS NOT NULL AND s.id <= 20000"}},
        .traffic = traffic_on("sessions"),
    });
    cases.push_back({
        .rule = "backfill-in-migration",
        .variant = "UPDATE ... FROM, aliased",
        .statement = "UPDATE accounts a SET balance = a.balance + 1 FROM users u WHERE u.id = a.owner_id AND u.age IS NULL;",
        .expectations = {{"every original account of an owner without an age got 1 more, and only those",
                          "SELECT bool_and(balance = (id % 1000) * 1.5 + CASE WHEN (1 + id % 10000) % 7 = 0 THEN 1 ELSE 0 END) "
                          "FROM accounts WHERE id <= 5000"}},
        .traffic = traffic_on("accounts"),
    });

    cases.push_back({
        .rule = "delete-without-where",
        .variant = "RETURNING",
        .statement = "DELETE FROM sessions RETURNING id;",
        .expectations = {{"every session there was is gone", originals_gone}},
        .traffic = traffic_on("sessions"),
    });

    // Rows written while the copy is made must not be lost in the swap: the writer gives its
    // rows ids from 1000000 on, and every one it was told was inserted must be there.
    cases.push_back({
        .rule = "copy-and-swap-loses-writes",
        .statement = "CREATE TABLE page_views_dedup AS SELECT DISTINCT ON (session_id, url, viewed_at) * FROM page_views "
                     "ORDER BY session_id, url, viewed_at, id;\n"
                     "DROP TABLE page_views;\n"
                     "ALTER TABLE page_views_dedup RENAME TO page_views;",
        .expectations = {{"no view is recorded twice",
                          "SELECT count(*) = count(DISTINCT (session_id, url, viewed_at)) FROM page_views"},
                         {"every view there was is there once",
                          "SELECT count(*) = 8000 FROM page_views WHERE id <= 8000"},
                         {"every row the writer inserted is there",
                          "SELECT count(*) = {inserted} FROM page_views WHERE id >= 1000000"}},
        .traffic = {"INSERT INTO page_views (id, session_id, url, viewed_at) VALUES (1000000 + {n}, {n}, '/writer/{n}', now())",
                    "UPDATE page_views SET url = url WHERE id = 1 + ({n} * 7919) % 8000",
                    "SELECT * FROM page_views WHERE id = 1 + ({n} * 7919) % 8000"},
    });
}

}  // namespace pgfence::tests::recipes
