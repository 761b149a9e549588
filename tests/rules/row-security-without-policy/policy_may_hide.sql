-- pgfence-test: schema=rls_in_use.schema
SET lock_timeout = '2s';
-- Conditions that hide rows without being literally false: not judged, reported.
CREATE POLICY only_null ON documents AS RESTRICTIVE FOR SELECT USING (id IS NULL);
ALTER POLICY documents_tenant ON documents USING ('f'::bool);
ALTER POLICY notes_write ON notes USING (tenant < 0);
ALTER POLICY notes_write ON notes WITH CHECK (current_user = 'nobody');
-- The roles a permissive policy applies to narrowed, a restrictive one widened.
ALTER POLICY notes_read ON notes TO postgres;
ALTER POLICY documents_live ON documents TO admin;
ALTER POLICY documents_live ON documents TO admin, app;
-- A policy pgfence does not know of.
ALTER POLICY elsewhere ON notes TO app;
