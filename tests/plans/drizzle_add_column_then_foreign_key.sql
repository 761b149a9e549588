-- path: drizzle/0006_oval_jimmy_woo.sql
CREATE TABLE "registry" (
	"registryId" text PRIMARY KEY NOT NULL,
	"registryName" text NOT NULL,
	"username" text,
	"createdAt" timestamp DEFAULT now()
);
CREATE TABLE "application" (
	"applicationId" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"replicas" integer DEFAULT 1 NOT NULL,
	"env" text
);
-- migration
ALTER TABLE "application" ADD COLUMN "registryId" text;--> statement-breakpoint
DO $$ BEGIN
 ALTER TABLE "application" ADD CONSTRAINT "application_registryId_registry_registryId_fk" FOREIGN KEY ("registryId") REFERENCES "public"."registry"("registryId") ON DELETE cascade ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
