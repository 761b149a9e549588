-- One statement is atomic on its own: if it fails, nothing was done.
SET lock_timeout = '2s';
CREATE TABLE invoices (id bigint PRIMARY KEY);
