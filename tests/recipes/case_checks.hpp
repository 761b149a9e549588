#pragma once
// The catalog checks the cases share (each a query returning one boolean) and the
// application's default traffic on each table of schema.sql.
#include <string>

#include "tests/recipes/traffic.hpp"

namespace pgfence::tests::recipes::checks {

// "SELECT <test> FROM pg_attribute ..." for one live column; false when it does not exist.
inline std::string column_test(const std::string& table, const std::string& column, const std::string& test) {
    return "SELECT coalesce((SELECT " + test + " FROM pg_attribute WHERE attrelid = to_regclass('" + table +
           "') AND attname = '" + column + "' AND NOT attisdropped), false)";
}

inline std::string column_missing(const std::string& table, const std::string& column) {
    return "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('" + table +
           "') AND attname = '" + column + "' AND NOT attisdropped)";
}

// The constraint exists with this contype and PostgreSQL counts it as validated.
inline std::string constraint_validated(const std::string& table, const std::string& name, char contype) {
    return "SELECT coalesce((SELECT contype = '" + std::string(1, contype) +
           "' AND convalidated FROM pg_constraint WHERE conrelid = to_regclass('" + table + "') AND conname = '" +
           name + "'), false)";
}

// No CHECK constraint left behind on the table (the recipes' NOT NULL helpers are dropped).
inline std::string no_check_left(const std::string& table) {
    return "SELECT NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('" + table +
           "') AND contype = 'c')";
}

inline std::string relkind_is(const std::string& name, char relkind) {
    return "SELECT coalesce((SELECT relkind = '" + std::string(1, relkind) +
           "' FROM pg_class WHERE oid = to_regclass('" + name + "')), false)";
}

inline std::string relation_missing(const std::string& name) { return "SELECT to_regclass('" + name + "') IS NULL"; }

// The index is valid and ready (a CONCURRENTLY build that failed leaves it invalid).
inline std::string index_valid(const std::string& index) {
    return "SELECT coalesce((SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass('" +
           index + "')), false)";
}

// The index behind constraint `name`, valid and ready, with the given flag (indisunique, ...).
inline std::string constraint_index_valid(const std::string& table, const std::string& name, const std::string& flag) {
    return "SELECT coalesce((SELECT i.indisvalid AND i.indisready AND i." + flag +
           " FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid WHERE c.conrelid = to_regclass('" +
           table + "') AND c.conname = '" + name + "'), false)";
}

// No user trigger left on the table (the recipes' sync triggers are dropped at the end).
inline std::string no_trigger_left(const std::string& table) {
    return "SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('" + table +
           "') AND NOT tgisinternal)";
}

// Every row of schema.sql's load is still there (the writer's rows come after them).
inline std::string rows_kept(const std::string& table, int rows) {
    return "SELECT count(*) = " + std::to_string(rows) + " FROM " + table + " WHERE id <= " + std::to_string(rows);
}

// The application's statements on each table of schema.sql: inserts that satisfy every
// constraint a case adds (unique emails, positive amounts), updates that leave the values the
// checks compare unchanged, and a point read.
inline TrafficSql traffic_on(const std::string& table) {
    const std::string row = " WHERE id = 1 + ({n} * 7919) % ";
    if (table == "users") {
        return {"INSERT INTO users (email, name, age) VALUES ('writer{n}@example.com', 'Writer {n}', 30)",
                "UPDATE users SET name = name" + row + "10000", "SELECT * FROM users" + row + "10000"};
    }
    if (table == "orders") {
        return {"INSERT INTO orders (user_id, amount) VALUES (1 + {n} % 10000, 9.99)",
                "UPDATE orders SET placed_at = placed_at" + row + "30000", "SELECT * FROM orders" + row + "30000"};
    }
    if (table == "accounts") {
        return {"INSERT INTO accounts (id, owner_id, balance) VALUES (100000 + {n}, 1 + {n} % 10000, 0)",
                "UPDATE accounts SET balance = balance" + row + "5000", "SELECT * FROM accounts" + row + "5000"};
    }
    if (table == "products") {
        return {"INSERT INTO products (name, list_price, sale_price, qty) "
                "VALUES ('Writer {n}', 10 + {n} % 50, CASE WHEN {n} % 3 = 0 THEN NULL ELSE 5 + {n} % 40 END, {n} % 100)",
                "UPDATE products SET sale_price = CASE WHEN sale_price IS NULL THEN NULL ELSE 4 + {n} % 40 END" + row + "5000",
                "SELECT * FROM products" + row + "5000"};
    }
    if (table == "sessions") {
        return {"INSERT INTO sessions (user_id, token, expires_at) VALUES (1 + {n} % 10000, md5('{n}'), now() + interval '1 day')",
                "UPDATE sessions SET expires_at = expires_at" + row + "20000", "SELECT * FROM sessions" + row + "20000"};
    }
    if (table == "events") {
        return {"INSERT INTO events (id, kind, created_at) VALUES (800000 + {n}, 'writer', timestamptz '2024-06-01 00:00+00')",
                "UPDATE events SET kind = kind WHERE id = 1 + ({n} * 7919) % 15000",
                "SELECT * FROM events WHERE id = 1 + ({n} * 7919) % 15000"};
    }
    return {"", "", "SELECT count(*) FROM " + table};
}

}  // namespace pgfence::tests::recipes::checks
