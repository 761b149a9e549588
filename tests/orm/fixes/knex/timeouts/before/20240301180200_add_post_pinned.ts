import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("SET lock_timeout TO 0");
  await knex.schema.alterTable("posts", (table) => {
    table.boolean("pinned");
  });
}

export async function down(): Promise<void> {}
