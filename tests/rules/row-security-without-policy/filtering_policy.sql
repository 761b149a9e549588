-- Row security on under a policy filtering by a session setting (red team F1 P_POLTOPUB), created
-- after the ENABLE: HIGH, naming it; a table this file creates is not reported.
SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_owner ON documents USING (owner_id = current_setting('app.user_id')::bigint);
CREATE TABLE notes (id bigint PRIMARY KEY);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
