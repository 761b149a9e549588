-- Schemas named after no role the file names, and a role made in the same file.
CREATE SCHEMA audit;
CREATE SCHEMA reporting AUTHORIZATION reporter;
GRANT USAGE ON SCHEMA reporting TO reporter;
CREATE ROLE svc LOGIN;
CREATE SCHEMA svc AUTHORIZATION svc;
CREATE ROLE worker;
CREATE SCHEMA AUTHORIZATION worker;
