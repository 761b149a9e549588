ALTER TABLE app.users RENAME TO customers;
CREATE VIEW reporting.users AS SELECT * FROM app.customers;
