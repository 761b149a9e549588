-- A table made here: no running code used its privileges yet.
SET lock_timeout = '2s';
CREATE TABLE audit_log (id bigint PRIMARY KEY, entry text);
REVOKE ALL ON TABLE audit_log FROM PUBLIC;
GRANT SELECT ON audit_log TO app;
