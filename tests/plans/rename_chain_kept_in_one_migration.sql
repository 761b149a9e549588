-- path: db/migrations/0031_swap_page_texts.sql
-- tool: psql
CREATE TABLE cms_pages (id bigserial PRIMARY KEY, title text NOT NULL, description text, sidebar text);
CREATE TABLE cms_blocks (id bigserial PRIMARY KEY, page_id bigint, body text);
-- migration
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE cms_pages RENAME COLUMN description TO summary;
ALTER TABLE cms_pages RENAME COLUMN sidebar TO description;
CREATE INDEX cms_blocks_page_id_idx ON cms_blocks (page_id);
COMMIT;
