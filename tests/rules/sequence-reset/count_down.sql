-- pgfence-test: schema=items.schema
-- A sequence or identity made to count down, or an identity restarted (red team E: SEQNEG, IDRESTART).
SET lock_timeout = '2s';
ALTER SEQUENCE users_id_seq INCREMENT BY -1;
ALTER SEQUENCE public.ticket_numbers INCREMENT BY -5 MINVALUE -100;
ALTER TABLE items ALTER COLUMN id RESTART WITH 1;
ALTER TABLE items ALTER COLUMN id RESTART;
ALTER TABLE items ALTER COLUMN id SET START WITH 1 RESTART;
ALTER TABLE items ALTER COLUMN id SET INCREMENT BY -1;
ALTER TABLE items ALTER COLUMN id SET MINVALUE -10 SET INCREMENT BY -1;
