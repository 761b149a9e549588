ALTER DATABASE app SET default_transaction_read_only = on;
ALTER ROLE app_user SET default_transaction_read_only TO true;
ALTER ROLE app_user IN DATABASE app SET default_transaction_read_only = 1;
ALTER SYSTEM SET default_transaction_read_only = 'yes';
