-- Existing views redefined to return no row.
CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE false;
CREATE OR REPLACE VIEW paying_users AS SELECT id FROM users WHERE 1 = 2 AND plan = 'pro';
CREATE OR REPLACE VIEW recent_orders AS SELECT * FROM orders WHERE NULL;
CREATE OR REPLACE VIEW top_orders AS SELECT * FROM orders ORDER BY total DESC LIMIT 0;
DROP VIEW open_invoices;
CREATE VIEW open_invoices AS SELECT id FROM invoices WHERE false;
ALTER VIEW paid_invoices RENAME TO paid_invoices_v1;
CREATE VIEW paid_invoices AS SELECT id FROM invoices LIMIT 0;
