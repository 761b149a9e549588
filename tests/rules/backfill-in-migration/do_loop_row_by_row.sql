-- pgfence-test: schema=shop.schema
-- Reset every user's order totals, one user at a time.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id FROM users LOOP
        UPDATE orders SET total = 0 WHERE user_id = r.id;
    END LOOP;
END
$$;
-- A loop over some users only: its UPDATE stays a backfill that may touch many rows.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id FROM users WHERE id < 100 LOOP
        UPDATE orders SET total = 0 WHERE user_id = r.id;
    END LOOP;
END
$$;
