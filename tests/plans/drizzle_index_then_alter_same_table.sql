-- path: drizzle/0133_striped_the_order.sql
CREATE TABLE "user" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"serverIp" text,
	"enableDockerCleanup" boolean DEFAULT true NOT NULL,
	"created_at" timestamp DEFAULT now()
);
-- migration
CREATE INDEX "user_email_idx" ON "user" USING btree ("email");--> statement-breakpoint
ALTER TABLE "user" DROP COLUMN "serverIp";
