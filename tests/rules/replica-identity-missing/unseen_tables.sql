-- Without the earlier migrations pgfence does not know which tables a publication of all tables
-- (or of a schema's) covers: MEDIUM.
CREATE PUBLICATION everything FOR ALL TABLES;
CREATE PUBLICATION billing FOR TABLES IN SCHEMA billing;
