-- Deduplicate subscriptions and make (user_id, plan_id) unique. The LOCK TABLE keeps the running
-- release from inserting a new duplicate between the DELETE and the CREATE UNIQUE INDEX, which
-- would then fail: removing it is not a fix.
BEGIN;
SET LOCAL lock_timeout = '2s';
LOCK TABLE subscriptions IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM subscriptions a USING subscriptions b
 WHERE a.user_id = b.user_id AND a.plan_id = b.plan_id AND a.id > b.id;
CREATE UNIQUE INDEX subscriptions_user_plan_key ON subscriptions (user_id, plan_id);
COMMIT;
