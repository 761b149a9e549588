-- Every setting off the allowlist: what the application's queries mean, or whether it connects.
ALTER ROLE app SET local_preload_libraries = 'nosuch';
ALTER ROLE app SET session_preload_libraries = 'auto_explain';
ALTER ROLE app SET role = nobody;
ALTER USER app SET "Session_Authorization" = 'nobody';
ALTER ROLE app IN DATABASE appdb SET array_nulls = off;
ALTER DATABASE appdb SET DateStyle = 'SQL', 'DMY';
ALTER ROLE app SET IntervalStyle = 'sql_standard';
ALTER ROLE app SET extra_float_digits = -15;
ALTER ROLE app SET transform_null_equals = on;
ALTER ROLE app SET bytea_output = 'escape';
ALTER ROLE app SET enable_indexscan = off;
ALTER ROLE app SET default_transaction_isolation = 'serializable';
ALTER DATABASE appdb SET timezone TO 'America/New_York';
ALTER DATABASE appdb SET app.tenant = 'none';
ALTER ROLE ALL SET random_page_cost FROM CURRENT;
ALTER SYSTEM SET standard_conforming_strings = off;
ALTER ROLE app SET search_path FROM CURRENT;
