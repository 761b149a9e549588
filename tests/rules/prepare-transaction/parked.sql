-- A deploy that prepares its transaction instead of committing it: users stays ACCESS EXCLUSIVE
-- locked, by no session, until someone runs COMMIT PREPARED 'deploy_42'.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
PREPARE TRANSACTION 'deploy_42';
-- The same session then waits for the lock the parked transaction keeps.
SELECT count(*) FROM users;
