export async function up(knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_mood_idx ON users (mood)');
}

export async function down(knex) {
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_mood_idx');
}

export const config = { transaction: false };
