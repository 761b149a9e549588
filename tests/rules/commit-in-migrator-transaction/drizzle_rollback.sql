-- pgfence-test: path=drizzle/0003_undo.sql
ALTER TABLE "Workspace" ADD COLUMN "n" integer;--> statement-breakpoint
ROLLBACK;
