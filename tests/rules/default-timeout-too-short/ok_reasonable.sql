-- Timeouts of a second or more, turned off, reset, or set for the migration's own session.
ALTER DATABASE app SET statement_timeout = '30s';
ALTER ROLE app_user SET statement_timeout = 0;
ALTER ROLE app_user SET idle_in_transaction_session_timeout = '1min';
ALTER ROLE app_user RESET statement_timeout;
ALTER ROLE app_user SET lock_timeout = '5s';
SET statement_timeout = '5min';
ALTER ROLE app_user SET idle_session_timeout = 0;
ALTER ROLE app_user RESET idle_session_timeout;
