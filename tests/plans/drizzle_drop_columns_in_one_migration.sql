-- path: drizzle/0004_nice_tenebrous.sql
CREATE TABLE "application" (
	"applicationId" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"customLogo" text,
	"customCss" text,
	"hideLogo" boolean DEFAULT false,
	"replicas" integer DEFAULT 1 NOT NULL,
	"createdAt" text NOT NULL
);
-- migration
ALTER TABLE "application" DROP COLUMN IF EXISTS "customLogo";--> statement-breakpoint
ALTER TABLE "application" DROP COLUMN IF EXISTS "customCss";--> statement-breakpoint
ALTER TABLE "application" DROP COLUMN IF EXISTS "hideLogo";
