-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- Copy-and-swaps that keep every row and value: public.orders and orders name the same table
-- under the database's own search_path; the new stats gets row-level security and an index
-- before the copy (the owner's copy is not filtered), and a trigger after it that changes each
-- row written, which fires only on later writes; each column keeps its type (bigserial is bigint
-- with a default, int4 is int).
SET lock_timeout = '2s';
ALTER TABLE public.orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int4, status text NOT NULL DEFAULT 'new', note text);
INSERT INTO public.orders (id, user_id, total, status) SELECT id, user_id, total, status FROM public._bkp_orders;
DROP TABLE _bkp_orders;
ALTER TABLE stats RENAME TO _bkp_stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint);
ALTER TABLE stats ENABLE ROW LEVEL SECURITY;
CREATE INDEX stats_n ON stats (n);
INSERT INTO stats (user_id, n) SELECT user_id, n FROM _bkp_stats;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.n := NEW.n + 1; RETURN NEW; END$$;
CREATE TRIGGER stats_touch BEFORE INSERT ON stats FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TABLE stats IS 'per-user counts';
DROP TABLE _bkp_stats;
