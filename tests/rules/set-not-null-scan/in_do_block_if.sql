-- The stranger review 88 (fider 202511041300_content_moderation.sql): SET NOT NULL run by a DO block,
-- under an IF and alone, scans like the statement outside one.
SET lock_timeout = '2s';
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'is_approved' AND is_nullable = 'YES') THEN
        ALTER TABLE posts ALTER COLUMN is_approved SET NOT NULL;
    END IF;
END $$;
DO $$
BEGIN
    ALTER TABLE comments ALTER COLUMN is_approved SET NOT NULL;
END $$;
