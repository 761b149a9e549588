import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable("users", (table) => {
    table.string("nickname", 64);
  });
  await knex.schema.alterTable("users", (table) => {
    table.index(["email"], "users_email_idx");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (table) => {
    table.dropIndex(["email"], "users_email_idx");
    table.dropColumn("nickname");
  });
}
