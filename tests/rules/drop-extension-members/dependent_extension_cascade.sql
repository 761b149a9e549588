-- pgfence-test: schema=shop.schema
-- earthdistance requires cube (its control file): DROP EXTENSION cube CASCADE drops earthdistance
-- too, and with it users, which ALTER EXTENSION ... ADD made earthdistance's member (PG15:
-- "drop cascades to extension earthdistance", users gone with its rows; red team I1).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE EXTENSION IF NOT EXISTS earthdistance CASCADE;
ALTER EXTENSION earthdistance ADD TABLE users;
DROP EXTENSION cube CASCADE;
