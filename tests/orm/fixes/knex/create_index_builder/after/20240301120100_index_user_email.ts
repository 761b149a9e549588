import type { Knex } from "knex";

// CREATE INDEX CONCURRENTLY cannot run inside Knex's transaction.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw('CREATE INDEX CONCURRENTLY "users_email_idx" ON "users" ("email")');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS "users_email_idx"');
}
