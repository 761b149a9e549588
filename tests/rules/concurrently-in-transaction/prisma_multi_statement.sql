-- pgfence-test: path=prisma/migrations/20240101_add_index/migration.sql
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
CREATE INDEX CONCURRENTLY "User_nickname_idx" ON "User"("nickname");
