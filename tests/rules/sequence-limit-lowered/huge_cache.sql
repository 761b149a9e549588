-- A cache so large that each new session takes a block of it (red team I1 Q_CACHEINT, Q_CACHE,
-- Q_IDCACHE; PG15: with CACHE 2000000000 on a serial the third session's insert fails "reached
-- maximum value", with CACHE 2^62 on a bigint one the next insert spins in nextval).
ALTER SEQUENCE users_id_seq CACHE 2000000000;
ALTER SEQUENCE orders_id_seq CACHE 4611686018427387904;
ALTER TABLE items ALTER COLUMN id SET CACHE 4611686018427387904;
