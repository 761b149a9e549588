-- path: db/migrations/0058_posts_score.sql
CREATE TABLE posts (id bigserial PRIMARY KEY, title text NOT NULL, body text, published_at timestamptz);
-- migration
ALTER TABLE posts ADD COLUMN score integer;
ALTER TABLE posts ALTER COLUMN score SET DEFAULT 0;
UPDATE posts SET score = 0 WHERE score IS NULL;
ALTER TABLE posts ALTER COLUMN score SET NOT NULL;
