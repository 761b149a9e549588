-- No schema: which columns use the type, or the extension's types, is not known.
SET lock_timeout = '2s';
DROP TYPE status CASCADE;
DROP EXTENSION hstore CASCADE;
DROP EXTENSION some_vendor_ext CASCADE;
