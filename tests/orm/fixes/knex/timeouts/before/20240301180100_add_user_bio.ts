import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET lock_timeout = '1min'");
  await knex.schema.alterTable("users", (table) => {
    table.text("bio");
  });
}

export async function down(): Promise<void> {}
