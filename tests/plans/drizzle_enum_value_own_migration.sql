-- path: drizzle/0014_same_hammerhead.sql
CREATE TYPE "public"."serviceType" AS ENUM('application', 'postgres', 'mysql');
CREATE TABLE "deployment" (
	"deploymentId" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"serviceType" "serviceType",
	"logPath" text,
	"createdAt" text NOT NULL
);
-- migration
ALTER TYPE "serviceType" ADD VALUE 'compose';--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "compose" (
	"composeId" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"autoDeploy" boolean,
	"createdAt" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployment" ADD COLUMN "composeId" text;--> statement-breakpoint
DO $$ BEGIN
 ALTER TABLE "deployment" ADD CONSTRAINT "deployment_composeId_compose_composeId_fk" FOREIGN KEY ("composeId") REFERENCES "public"."compose"("composeId") ON DELETE cascade ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
