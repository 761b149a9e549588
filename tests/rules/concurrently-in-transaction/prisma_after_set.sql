-- pgfence-test: path=prisma/migrations/20240105000000_user_email_index/migration.sql
-- A lock_timeout before the index is enough to make the file a query of two statements.
SET lock_timeout = '2s';
CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");
