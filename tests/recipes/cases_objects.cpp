// Indexes, materialized views, partitions, maintenance commands and drops: the CONCURRENTLY
// forms, and the release-first protocol of the drops.
#include "tests/recipes/case_checks.hpp"
#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {

using namespace checks;

void add_object_cases(std::vector<RecipeCase>& cases) {
    cases.push_back({
        .rule = "drop-index-without-concurrently",
        .statement = "DROP INDEX orders_user_id_idx;",
        .expectations = {{"orders_user_id_idx is gone", relation_missing("orders_user_id_idx")},
                         {"no order lost", rows_kept("orders", 30000)}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "drop-index-without-concurrently",
        .variant = "index of a partitioned table",
        .statement = "DROP INDEX events_kind_idx;",
        .setup = "CREATE INDEX events_kind_idx ON events (kind);",
        .expectations = {{"events_kind_idx is gone, with its partitions' indexes",
                          relation_missing("events_kind_idx") +
                              " AND NOT EXISTS (SELECT 1 FROM pg_class WHERE relname LIKE 'events_20%_kind_idx')"}},
        .traffic = traffic_on("events"),
    });

    cases.push_back({
        .rule = "reindex-without-concurrently",
        .variant = "TABLE",
        .statement = "REINDEX TABLE orders;",
        .expectations = {{"every index of orders is valid",
                          "SELECT bool_and(indisvalid AND indisready) FROM pg_index WHERE indrelid = 'orders'::regclass"},
                         {"no copy left behind", "SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relname LIKE '%_ccnew%')"}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "reindex-without-concurrently",
        .statement = "REINDEX INDEX orders_user_id_idx;",
        .expectations = {{"orders_user_id_idx is valid and ready", index_valid("orders_user_id_idx")},
                         {"it is the same index",
                          "SELECT pg_get_indexdef('orders_user_id_idx'::regclass) = "
                          "'CREATE INDEX orders_user_id_idx ON public.orders USING btree (user_id)'"},
                         {"no copy left behind",
                          "SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relname LIKE 'orders_user_id_idx_cc%')"}},
        .traffic = traffic_on("orders"),
    });

    // An order placed since the last refresh; the writer's orders are guest orders, which the
    // view leaves out, so the view must equal its query exactly.
    TrafficSql guest_orders = traffic_on("orders");
    guest_orders.insert = "INSERT INTO orders (user_id, amount) VALUES (NULL, 9.99)";
    guest_orders.select = "SELECT * FROM user_order_totals WHERE user_id = 1 + ({n} * 7919) % 10000";
    const std::string view_query =
        "SELECT user_id, count(*) AS orders, sum(amount) AS total FROM orders WHERE user_id IS NOT NULL GROUP BY user_id";
    cases.push_back({
        .rule = "refresh-matview-without-concurrently",
        .statement = "REFRESH MATERIALIZED VIEW user_order_totals;",
        .setup = "INSERT INTO orders (user_id, amount) VALUES (1, 1000.00);",
        .expectations = {{"user_order_totals holds what its query returns now",
                          "SELECT NOT EXISTS ((" + view_query + ") EXCEPT (SELECT * FROM user_order_totals)) "
                          "AND NOT EXISTS ((SELECT * FROM user_order_totals) EXCEPT (" + view_query + "))"},
                         {"the new order is counted",
                          "SELECT coalesce((SELECT total >= 1000 FROM user_order_totals WHERE user_id = 1), false)"}},
        .traffic = guest_orders,
    });

    cases.push_back({
        .rule = "detach-partition-without-concurrently",
        .statement = "ALTER TABLE events DETACH PARTITION events_2023;",
        .expectations = {{"events_2023 is a table of its own", "SELECT NOT relispartition FROM pg_class WHERE oid = 'events_2023'::regclass"},
                         {"it kept its rows", "SELECT count(*) = 4379 FROM events_2023"},
                         {"events no longer reads them", "SELECT NOT EXISTS (SELECT 1 FROM events WHERE created_at < '2024-01-01 00:00+00')"}},
        .traffic = traffic_on("events"),
    });

    // metrics has a DEFAULT partition: CONCURRENTLY is refused, the recipe detaches the plain way.
    cases.push_back({
        .rule = "detach-partition-without-concurrently",
        .variant = "with a DEFAULT partition",
        .statement = "ALTER TABLE metrics DETACH PARTITION metrics_us;",
        .expectations = {{"metrics_us is a table of its own", "SELECT NOT relispartition FROM pg_class WHERE oid = 'metrics_us'::regclass"},
                         {"it kept its rows", "SELECT count(*) = 2000 FROM metrics_us WHERE id <= 6000"},
                         {"metrics no longer reads them", "SELECT NOT EXISTS (SELECT 1 FROM metrics WHERE region = 'us' AND id <= 6000)"}},
        .traffic = {"INSERT INTO metrics (id, region, value) VALUES (900000 + {n}, CASE WHEN {n} % 2 = 0 THEN 'us' ELSE 'apac' END, {n})",
                    "UPDATE metrics SET value = value WHERE id = 1 + ({n} * 7919) % 6000",
                    "SELECT * FROM metrics WHERE id = 1 + ({n} * 7919) % 6000"},
    });

    // pg_repack, which re-orders the rows, is out of band and not installed here: what runs
    // is the migration that records the index to order by.
    cases.push_back({
        .rule = "cluster",
        .statement = "CLUSTER orders USING orders_user_id_idx;",
        .expectations = {{"orders is marked to be clustered on orders_user_id_idx",
                          "SELECT coalesce((SELECT indisclustered FROM pg_index WHERE indexrelid = 'orders_user_id_idx'::regclass), false)"},
                         {"no order lost", rows_kept("orders", 30000)}},
        .traffic = traffic_on("orders"),
    });

    // A quarter of the orders deleted: VACUUM FULL would give their space back; the recipe's
    // plain VACUUM makes it reusable (pg_repack, for the rest, is out of band).
    cases.push_back({
        .rule = "vacuum-full",
        .statement = "VACUUM FULL orders;",
        .setup = "DELETE FROM orders WHERE id % 4 = 0;",
        .expectations = {{"orders has been vacuumed",
                          "SELECT coalesce((SELECT vacuum_count > 0 FROM pg_stat_user_tables WHERE relid = 'orders'::regclass), false)"},
                         {"every order not deleted is still there",
                          "SELECT count(*) = 22500 FROM orders WHERE id <= 30000"}},
        .traffic = traffic_on("orders"),
    });

    // The code that wrote audit_log is gone before the migration that drops it, as the
    // recipe's first step asks; the application keeps using users.
    cases.push_back({
        .rule = "drop-table",
        .statement = "DROP TABLE audit_log;",
        .expectations = {{"audit_log is gone", relation_missing("audit_log")}},
        .traffic = {"INSERT INTO audit_log (message) VALUES ('writer {n}')",
                    "UPDATE audit_log SET message = message WHERE id = 1 + ({n} * 7919) % 2000",
                    "SELECT * FROM audit_log WHERE id = 1 + ({n} * 7919) % 2000"},
        .traffic_changes = {{1, "the release that no longer uses audit_log is deployed", traffic_on("users")}},
    });

    cases.push_back({
        .rule = "drop-schema",
        .statement = "DROP SCHEMA reporting CASCADE;",
        .hooks = {{0, "the objects the query lists are dropped one by one, each reviewed on its own",
                   "DROP TABLE reporting.daily_signups;"}},
        .expectations = {{"reporting is gone", "SELECT to_regnamespace('reporting') IS NULL"},
                         {"nothing outside it went with it", "SELECT count(*) = 10000 FROM users WHERE id <= 10000"}},
        .traffic = traffic_on("users"),
    });

    // The recipe's index goes in the migration that creates the table.
    const std::string notes = "CREATE TABLE order_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                              "order_id bigint NOT NULL REFERENCES orders (id), body text NOT NULL);";
    cases.push_back({
        .rule = "foreign-key-without-index",
        .statement = notes,
        .statement_first = true,
        .expectations = {{"order_notes (order_id) has a valid index",
                          "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = 'order_notes'::regclass "
                          "AND indkey::text = (SELECT attnum::text FROM pg_attribute WHERE attrelid = 'order_notes'::regclass "
                          "AND attname = 'order_id') AND indisvalid)"}},
        .traffic = {"INSERT INTO order_notes (order_id, body) VALUES (1 + {n} % 30000, 'note {n}')",
                    "UPDATE orders SET placed_at = placed_at WHERE id = 1 + ({n} * 7919) % 30000",
                    "SELECT * FROM orders WHERE id = 1 + ({n} * 7919) % 30000"},
    });
}

}  // namespace pgfence::tests::recipes
