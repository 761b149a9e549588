SET lock_timeout = '2s';
DROP INDEX users_email_idx;
DROP INDEX IF EXISTS app."Orders_Ref", orders_created_idx CASCADE;
