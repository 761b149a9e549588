-- A small limit refuses the application's pool past it (PostgreSQL 15: "too many connections for role").
ALTER ROLE app CONNECTION LIMIT 2;
ALTER USER worker WITH CONNECTION LIMIT 19;
ALTER DATABASE app WITH CONNECTION LIMIT 3;
-- A limit that may leave room: pgfence does not know the pools, MEDIUM.
ALTER ROLE worker CONNECTION LIMIT 50;
ALTER DATABASE app CONNECTION LIMIT 200;
