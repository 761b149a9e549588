SET lock_timeout = '2s';
DELETE FROM sessions;
DELETE FROM app.audit_log a USING archived_ids RETURNING a.id;
