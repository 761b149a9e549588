-- path: prisma/migrations/20240702093000_drop_legacy_sessions/migration.sql
CREATE TABLE "LegacySession" (
    "token" text NOT NULL,
    "userId" integer,
    "expiresAt" timestamp(3),
    "data" jsonb,
    CONSTRAINT "LegacySession_pkey" PRIMARY KEY ("token")
);
-- migration
-- DropTable
DROP TABLE "LegacySession";
