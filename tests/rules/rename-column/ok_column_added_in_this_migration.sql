-- Django: AddField, then RenameField of the field just added, in one migration. No code
-- deployed before it names plan_tmp.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE "accounts_account" ADD COLUMN "plan_tmp" varchar(20) NULL;
ALTER TABLE "accounts_account" RENAME COLUMN "plan_tmp" TO "plan";
COMMIT;
