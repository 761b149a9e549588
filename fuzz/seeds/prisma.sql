:u-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
-- AlterTable
ALTER TABLE "users" ADD COLUMN "role" "Role" NOT NULL DEFAULT 'USER';
-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "users_email_key" ON "users"("email");
