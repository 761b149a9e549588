-- pgfence-test: schema=shop.schema
-- Rules on a table this migration creates: no write of it exists yet, and the review sees both.
SET lock_timeout = '2s';
CREATE TABLE order_archive (id bigint PRIMARY KEY, total int);
CREATE RULE archive_read_only AS ON DELETE TO order_archive DO INSTEAD NOTHING;
CREATE RULE archive_log AS ON INSERT TO order_archive DO ALSO INSERT INTO stats VALUES (NEW.id, 1);
-- DO ALSO NOTHING changes nothing.
CREATE RULE nothing AS ON UPDATE TO orders DO ALSO NOTHING;
