-- COMMIT PREPARED / ROLLBACK PREPARED of a transaction this file did not prepare: what it locked
-- and what committing it changes are not visible.
COMMIT PREPARED 'deploy_42';
ROLLBACK PREPARED 'deploy_41';
