DROP VIEW users;
ALTER TABLE customers RENAME TO users;
ALTER TABLE orders RENAME TO orders_old;
ALTER TABLE orders_new RENAME TO orders;
