-- pgfence-test: schema=vault.schema path=migrations/2021-04-30-233251_add_reprompt/up.sql
-- A foreign key's column pinned to a constant is no key (red team R69 C10): one organization's
-- ciphers may be most of them (a single-organization install: all), written while the ADD COLUMN's
-- ACCESS EXCLUSIVE lock on users is held.
ALTER TABLE users ADD COLUMN reprompt_default integer;
UPDATE ciphers c SET data = u.name FROM users u WHERE u.uuid = c.user_uuid AND c.organization_uuid = 'o2';
