-- pgfence-test: schema=targets.schema
-- A fallback for the missing setting, the setting required (an error, not NULL, when absent), a
-- nullable column, a foreign key's column given no constant.
SET lock_timeout = '2s';
ALTER TABLE tickets ALTER COLUMN region SET DEFAULT coalesce(current_setting('app.region', true), 'eu');
ALTER TABLE tickets ALTER COLUMN region SET DEFAULT current_setting('app.region');
ALTER TABLE tickets ALTER COLUMN region SET DEFAULT current_setting('app.region', false);
ALTER TABLE tickets ALTER COLUMN zone SET DEFAULT current_setting('app.zone', true);
ALTER TABLE users ALTER COLUMN org_id SET DEFAULT NULL;
