-- The serial sequence of a table this migration creates (empty, so nothing to collide with), and
-- a computed sequence set from its table's keys.
CREATE TABLE receipts (id bigserial PRIMARY KEY);
SELECT setval(pg_get_serial_sequence('receipts', 'id'), 100);
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
