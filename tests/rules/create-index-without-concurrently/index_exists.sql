-- Lookup by email for the login form.
CREATE INDEX users_email_idx ON users (email);
-- Merged from the hotfix branch, which added the same index by hand.
CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);
