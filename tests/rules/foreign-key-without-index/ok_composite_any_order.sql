-- The index leads with the key's columns in another order: equality lookups use it all the same.
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE invoices (tenant_id uuid NOT NULL, id bigint NOT NULL, PRIMARY KEY (tenant_id, id));
CREATE TABLE invoice_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    invoice_id bigint NOT NULL,
    amount numeric(12,2) NOT NULL
);
CREATE INDEX ON invoice_lines (invoice_id, tenant_id, amount);
ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_invoice_fkey
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id);
