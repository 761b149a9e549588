-- path: prisma/migrations/20240611105521_articles_slug/migration.sql
CREATE TABLE articles (id bigserial PRIMARY KEY, title text NOT NULL, author_id bigint NOT NULL);
-- migration
ALTER TABLE articles ADD COLUMN slug text;
UPDATE articles SET slug = 'article-' || id WHERE slug IS NULL;
ALTER TABLE articles ALTER COLUMN slug SET NOT NULL;
