import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET application_name = 'migration'");
  await knex.raw("SET idle_in_transaction_session_timeout = '10s'");
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw("SET statement_timeout = '5min'");
  await knex.raw("ALTER TABLE posts ALTER COLUMN title SET NOT NULL");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE posts ALTER COLUMN title DROP NOT NULL");
}
