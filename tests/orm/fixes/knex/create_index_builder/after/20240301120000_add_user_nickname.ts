import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable("users", (table) => {
    table.string("nickname", 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (table) => {
    table.dropColumn("nickname");
  });
}
