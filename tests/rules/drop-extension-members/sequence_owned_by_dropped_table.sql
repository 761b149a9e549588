-- pgfence-test: schema=shop.schema
-- users' id sequence tied to a scratch table, which is then dropped: the sequence goes with it and
-- users.id's DEFAULT nextval('users_id_seq') too (red team h1 T_SEQOWNEDDROPTAB; PG15: every
-- insert into users fails).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE TABLE scratch (n int);
ALTER SEQUENCE users_id_seq OWNED BY scratch.n;
DROP TABLE scratch CASCADE;
