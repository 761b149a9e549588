-- CMS: the page's old description becomes its summary, and the sidebar text becomes the description.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE cms_pages RENAME COLUMN description TO summary;
ALTER TABLE cms_pages RENAME COLUMN sidebar TO description;
COMMIT;
