SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_owner ON documents USING (owner_id = current_setting('app.user_id')::bigint);
CREATE TABLE notes (id bigint PRIMARY KEY);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
