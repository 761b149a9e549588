-- A partial index does not serve the foreign key's lookups.
CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE invoices (id integer PRIMARY KEY, account_id integer NOT NULL, paid_at timestamptz);
CREATE INDEX invoices_unpaid_account_id_idx ON invoices (account_id) WHERE paid_at IS NULL;
ALTER TABLE invoices ADD CONSTRAINT invoices_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);
