-- Objects whose dependents pgfence does not track: CASCADE may take columns, defaults, views,
-- foreign tables with them.
SET lock_timeout = '2s';
DROP COLLATION german CASCADE;
DROP FUNCTION normalize_email(text) CASCADE;
DROP PROCEDURE refresh_stats() CASCADE;
DROP AGGREGATE median(numeric) CASCADE;
DROP ROUTINE slugify CASCADE;
DROP SERVER legacy_db CASCADE;
DROP FOREIGN DATA WRAPPER legacy_fdw CASCADE;
DROP OPERATOR === (integer, integer) CASCADE;
DROP OPERATOR CLASS ci_ops USING btree CASCADE;
DROP SEQUENCE order_numbers, invoice_numbers CASCADE;
DROP TEXT SEARCH CONFIGURATION english_custom CASCADE;
DROP TEXT SEARCH DICTIONARY english_stem_custom CASCADE;
DROP LANGUAGE plperl CASCADE;
