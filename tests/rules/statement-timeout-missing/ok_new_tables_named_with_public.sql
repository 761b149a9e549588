-- drizzle-kit writes CREATE TABLE "x" and then REFERENCES / ALTER TABLE "public"."x" (Dokploy
-- 0019_heavy_freak.sql). With no SET search_path (the default "$user", public) both name the
-- same new table: no existing table is locked, there is nothing to wait for.
CREATE TABLE "slack" ("slackId" text PRIMARY KEY NOT NULL, "webhookUrl" text NOT NULL);
CREATE TABLE "notification" ("notificationId" text PRIMARY KEY NOT NULL, "slackId" text);
ALTER TABLE "notification" ADD CONSTRAINT "notification_slackId_slack_slackId_fk" FOREIGN KEY ("slackId") REFERENCES "public"."slack"("slackId") ON DELETE cascade ON UPDATE no action;
CREATE INDEX "notification_slack_idx" ON "public"."notification" ("slackId");
ALTER TABLE public.slack ADD COLUMN note text NOT NULL DEFAULT '';
