#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {
namespace {

// "SELECT <test> FROM pg_attribute ..." for one live column; false when it does not exist.
std::string column_test(const std::string& table, const std::string& column, const std::string& test) {
    return "SELECT coalesce((SELECT " + test + " FROM pg_attribute WHERE attrelid = to_regclass('" + table +
           "') AND attname = '" + column + "' AND NOT attisdropped), false)";
}

std::string column_missing(const std::string& table, const std::string& column) {
    return "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('" + table +
           "') AND attname = '" + column + "' AND NOT attisdropped)";
}

// The constraint exists with this contype and PostgreSQL counts it as validated.
std::string constraint_validated(const std::string& table, const std::string& name, char contype) {
    return "SELECT coalesce((SELECT contype = '" + std::string(1, contype) +
           "' AND convalidated FROM pg_constraint WHERE conrelid = to_regclass('" + table + "') AND conname = '" +
           name + "'), false)";
}

// No CHECK constraint left behind on the table (the recipes' NOT NULL helpers are dropped).
std::string no_check_left(const std::string& table) {
    return "SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('" + table +
           "') AND contype = 'c')";
}

std::string relkind_is(const std::string& name, char relkind) {
    return "SELECT coalesce((SELECT relkind = '" + std::string(1, relkind) +
           "' FROM pg_class WHERE oid = to_regclass('" + name + "')), false)";
}

// The index behind constraint `name`, valid and ready, with the given flag (indisunique, ...).
std::string constraint_index_valid(const std::string& table, const std::string& name, const std::string& flag) {
    return "SELECT coalesce((SELECT i.indisvalid AND i.indisready AND i." + flag +
           " FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid WHERE c.conrelid = to_regclass('" +
           table + "') AND c.conname = '" + name + "'), false)";
}

const std::string k_users_kept = "SELECT count(*) >= 10000 FROM users";

std::vector<RecipeCase> build() {
    std::vector<RecipeCase> cases;

    cases.push_back({"add-column-not-null-without-default", "ALTER TABLE users ADD COLUMN verified boolean NOT NULL;",
                     {{"<value>", "false"}}, {},
                     {{"users.verified is boolean NOT NULL", column_test("users", "verified", "attnotnull AND atttypid = 'boolean'::regtype")},
                      {"every user has verified = false", "SELECT bool_and(verified IS FALSE) FROM users"},
                      {"the helper CHECK is gone", no_check_left("users")},
                      {"no user lost", k_users_kept}}});

    cases.push_back({"add-foreign-key-without-not-valid",
                     "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
                     {}, {},
                     {{"orders_user_fk exists and is validated", constraint_validated("orders", "orders_user_fk", 'f')},
                      {"it references users (id)",
                       "SELECT coalesce((SELECT confrelid = 'users'::regclass FROM pg_constraint WHERE conname = 'orders_user_fk'), false)"}}});

    cases.push_back({"add-check-without-not-valid",
                     "ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);", {}, {},
                     {{"orders_amount_positive exists and is validated",
                       constraint_validated("orders", "orders_amount_positive", 'c')}}});

    cases.push_back({"add-unique-without-index", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", {}, {},
                     {{"users_email_key is a validated UNIQUE constraint", constraint_validated("users", "users_email_key", 'u')},
                      {"its index is valid and unique", constraint_index_valid("users", "users_email_key", "indisunique")},
                      {"it covers email",
                       "SELECT pg_get_indexdef('users_email_key'::regclass) LIKE '%USING btree (email)'"}}});

    cases.push_back({"add-primary-key-without-index", "ALTER TABLE accounts ADD PRIMARY KEY (id);", {}, {},
                     {{"accounts_pkey is a PRIMARY KEY", constraint_validated("accounts", "accounts_pkey", 'p')},
                      {"its index is valid and primary", constraint_index_valid("accounts", "accounts_pkey", "indisprimary")},
                      {"accounts.id is NOT NULL", column_test("accounts", "id", "attnotnull")},
                      {"the helper CHECK is gone", no_check_left("accounts")}}});

    cases.push_back({"create-index-without-concurrently", "CREATE INDEX users_email_idx ON users (email);", {}, {},
                     {{"users_email_idx is valid and ready",
                       "SELECT coalesce((SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass('users_email_idx')), false)"},
                      {"it is the index that was asked for",
                       "SELECT pg_get_indexdef('users_email_idx'::regclass) = 'CREATE INDEX users_email_idx ON public.users USING btree (email)'"}}});

    // The application keeps writing while the recipe runs: a new user after the trigger is
    // in place, and an update of an old row after the backfill.
    cases.push_back({"alter-column-type-rewrite", "ALTER TABLE users ALTER COLUMN age TYPE bigint;", {},
                     {{0, "the application inserts a user", "INSERT INTO users (email, name, age) VALUES ('late@example.com', 'Late', 41)"},
                      {1, "the application updates an old user", "UPDATE users SET age = 99 WHERE id = 3"}},
                     {{"users.age is bigint", column_test("users", "age", "atttypid = 'bigint'::regtype")},
                      {"the old and new columns are gone",
                       column_missing("users", "age_old") + " AND (" + column_missing("users", "age_new") + ")"},
                      {"every original age kept (NULLs stay NULL)",
                       "SELECT bool_and(age IS NOT DISTINCT FROM CASE WHEN id = 3 THEN 99 WHEN id % 7 = 0 THEN NULL ELSE 18 + id % 60 END) "
                       "FROM users WHERE id <= 10000"},
                      {"the row written during the migration kept its age",
                       "SELECT coalesce((SELECT age = 41 FROM users WHERE email = 'late@example.com'), false)"},
                      {"the sync trigger and function are gone",
                       "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal) "
                       "AND to_regproc('users_age_sync') IS NULL"}}});

    // email is NULL for every 50th user: the original statement would fail on this data too.
    // The recipe adds the NOT VALID CHECK first (new rows must have an email), the NULLs are
    // backfilled, then it validates.
    cases.push_back({"set-not-null-scan", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", {},
                     {{0, "backfill the users without an email, as the original statement required",
                       "UPDATE users SET email = 'user' || id || '@phone.example.com' WHERE email IS NULL"}},
                     {{"users.email is NOT NULL", column_test("users", "email", "attnotnull")},
                      {"the helper CHECK is gone", no_check_left("users")},
                      {"no user lost", k_users_kept}}});

    cases.push_back({"rename-table", "ALTER TABLE users RENAME TO members;", {}, {},
                     {{"the old name is a view", relkind_is("users", 'v'), 0},
                      {"the old name reads every row", "SELECT count(*) = 10000 FROM users", 0},
                      {"old code can insert through the old name",
                       "WITH ins AS (INSERT INTO users (email, name) VALUES ('old@example.com', 'Old Code') RETURNING id) "
                       "SELECT count(*) = 1 FROM ins", 0},
                      {"members is the table", relkind_is("members", 'r')},
                      {"the old name is gone", "SELECT to_regclass('users') IS NULL"},
                      {"the row written through the view is in members",
                       "SELECT count(*) = 1 FROM members WHERE email = 'old@example.com'"}}});

    cases.push_back({"rename-column", "ALTER TABLE users RENAME COLUMN email TO email_address;", {}, {},
                     {{"users is a view while both names are in use", relkind_is("users", 'v'), 0},
                      {"the old and the new column read the same",
                       "SELECT bool_and(email IS NOT DISTINCT FROM email_address) FROM users", 0},
                      {"old code can insert through the old column name",
                       "WITH ins AS (INSERT INTO users (email, name) VALUES ('old@example.com', 'Old Code') RETURNING email_address) "
                       "SELECT bool_and(email_address = 'old@example.com') FROM ins", 0},
                      {"users is the table again", relkind_is("users", 'r')},
                      {"users.email_address exists", column_test("users", "email_address", "true")},
                      {"users.email is gone", column_missing("users", "email")},
                      {"users_base is gone", "SELECT to_regclass('users_base') IS NULL"},
                      {"the row written through the view is there",
                       "SELECT count(*) = 1 FROM users WHERE email_address = 'old@example.com'"}}});
    return cases;
}

}  // namespace

const std::vector<RecipeCase>& recipe_cases() {
    static const std::vector<RecipeCase> cases = build();
    return cases;
}

}  // namespace pgfence::tests::recipes
