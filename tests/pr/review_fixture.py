"""A realistic pull request for the review tests and for scripts/review_metrics.py: a Prisma
project whose pull request adds three generated migrations and one dangerous hand-written one,
and fixes a typo in a comment of its first (already applied) migration. `FIX` is the commit that
follows the review: the hand-written migration made safe."""
import os
import subprocess

INIT = "prisma/migrations/20240101000000_init/migration.sql"
PROFILES = "prisma/migrations/20240301000000_add_profiles/migration.sql"
AUDIT = "prisma/migrations/20240302000000_add_audit/migration.sql"
SETTINGS = "prisma/migrations/20240303000000_user_settings/migration.sql"
HAND = "prisma/migrations/20240304000000_order_status/migration.sql"
HAND_INDEX = "prisma/migrations/20240304000001_order_status_index/migration.sql"

BASE = {INIT: """-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "customerId" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
"""}

# What `prisma migrate dev` writes, unedited.
GENERATED = {
    PROFILES: """-- CreateTable
CREATE TABLE "Profile" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "bio" VARCHAR(280),
    "website" VARCHAR(255),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Profile_userId_key" ON "Profile"("userId");

-- AddForeignKey
ALTER TABLE "Profile" ADD CONSTRAINT "Profile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
""",
    AUDIT: """-- CreateEnum
CREATE TYPE "AuditAction" AS ENUM ('CREATE', 'UPDATE', 'DELETE');

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "action" "AuditAction" NOT NULL,
    "entity" TEXT NOT NULL,
    "payload" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditLog_entity_createdAt_idx" ON "AuditLog"("entity", "createdAt");
""",
    SETTINGS: """-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastSeenAt" TIMESTAMP(3),
ADD COLUMN     "settings" JSONB;
""",
}

# Written by hand: constraints validated under ACCESS EXCLUSIVE, a blocking index build, a
# column type change that rewrites the table.
HAND_TEXT = """-- Orders get a status and a customer key; written by hand.
ALTER TABLE "Order"
    ADD COLUMN "status" TEXT NOT NULL DEFAULT 'new',
    ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "User"("id"),
    ADD CONSTRAINT "Order_total_check" CHECK ("total" >= 0);

CREATE INDEX "Order_status_idx" ON "Order"("status");

ALTER TABLE "Order" ALTER COLUMN "note" TYPE VARCHAR(500);
"""

# The review's answer: constraints NOT VALID, the index built concurrently in a migration of its
# own, the type change dropped.
FIX = {
    HAND: """-- Orders get a status and a customer key; written by hand.
SET lock_timeout = '2s';
ALTER TABLE "Order"
    ADD COLUMN "status" TEXT NOT NULL DEFAULT 'new',
    ADD CONSTRAINT "Order_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "User"("id") NOT VALID,
    ADD CONSTRAINT "Order_total_check" CHECK ("total" >= 0) NOT VALID;
""",
    HAND_INDEX: """CREATE INDEX CONCURRENTLY IF NOT EXISTS "Order_status_idx" ON "Order"("status");
""",
}


def _git(repo, *args):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=repo, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    out = subprocess.run(["git", "-C", repo, *args], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _write_all(repo, files):
    for path, text in files.items():
        full = os.path.join(repo, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def make_review_repo(repo):
    """Creates the repository; returns (base sha, head sha) of the pull request."""
    os.makedirs(repo)
    _git(repo, "init", "-q", "-b", "main")
    _write_all(repo, dict(BASE, **{"schema.prisma": "// generated models\n"}))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "init")
    base = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-qb", "feature")
    typo = BASE[INIT].replace("-- CreateIndex\n", "-- CreateIndex (email is unique)\n")
    _write_all(repo, dict(GENERATED, **{INIT: typo, HAND: HAND_TEXT}))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "orders: status, customer key, profiles, audit log")
    return base, _git(repo, "rev-parse", "HEAD")


def commit_fix(repo):
    """The author's answer to the review; returns the new head sha."""
    _write_all(repo, FIX)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "orders: safe constraints and index")
    return _git(repo, "rev-parse", "HEAD")
