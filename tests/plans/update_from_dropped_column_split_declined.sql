-- path: packages/database/migration/20260203082134_replaced_dark_overlay_with_overlay/migration.sql
CREATE TABLE "Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "placement" TEXT NOT NULL DEFAULT 'bottomRight',
    "darkOverlay" BOOLEAN NOT NULL DEFAULT false
);
-- migration
CREATE TYPE "SurveyOverlay" AS ENUM ('none', 'light', 'dark');
ALTER TABLE "Project" ADD COLUMN "overlay" "SurveyOverlay" NOT NULL DEFAULT 'none';
UPDATE "Project"
SET "overlay" = CASE
  WHEN "placement" = 'center' AND "darkOverlay" = true THEN 'dark'::"SurveyOverlay"
  WHEN "placement" = 'center' AND "darkOverlay" = false THEN 'light'::"SurveyOverlay"
  ELSE 'none'::"SurveyOverlay"
END;
ALTER TABLE "Project" DROP COLUMN "darkOverlay";
