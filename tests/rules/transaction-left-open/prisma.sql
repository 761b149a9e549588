-- pgfence-test: path=prisma/migrations/20240101_nickname/migration.sql
BEGIN;
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;
