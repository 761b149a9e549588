-- path: internal-packages/database/prisma/migrations/20250526095444_remove_v2_round_6/migration.sql
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL
);
CREATE TABLE "EventRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "payload" JSONB
);
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" INTEGER NOT NULL,
    "jobId" TEXT NOT NULL REFERENCES "Job" ("id"),
    "eventId" TEXT REFERENCES "EventRecord" ("id")
);
CREATE TABLE "DynamicTrigger" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL
);
-- migration
/*
  Warnings:

  - You are about to drop the `DynamicTrigger` table. If the table is not empty, all the data it contains will be lost.
  - You are about to drop the `EventRecord` table. If the table is not empty, all the data it contains will be lost.
  - You are about to drop the `JobRun` table. If the table is not empty, all the data it contains will be lost.

*/
-- DropTable
DROP TABLE IF EXISTS "DynamicTrigger" CASCADE;

-- DropTable
DROP TABLE IF EXISTS "EventRecord" CASCADE;

-- DropTable
DROP TABLE IF EXISTS "JobRun" CASCADE;
