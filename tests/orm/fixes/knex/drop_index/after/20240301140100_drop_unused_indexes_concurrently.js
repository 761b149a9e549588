exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS posts_title_idx');
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_name_idx');
};

exports.down = async function () {};

module.exports.config = { transaction: false };
