/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw("SET statement_timeout = '5min'");
  await knex.raw('CREATE INDEX CONCURRENTLY posts_user_id_idx ON posts (user_id)');
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = function (knex) {
  return knex.raw('DROP INDEX CONCURRENTLY posts_user_id_idx');
};

// CREATE INDEX CONCURRENTLY cannot run inside a transaction.
module.exports.config = { transaction: false };
