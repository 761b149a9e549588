-- pgfence-test: path=drizzle/0004_plain.sql
ALTER TABLE "Workspace" ADD COLUMN "m" integer;--> statement-breakpoint
ALTER TABLE "Workspace" ADD COLUMN "k" integer;
