-- A step so large the sequence reaches its bound within a few calls (red team h1 T_SEQHUGEINC,
-- T_IDHUGEINC; PG15: one insert more, then "nextval: reached maximum value" for every insert).
ALTER SEQUENCE users_id_seq INCREMENT BY 4611686018427387904;
ALTER SEQUENCE orders_id_seq INCREMENT -2000000;
ALTER TABLE items ALTER COLUMN id SET INCREMENT BY 4611686018427387904;
