-- A DO block whose SET NOT NULL a validated CHECK proves, and one that only raises a notice.
SET lock_timeout = '2s';
ALTER TABLE posts ADD CONSTRAINT posts_is_approved_not_null CHECK (is_approved IS NOT NULL);
DO $$
BEGIN
    ALTER TABLE posts ALTER COLUMN is_approved SET NOT NULL;
END $$;
DO $$
BEGIN
    RAISE NOTICE 'nothing to do';
END $$;
