-- pgfence-test: path=drizzle/0002_spicy_inertia.sql
BEGIN;

ALTER TABLE "Workspace" ADD COLUMN "parentWorkspaceId" uuid;--> statement-breakpoint
UPDATE "Workspace" w SET "parentWorkspaceId" = wr."parentWorkspaceId" FROM "WorkspaceRelation" wr WHERE w.id = wr."childWorkspaceId";

COMMIT;
