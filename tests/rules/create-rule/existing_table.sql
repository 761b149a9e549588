-- pgfence-test: schema=shop.schema
SET lock_timeout = '2s';
-- Soft delete: the application's DELETEs report success and remove nothing.
CREATE RULE keep_orders AS ON DELETE TO orders DO INSTEAD NOTHING;
-- Every UPDATE of users now writes an audit row instead of updating.
CREATE OR REPLACE RULE users_audit AS ON UPDATE TO users DO INSTEAD INSERT INTO stats VALUES (OLD.id, 1);
-- Every INSERT into orders also empties stats.
CREATE RULE reset_stats AS ON INSERT TO orders DO ALSO DELETE FROM stats;
-- Conditional: only the cancelled ones.
CREATE RULE keep_cancelled AS ON DELETE TO orders WHERE OLD.status = 'cancelled' DO INSTEAD NOTHING;
