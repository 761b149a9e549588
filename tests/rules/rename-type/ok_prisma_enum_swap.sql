-- pgfence-test: path=prisma/migrations/20240312101500_role_values/migration.sql
-- Prisma's enum change (the file is one transaction): a new type is made, the column moved to
-- it, the old type renamed out of the way and the new one renamed into its name. No session
-- ever sees the name "Role" missing.
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
