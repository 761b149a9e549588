-- A role this migration creates: no deployed code connects as it yet.
CREATE ROLE auditor LOGIN BYPASSRLS;
ALTER ROLE auditor NOBYPASSRLS;
-- Granting the attributes takes nothing away; other attributes are other rules' business.
ALTER ROLE app BYPASSRLS;
ALTER ROLE admin SUPERUSER;
ALTER ROLE app CREATEDB NOCREATEROLE NOREPLICATION;
