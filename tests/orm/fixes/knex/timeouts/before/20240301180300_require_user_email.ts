import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw("SET statement_timeout = 0");
  await knex.raw("ALTER TABLE users ALTER COLUMN email SET NOT NULL");
}

export async function down(): Promise<void> {}
