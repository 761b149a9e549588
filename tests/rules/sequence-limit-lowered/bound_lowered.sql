-- Bounds on sequences earlier migrations made: pgfence cannot know their current values.
ALTER SEQUENCE users_id_seq MAXVALUE 2;
ALTER SEQUENCE public.orders_id_seq AS integer;
ALTER SEQUENCE ticket_seq NO CYCLE MAXVALUE 9999;
ALTER SEQUENCE small_seq AS smallint;
ALTER TABLE accounts ALTER COLUMN id SET MAXVALUE 100000;
