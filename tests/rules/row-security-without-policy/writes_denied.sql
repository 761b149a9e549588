-- pgfence-test: schema=rls_writes.schema
-- Policies that let the application read but grant no INSERT, UPDATE or DELETE: row security denies
-- each write command no policy grants (PostgreSQL 15: INSERT fails, UPDATE and DELETE match 0 rows).
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
-- Row security on already: FORCE makes the owner subject too.
ALTER TABLE files FORCE ROW LEVEL SECURITY;
-- A table with no policy yet: the migration gives it a read policy only.
ALTER TABLE tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY tags_read ON tags FOR SELECT USING (true);
-- Policies this migration makes: reads and inserts, no UPDATE or DELETE.
CREATE POLICY logs_add ON logs FOR INSERT WITH CHECK (true);
ALTER TABLE logs ENABLE ROW LEVEL SECURITY;
