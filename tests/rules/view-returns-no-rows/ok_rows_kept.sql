-- Views whose query may return rows, and a new view that returns none.
CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE deleted_at IS NULL;
CREATE OR REPLACE VIEW all_users AS SELECT id FROM users WHERE true;
CREATE OR REPLACE VIEW top_orders AS SELECT * FROM orders ORDER BY total DESC LIMIT 10;
CREATE VIEW placeholder AS SELECT 1 AS id WHERE false;
CREATE OR REPLACE VIEW both_users AS SELECT id FROM users WHERE false UNION ALL SELECT id FROM admins;
CREATE VIEW staging AS SELECT id FROM users;
CREATE OR REPLACE VIEW staging AS SELECT id FROM users WHERE false;
