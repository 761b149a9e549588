ALTER ROLE app LOGIN;
ALTER ROLE worker CONNECTION LIMIT -1;
-- A role made earlier in this file: no session uses it yet, so its limit is its setup.
CREATE ROLE batch LOGIN;
ALTER ROLE batch CONNECTION LIMIT 2;
ALTER ROLE reporting NOSUPERUSER NOCREATEDB;
