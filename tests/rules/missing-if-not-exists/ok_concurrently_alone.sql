-- A concurrent build is not atomic: a failed one leaves an INVALID index behind.
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
