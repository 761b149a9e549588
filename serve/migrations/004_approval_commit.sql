-- Nothing a pull request writes can lift the review (issue #32). Checked by pgfence itself like
-- 001 (tests/serve: nothing above MEDIUM): one table per migration, one ALTER changing only the
-- catalog, so the lock is held for moments.
SET lock_timeout = '5s';

-- An approval is bound to the upload of the commit it was given on (a review's commit, the head
-- when a comment was made): commit_sha is that commit, and content_hash stays NULL until that
-- commit's upload arrives. A pending approval never counts (serve/check.cpp reads NULL as pending).
ALTER TABLE pgfence_approvals ADD COLUMN commit_sha text, ALTER COLUMN content_hash DROP NOT NULL;
