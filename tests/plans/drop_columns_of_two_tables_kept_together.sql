-- path: apps/dokploy/drizzle/0026_known_dormammu.sql
CREATE TABLE "application" ("applicationId" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "customGitSSHKey" text);
CREATE TABLE "compose" ("composeId" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "customGitSSHKey" text);
-- migration
-- The old release writes customGitSSHKey to both tables: split, its writes to one table would
-- fail while those to the other went through. The drops stay in one migration, as written.
CREATE TABLE IF NOT EXISTS "ssh-key" (
	"sshKeyId" text PRIMARY KEY NOT NULL,
	"publicKey" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "application" ADD COLUMN "customGitSSHKeyId" text;--> statement-breakpoint
ALTER TABLE "compose" ADD COLUMN "customGitSSHKeyId" text;--> statement-breakpoint
ALTER TABLE "application" DROP COLUMN IF EXISTS "customGitSSHKey";--> statement-breakpoint
ALTER TABLE "compose" DROP COLUMN IF EXISTS "customGitSSHKey";
