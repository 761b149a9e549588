-- path: drizzle/0062_slippery_white_tiger.sql
CREATE TABLE "admin" (
	"adminId" text PRIMARY KEY NOT NULL,
	"serverIp" text,
	"metricsConfig" jsonb DEFAULT '{"server":{"type":"Dokploy","refreshRate":60,"port":4500}}'::jsonb NOT NULL
);
CREATE TABLE "server" (
	"serverId" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"metricsConfig" jsonb DEFAULT '{"server":{"type":"Remote","refreshRate":60,"port":4500}}'::jsonb NOT NULL
);
-- migration
ALTER TABLE "admin" ALTER COLUMN "metricsConfig" SET DEFAULT '{"server":{"type":"Dokploy","refreshRate":20,"port":4500}}'::jsonb;--> statement-breakpoint
ALTER TABLE "server" ALTER COLUMN "metricsConfig" SET DEFAULT '{"server":{"type":"Remote","refreshRate":20,"port":4500}}'::jsonb;
