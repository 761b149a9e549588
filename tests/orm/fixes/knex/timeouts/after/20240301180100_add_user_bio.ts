import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET application_name = 'migration'");
  await knex.raw("SET idle_in_transaction_session_timeout = '10s'");
  await knex.raw("SET lock_timeout = '10000ms'");
  await knex.schema.alterTable("users", (table) => {
    table.text("bio");
  });
}

export async function down(): Promise<void> {}
