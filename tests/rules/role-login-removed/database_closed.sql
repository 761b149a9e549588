-- The database refuses every new connection: the application's pool cannot refill.
ALTER DATABASE app ALLOW_CONNECTIONS false;
ALTER DATABASE app WITH ALLOW_CONNECTIONS = off;
ALTER DATABASE app CONNECTION LIMIT 0;
