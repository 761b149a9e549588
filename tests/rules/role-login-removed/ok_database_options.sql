-- Reopening, no limit, a template flag (connections still work): none closes it.
ALTER DATABASE app ALLOW_CONNECTIONS true;
ALTER DATABASE app CONNECTION LIMIT -1;
ALTER DATABASE app IS_TEMPLATE true;
-- Renaming other objects is other rules' business.
ALTER TABLE users RENAME TO members;
ALTER SCHEMA billing RENAME TO invoicing;
