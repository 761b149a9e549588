ALTER DATABASE app SET default_transaction_read_only = off;
ALTER ROLE app_user RESET default_transaction_read_only;
ALTER DATABASE app SET timezone TO 'UTC';
