-- pgfence-test: path=migrations/0002_workspace.sql
-- A plain SQL file runs as written: its own BEGIN ... COMMIT is its transaction.
BEGIN;
ALTER TABLE "Workspace" ADD COLUMN "parentWorkspaceId" uuid;
COMMIT;
