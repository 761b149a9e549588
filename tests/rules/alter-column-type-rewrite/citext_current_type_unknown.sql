-- Case-insensitive logins on a table made before this history starts (the current type of
-- "email" is not in the migrations). Whatever it is, the statement either rewrites "User" or, from
-- text or varchar, builds its unique index on email again under ACCESS EXCLUSIVE.
CREATE EXTENSION IF NOT EXISTS "citext";

-- AlterTable
ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE CITEXT;
