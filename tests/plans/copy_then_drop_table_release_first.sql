-- path: prisma/migrations/20240501120000_notes_table/migration.sql
CREATE TABLE "OldNote" ("id" TEXT NOT NULL, "body" TEXT NOT NULL, CONSTRAINT "OldNote_pkey" PRIMARY KEY ("id"));
INSERT INTO "OldNote" SELECT 'n' || g, 'body ' || g FROM generate_series(1, 30) g;
-- migration
-- The rows are copied out of OldNote before it is dropped: the release that stops writing it
-- comes before the copy, or the old code's rows written after the copy are lost with the table.
CREATE TABLE "Note" ("id" TEXT NOT NULL, "body" TEXT NOT NULL, CONSTRAINT "Note_pkey" PRIMARY KEY ("id"));
INSERT INTO "Note" SELECT "id", "body" FROM "OldNote";
DROP TABLE "OldNote";
