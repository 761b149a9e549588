-- Issue #32, like 005: one table, one ALTER changing only the catalog.
SET lock_timeout = '5s';

-- An exemption granted before the upload of the head it was granted on has arrived binds to that
-- upload when it comes (commit_sha, as a pending approval): until then statements_sha256 is NULL
-- and it applies to nothing. A row without commit_sha and scope predates issue #32 and applies as it did.
ALTER TABLE pgfence_exemptions ADD COLUMN commit_sha text;

-- One granted with no upload to bind to (before this migration it was stored with no scope and
-- applied unbound, never voided): pending on no commit, so it lifts nothing. Grant it again.
-- pgfence-ignore: work-under-held-lock -- pgfence_exemptions holds one row per exemption a reviewer granted (hundreds at most): reading it all under the lock takes moments
UPDATE pgfence_exemptions SET commit_sha = '' WHERE statements_sha256 IS NULL AND voided_at IS NULL;
