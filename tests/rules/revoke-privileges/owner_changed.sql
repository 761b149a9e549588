-- pgfence-test: schema=owners.schema
-- Given to another role than the one the migrations made the owner: that one loses its privileges.
-- Overloads are told apart by their argument types.
SET lock_timeout = '2s';
ALTER TABLE sessions OWNER TO auditor;
ALTER FUNCTION app.lo_copy(text) OWNER TO auditor;
ALTER FUNCTION app.lo_copy(text, oid) OWNER TO auditor;
