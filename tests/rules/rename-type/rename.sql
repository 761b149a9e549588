-- hoppscotch's 20250306054346: the Prisma client of the running release casts each enum
-- parameter by the type's name, and every such query fails once the type is renamed.
SET lock_timeout = '2s';
ALTER TYPE "TeamMemberRole" RENAME TO "TeamAccessRole";
ALTER DOMAIN billing.amount RENAME TO money_amount;
