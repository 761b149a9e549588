-- The page's sign-in sessions (serve/sessions.hpp): only the SHA-256 of a session's token is kept,
-- so a copy of the database signs nobody in. Expired rows are deleted as new sessions are made.
SET lock_timeout = '5s';

CREATE TABLE pgfence_sessions (
    token_sha256 text PRIMARY KEY,
    login text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX pgfence_sessions_expiry ON pgfence_sessions (expires_at);
