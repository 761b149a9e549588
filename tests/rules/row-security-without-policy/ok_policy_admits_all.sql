-- pgfence-test: schema=rls.schema
-- Row security on under a policy that shows every row to every role (permissive, FOR ALL or
-- SELECT, TO PUBLIC, USING (true)), whether the file makes it before or after, or an earlier
-- migration did; a filtering policy on a table this file creates (nobody reads it yet).
SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_read ON documents FOR SELECT TO PUBLIC USING ('t'::boolean);
CREATE POLICY orders_all ON orders USING (true);
CREATE POLICY orders_mine ON orders USING (user_id = current_setting('app.uid', true)::bigint);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE TABLE todos (id bigint PRIMARY KEY, user_id uuid NOT NULL);
ALTER TABLE todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY todos_own ON todos FOR SELECT USING (user_id = auth.uid());
