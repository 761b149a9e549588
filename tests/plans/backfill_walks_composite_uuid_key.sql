-- path: db/migrations/0031_pages_locale.sql
CREATE TABLE pages (tenant_id uuid NOT NULL, slug text NOT NULL, title text, PRIMARY KEY (tenant_id, slug));
-- migration
ALTER TABLE pages ADD COLUMN locale text;
UPDATE pages SET locale = 'en' WHERE locale IS NULL OR locale = '';
