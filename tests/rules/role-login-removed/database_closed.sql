-- The database refuses every new connection: the application's pool cannot refill.
ALTER DATABASE app ALLOW_CONNECTIONS false;
ALTER DATABASE app WITH ALLOW_CONNECTIONS = off;
ALTER DATABASE app CONNECTION LIMIT 0;
-- Renamed: the application connects by the old name.
ALTER DATABASE app RENAME TO app_old;
ALTER ROLE app_user RENAME TO app_user_old;
