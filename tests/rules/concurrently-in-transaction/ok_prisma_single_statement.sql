-- pgfence-test: path=prisma/migrations/20240102_index/migration.sql
CREATE INDEX CONCURRENTLY "User_nickname_idx" ON "User"("nickname");
