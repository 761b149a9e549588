-- path: drizzle/0008_lazy_sage.sql
CREATE TABLE "registry" (
	"registryId" text PRIMARY KEY NOT NULL,
	"registryName" text NOT NULL,
	"username" text,
	"createdAt" timestamp DEFAULT now()
);
CREATE TABLE "application" (
	"applicationId" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"registryId" text,
	"replicas" integer DEFAULT 1 NOT NULL
);
-- migration
ALTER TABLE "registry" ADD COLUMN "registryUrl" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "application" ADD COLUMN "command" text;
