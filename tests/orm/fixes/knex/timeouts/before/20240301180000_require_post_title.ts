import { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE posts ALTER COLUMN title SET NOT NULL");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE posts ALTER COLUMN title DROP NOT NULL");
}
