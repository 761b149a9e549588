import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET application_name = 'migration'");
  await knex.raw("SET idle_in_transaction_session_timeout = '10s'");
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable("posts", (table) => {
    table.boolean("pinned");
  });
}

export async function down(): Promise<void> {}
