ALTER TABLE users RENAME TO customers;
ALTER TABLE app."Orders" RENAME TO purchases;
