// Adding, changing and renaming columns: the expand-and-contract recipes, whose triggers,
// defaults and backfills must keep the application's writes working while they run.
#include "tests/recipes/case_checks.hpp"
#include "tests/recipes/cases.hpp"

namespace pgfence::tests::recipes {

using namespace checks;

void add_column_cases(std::vector<RecipeCase>& cases) {
    // The recipe asks for code that writes the column on every insert before the backfill.
    TrafficSql writes_verified = traffic_on("users");
    writes_verified.insert = "INSERT INTO users (email, name, age, verified) VALUES ('writer{n}@example.com', 'Writer {n}', 30, false)";
    cases.push_back({
        .rule = "add-column-not-null-without-default",
        .statement = "ALTER TABLE users ADD COLUMN verified boolean NOT NULL;",
        .placeholders = {{"<value>", "false"}},
        .expectations = {{"users.verified is boolean NOT NULL", column_test("users", "verified", "attnotnull AND atttypid = 'boolean'::regtype")},
                         {"every user has verified = false", "SELECT bool_and(verified IS FALSE) FROM users"},
                         {"the helper CHECK is gone", no_check_left("users")},
                         {"no user lost", rows_kept("users", 10000)}},
        .traffic = traffic_on("users"),
        .traffic_changes = {{1, "code that writes verified on every insert is deployed", writes_verified}},
    });

    cases.push_back({
        .rule = "add-column-serial",
        .statement = "ALTER TABLE accounts ADD COLUMN seq bigserial;",
        .expectations = {{"accounts.seq is bigint NOT NULL", column_test("accounts", "seq", "attnotnull AND atttypid = 'bigint'::regtype")},
                         {"every account has its own number", "SELECT count(DISTINCT seq) = count(*) AND bool_and(seq IS NOT NULL) FROM accounts"},
                         {"the sequence belongs to the column", "SELECT pg_get_serial_sequence('accounts', 'seq') = 'public.accounts_seq_seq'"},
                         {"new rows continue above every number given",
                          "SELECT nextval('accounts_seq_seq') > (SELECT max(seq) FROM accounts)"},
                         {"the helper CHECK is gone", no_check_left("accounts")},
                         {"no account lost", "SELECT count(*) = 5000 FROM accounts WHERE id <= 5000"}},
        .traffic = traffic_on("accounts"),
    });

    cases.push_back({
        .rule = "add-column-identity",
        .statement = "ALTER TABLE accounts ADD COLUMN num bigint GENERATED ALWAYS AS IDENTITY;",
        .expectations = {{"accounts.num is a NOT NULL identity, GENERATED ALWAYS",
                          column_test("accounts", "num", "attnotnull AND attidentity = 'a' AND atttypid = 'bigint'::regtype")},
                         {"every account has its own number", "SELECT count(DISTINCT num) = count(*) AND bool_and(num IS NOT NULL) FROM accounts"},
                         {"the identity continues above every number given",
                          "SELECT nextval(pg_get_serial_sequence('accounts', 'num')) > (SELECT max(num) FROM accounts)"},
                         {"the temporary sequence is gone", relation_missing("accounts_num_fill_seq")},
                         {"the helper CHECK is gone", no_check_left("accounts")}},
        .traffic = traffic_on("accounts"),
    });

    cases.push_back({
        .rule = "add-column-volatile-default",
        .statement = "ALTER TABLE users ADD COLUMN token text NOT NULL DEFAULT md5(random()::text);",
        .expectations = {{"users.token is NOT NULL with its default", column_test("users", "token", "attnotnull AND atthasdef")},
                         {"every user has a token of its own",
                          "SELECT bool_and(token ~ '^[0-9a-f]{32}$') AND count(DISTINCT token) = count(*) FROM users"},
                         {"the helper CHECK is gone", no_check_left("users")}},
        .traffic = traffic_on("users"),
    });

    // The expression names its table, with and without the schema: in the trigger that is
    // NEW.col, in the backfill the plain column.
    cases.push_back({
        .rule = "add-column-stored-generated",
        .variant = "table-qualified expression",
        .statement = "ALTER TABLE products ADD COLUMN best_price numeric GENERATED ALWAYS AS "
                     "(LEAST(products.list_price, public.products.sale_price)) STORED;",
        .hooks = {{1, "the application puts product 5 on sale", "UPDATE products SET sale_price = 1.25 WHERE id = 5"}},
        .expectations = {{"every product's best_price is LEAST(list_price, sale_price)",
                          "SELECT bool_and(best_price IS NOT DISTINCT FROM LEAST(list_price, sale_price)) FROM products"},
                         {"the row changed after the backfill was recomputed",
                          "SELECT coalesce((SELECT best_price = 1.25 FROM products WHERE id = 5), false)"},
                         {"the writer's rows are there", "SELECT count(*) = {inserted} FROM products WHERE id > 5000"},
                         {"no product lost", rows_kept("products", 5000)}},
        .traffic = traffic_on("products"),
    });

    cases.push_back({
        .rule = "add-column-stored-generated",
        .variant = "NOT NULL",
        .statement = "ALTER TABLE products ADD COLUMN stock_value numeric NOT NULL GENERATED ALWAYS AS (list_price * qty) STORED;",
        .expectations = {{"products.stock_value is NOT NULL", column_test("products", "stock_value", "attnotnull")},
                         {"every product's stock_value is list_price * qty",
                          "SELECT bool_and(stock_value = list_price * qty) FROM products"},
                         {"the helper CHECK is gone", no_check_left("products")}},
        .traffic = traffic_on("products"),
    });

    // The application keeps writing while the recipe runs: a new user after the trigger is
    // in place, and an update of an old row after the backfill.
    std::vector<Expectation> age_kept = {
        {"users.age is bigint", column_test("users", "age", "atttypid = 'bigint'::regtype")},
        {"the old and new columns are gone",
         column_missing("users", "age_old") + " AND (" + column_missing("users", "age_new") + ")"},
        {"every original age kept (NULLs stay NULL)",
         "SELECT bool_and(age IS NOT DISTINCT FROM CASE WHEN id = 3 THEN 99 WHEN id % 7 = 0 THEN NULL ELSE 18 + id % 60 END) "
         "FROM users WHERE id <= 10000"},
        {"the row written during the migration kept its age",
         "SELECT coalesce((SELECT age = 41 FROM users WHERE email = 'late@example.com'), false)"},
        {"the writer's rows kept their age", "SELECT bool_and(age = 30) FROM users WHERE email LIKE 'writer%'"},
        {"the sync trigger and function are gone", no_trigger_left("users") + " AND to_regproc('users_age_sync') IS NULL"}};
    std::vector<Hook> late_writes = {
        {0, "the application inserts a user", "INSERT INTO users (email, name, age) VALUES ('late@example.com', 'Late', 41)"},
        {1, "the application updates an old user", "UPDATE users SET age = 99 WHERE id = 3"}};
    cases.push_back({
        .rule = "alter-column-type-rewrite",
        .statement = "ALTER TABLE users ALTER COLUMN age TYPE bigint;",
        .hooks = late_writes,
        .expectations = age_kept,
        .traffic = traffic_on("users"),
    });
    cases.push_back({
        .rule = "alter-column-type-rewrite",
        .variant = "USING, table-qualified",
        .statement = "ALTER TABLE users ALTER COLUMN age TYPE bigint USING users.age::bigint;",
        .hooks = late_writes,
        .expectations = age_kept,
        .traffic = traffic_on("users"),
    });

    TrafficSql through_members = traffic_on("users");
    for (std::string* sql : {&through_members.insert, &through_members.update, &through_members.select}) {
        sql->replace(sql->find(" users"), 6, " members");
    }
    cases.push_back({
        .rule = "rename-table",
        .statement = "ALTER TABLE users RENAME TO members;",
        .expectations = {{"the old name is a view", relkind_is("users", 'v'), 0},
                         {"the old name reads every row", rows_kept("users", 10000), 0},
                         {"old code can insert through the old name",
                          "WITH ins AS (INSERT INTO users (email, name) VALUES ('old@example.com', 'Old Code') RETURNING id) "
                          "SELECT count(*) = 1 FROM ins", 0},
                         {"members is the table", relkind_is("members", 'r')},
                         {"the old name is gone", relation_missing("users")},
                         {"the row written through the view is in members",
                          "SELECT count(*) = 1 FROM members WHERE email = 'old@example.com'"},
                         {"every row the writer inserted is in members",
                          "SELECT count(*) = {inserted} FROM members WHERE email LIKE 'writer%'"}},
        .traffic = traffic_on("users"),
        .traffic_changes = {{1, "every deployed version uses the new name", through_members}},
    });

    TrafficSql new_column = traffic_on("users");
    new_column.insert = "INSERT INTO users (email_address, name, age) VALUES ('writer{n}@example.com', 'Writer {n}', 30)";
    cases.push_back({
        .rule = "rename-column",
        .statement = "ALTER TABLE users RENAME COLUMN email TO email_address;",
        .expectations = {{"users is a view while both names are in use", relkind_is("users", 'v'), 0},
                         {"the old and the new column read the same",
                          "SELECT bool_and(email IS NOT DISTINCT FROM email_address) FROM users", 0},
                         {"old code can insert through the old column name",
                          "WITH ins AS (INSERT INTO users (email, name) VALUES ('old@example.com', 'Old Code') RETURNING email_address) "
                          "SELECT bool_and(email_address = 'old@example.com') FROM ins", 0},
                         {"users is the table again", relkind_is("users", 'r')},
                         {"users.email_address exists", column_test("users", "email_address", "true")},
                         {"users.email is gone", column_missing("users", "email")},
                         {"users_base is gone", relation_missing("users_base")},
                         {"the row written through the view is there",
                          "SELECT count(*) = 1 FROM users WHERE email_address = 'old@example.com'"},
                         {"every row the writer inserted is there",
                          "SELECT count(*) = {inserted} FROM users WHERE email_address LIKE 'writer%'"}},
        .traffic = traffic_on("users"),
        .traffic_changes = {{1, "every deployed version uses the new column name", new_column}},
    });
}

}  // namespace pgfence::tests::recipes
