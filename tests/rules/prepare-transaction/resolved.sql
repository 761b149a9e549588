-- Prepared and committed in the same file: the locks stay parked between the two lines, and for
-- good if the runner stops in between.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
PREPARE TRANSACTION 'deploy_43';
COMMIT PREPARED 'deploy_43';
