-- path: cmd/hatchet-migrate/migrate/migrations/20240809131000_step_run_queue.sql
CREATE TABLE "Step" (
    "id" UUID NOT NULL,
    "actionId" TEXT NOT NULL,
    CONSTRAINT "Step_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "StepRun" (
    "id" UUID NOT NULL,
    "stepId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    CONSTRAINT "StepRun_pkey" PRIMARY KEY ("id")
);
-- migration
-- +goose Up
-- A column with a constant default (instant), then a backfill joined to another table in the
-- same goose transaction: the UPDATE rewrites the pending rows of "StepRun" while the ADD
-- COLUMN's ACCESS EXCLUSIVE lock keeps the table unreadable. No statement rule reports it
-- (the UPDATE has a WHERE): work-under-held-lock's one finding, which the plan resolves by
-- ending the transaction after the ALTER TABLE.
ALTER TABLE "StepRun" ADD COLUMN "queue" text NOT NULL DEFAULT 'default';
UPDATE "StepRun" sr
SET "queue" = s."actionId"
FROM "Step" s
WHERE sr."stepId" = s."id";
