// Validates what the migrations before it added NOT VALID. Outside a transaction, so that knex
// migrate:latest does not run it in one transaction with them.
exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw('ALTER TABLE posts VALIDATE CONSTRAINT posts_user_id_foreign');
  await knex.raw('ALTER TABLE users VALIDATE CONSTRAINT users_email_not_empty');
  await knex.raw('ALTER DOMAIN rating VALIDATE CONSTRAINT rating_positive');
};

exports.down = async function () {};

module.exports.config = { transaction: false };
