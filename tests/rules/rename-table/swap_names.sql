-- Swap the live table with the rebuilt one, keeping the old one under the other name.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE search_documents RENAME TO search_documents_tmp;
ALTER TABLE search_documents_rebuilt RENAME TO search_documents;
ALTER TABLE search_documents_tmp RENAME TO search_documents_rebuilt;
COMMIT;
