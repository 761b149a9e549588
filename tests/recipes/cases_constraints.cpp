// Constraints and indexes: built concurrently or added NOT VALID and validated under a lock
// that lets the application's reads and writes through.
#include "tests/recipes/case_checks.hpp"
#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {

using namespace checks;

void add_constraint_cases(std::vector<RecipeCase>& cases) {
    cases.push_back({
        .rule = "add-foreign-key-without-not-valid",
        .statement = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
        .expectations = {{"orders_user_fk exists and is validated", constraint_validated("orders", "orders_user_fk", 'f')},
                         {"it references users (id)",
                          "SELECT coalesce((SELECT confrelid = 'users'::regclass FROM pg_constraint WHERE conname = 'orders_user_fk'), false)"}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "add-check-without-not-valid",
        .statement = "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);",
        .expectations = {{"orders_amount_positive exists and is validated",
                          constraint_validated("orders", "orders_amount_positive", 'c')}},
        .traffic = traffic_on("orders"),
    });

    cases.push_back({
        .rule = "add-unique-without-index",
        .statement = "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
        .expectations = {{"users_email_key is a validated UNIQUE constraint", constraint_validated("users", "users_email_key", 'u')},
                         {"its index is valid and unique", constraint_index_valid("users", "users_email_key", "indisunique")},
                         {"it covers email", "SELECT pg_get_indexdef('users_email_key'::regclass) LIKE '%USING btree (email)'"}},
        .traffic = traffic_on("users"),
    });

    cases.push_back({
        .rule = "add-primary-key-without-index",
        .statement = "ALTER TABLE accounts ADD PRIMARY KEY (id);",
        .expectations = {{"accounts_pkey is a PRIMARY KEY", constraint_validated("accounts", "accounts_pkey", 'p')},
                         {"its index is valid and primary", constraint_index_valid("accounts", "accounts_pkey", "indisprimary")},
                         {"accounts.id is NOT NULL", column_test("accounts", "id", "attnotnull")},
                         {"the helper CHECK is gone", no_check_left("accounts")}},
        .traffic = traffic_on("accounts"),
    });

    cases.push_back({
        .rule = "create-index-without-concurrently",
        .statement = "CREATE INDEX users_email_idx ON users (email);",
        .expectations = {{"users_email_idx is valid and ready", index_valid("users_email_idx")},
                         {"it is the index that was asked for",
                          "SELECT pg_get_indexdef('users_email_idx'::regclass) = 'CREATE INDEX users_email_idx ON public.users USING btree (email)'"}},
        .traffic = traffic_on("users"),
    });

    // email is NULL for every 50th user: the original statement would fail on this data too.
    // The recipe adds the NOT VALID CHECK first (new rows must have an email), the NULLs are
    // backfilled, then it validates.
    cases.push_back({
        .rule = "set-not-null-scan",
        .statement = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        .hooks = {{0, "backfill the users without an email, as the original statement required",
                   "UPDATE users SET email = 'user' || id || '@phone.example.com' WHERE email IS NULL"}},
        .expectations = {{"users.email is NOT NULL", column_test("users", "email", "attnotnull")},
                         {"the helper CHECK is gone", no_check_left("users")},
                         {"no user lost", rows_kept("users", 10000)}},
        .traffic = traffic_on("users"),
    });

    cases.push_back({
        .rule = "add-domain-constraint",
        .statement = "ALTER DOMAIN quantity ADD CONSTRAINT quantity_check CHECK (VALUE >= 0);",
        .expectations = {{"quantity_check is a validated constraint of the domain",
                          "SELECT coalesce((SELECT convalidated FROM pg_constraint WHERE contypid = 'quantity'::regtype "
                          "AND conname = 'quantity_check'), false)"},
                         {"it is the CHECK asked for",
                          "SELECT coalesce((SELECT pg_get_constraintdef(oid) = 'CHECK ((VALUE >= 0))' FROM pg_constraint "
                          "WHERE contypid = 'quantity'::regtype AND conname = 'quantity_check'), false)"}},
        .traffic = traffic_on("products"),
    });

    // The partition key is not in the migration: the recipe writes partition_key for it and
    // says to put the column's name in.
    cases.push_back({
        .rule = "attach-partition-scan",
        .statement = "ALTER TABLE events ATTACH PARTITION events_2025 "
                     "FOR VALUES FROM ('2025-01-01 00:00+00') TO ('2026-01-01 00:00+00');",
        .placeholders = {{"partition_key", "created_at"}},
        .expectations = {{"events_2025 is a partition of events",
                          "SELECT coalesce((SELECT c.relispartition AND i.inhparent = 'events'::regclass FROM pg_class c "
                          "JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.oid = 'events_2025'::regclass), false)"},
                         {"with the bound asked for",
                          "SELECT pg_get_expr(relpartbound, oid) = format('FOR VALUES FROM (%L) TO (%L)', "
                          "timestamptz '2025-01-01 00:00+00', timestamptz '2026-01-01 00:00+00') "
                          "FROM pg_class WHERE oid = 'events_2025'::regclass"},
                         {"the helper CHECK is gone", no_check_left("events_2025")},
                         {"events reads every 2025 row",
                          "SELECT count(*) = 5000 FROM events WHERE id BETWEEN 10001 AND 15000"}},
        .traffic = {"INSERT INTO events_2025 (id, kind, created_at) VALUES (900000 + {n}, 'writer', timestamptz '2025-06-01 00:00+00')",
                    "UPDATE events_2025 SET kind = kind WHERE id = 10001 + ({n} * 7919) % 5000",
                    "SELECT * FROM events WHERE id = 10001 + ({n} * 7919) % 5000"},
    });

    // With a DEFAULT partition, ATTACH also reads it for rows that belong in the new partition:
    // the recipe proves that with a CHECK on it too. The application writes other regions.
    cases.push_back({
        .rule = "attach-partition-scan",
        .variant = "list, with a DEFAULT partition",
        .statement = "ALTER TABLE metrics ATTACH PARTITION metrics_eu FOR VALUES IN ('eu');",
        .placeholders = {{"partition_key", "region"}},
        .expectations = {{"metrics_eu is a partition of metrics",
                          "SELECT coalesce((SELECT relispartition FROM pg_class WHERE oid = 'metrics_eu'::regclass), false)"},
                         {"no helper CHECK is left", no_check_left("metrics_eu") + " AND (" + no_check_left("metrics_other") + ")"},
                         {"metrics reads every eu row", "SELECT count(*) = 3000 FROM metrics WHERE region = 'eu'"},
                         {"the default partition kept its rows",
                          "SELECT count(*) = 4000 FROM metrics_other WHERE id <= 6000"}},
        .traffic = {"INSERT INTO metrics (id, region, value) VALUES (900000 + {n}, CASE WHEN {n} % 2 = 0 THEN 'us' ELSE 'apac' END, {n})",
                    "UPDATE metrics SET value = value WHERE id = 1 + ({n} * 7919) % 9000",
                    "SELECT * FROM metrics WHERE id = 1 + ({n} * 7919) % 9000"},
    });

    // The recipe's second step is a template for each partition: the test fills it in for the
    // two partitions, one statement at a time (CONCURRENTLY cannot share a query).
    std::vector<Hook> per_partition;
    for (std::string p : {"events_2023", "events_2024"}) {
        per_partition.push_back({1, "the template for partition " + p,
                                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + p + "_created_at_idx ON " + p + " (created_at)"});
        per_partition.push_back({1, "the template for partition " + p,
                                 "ALTER INDEX events_created_at_idx ATTACH PARTITION " + p + "_created_at_idx"});
    }
    cases.push_back({
        .rule = "create-index-without-concurrently",
        .variant = "partitioned table",
        .statement = "CREATE INDEX events_created_at_idx ON events (created_at);",
        .hooks = per_partition,
        .expectations = {{"events_created_at_idx is valid", index_valid("events_created_at_idx")},
                         {"every partition has its index, valid and attached",
                          "SELECT count(*) = 2 FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid "
                          "WHERE i.inhparent = 'events_created_at_idx'::regclass AND x.indisvalid"}},
        .traffic = traffic_on("events"),
    });
}

}  // namespace pgfence::tests::recipes
