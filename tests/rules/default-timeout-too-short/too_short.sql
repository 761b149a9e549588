-- Every new session of the application starts with a timeout its ordinary queries cannot meet.
ALTER DATABASE app SET statement_timeout = 1;
ALTER ROLE app_user SET statement_timeout TO '50ms';
ALTER ROLE app_user IN DATABASE app SET idle_in_transaction_session_timeout = '0.5s';
ALTER ROLE ALL SET transaction_timeout = '100ms';
ALTER SYSTEM SET statement_timeout = '900';
ALTER ROLE app_user SET idle_session_timeout = 1;
ALTER ROLE app_user SET lock_timeout = '100ms';
-- idle_session_timeout at any value: a pool's idle connections are killed.
ALTER ROLE app_user SET idle_session_timeout = '5s';
ALTER DATABASE app SET idle_session_timeout = 600000;
ALTER SYSTEM SET idle_session_timeout = '1h';
