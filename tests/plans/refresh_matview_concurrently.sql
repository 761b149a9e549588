-- path: db/migrations/0088_refresh_daily_sales.sql
CREATE TABLE sales (
    sale_id uuid PRIMARY KEY,
    store_code text NOT NULL,
    sold_on date NOT NULL,
    amount numeric(10,2),
    refunded boolean DEFAULT false
);
CREATE MATERIALIZED VIEW daily_sales AS
    SELECT store_code, sold_on, sum(amount) AS total FROM sales GROUP BY store_code, sold_on;
CREATE UNIQUE INDEX daily_sales_key ON daily_sales (store_code, sold_on);
-- migration
REFRESH MATERIALIZED VIEW daily_sales;
