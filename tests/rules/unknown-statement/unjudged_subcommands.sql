-- ALTER TABLE subcommands whose effect on the application pgfence does not judge, on existing
-- tables (analyze/model/subcommand_judgement.cpp): unknown, saying what each may do.
SET lock_timeout = '2s';
ALTER TABLE events_2025 NO INHERIT events;
ALTER TABLE archive INHERIT events;
ALTER TABLE orders DISABLE RULE orders_redirect;
ALTER TABLE items ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE orders ALTER CONSTRAINT orders_user_id_fkey NOT ENFORCED;
ALTER TABLE users ENABLE ALWAYS TRIGGER users_audit;
