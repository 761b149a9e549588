-- pgfence-test: schema=shop.schema
BEGIN;
ALTER TABLE stats ADD COLUMN checked_at timestamptz;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id, email FROM users LOOP
        IF r.email NOT LIKE '%@%' THEN
            RAISE NOTICE 'bad email for user %', r.id;
        END IF;
    END LOOP;
END
$$;
COMMIT;
