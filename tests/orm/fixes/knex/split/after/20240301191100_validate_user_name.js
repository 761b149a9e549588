exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw('ALTER TABLE users VALIDATE CONSTRAINT users_name_not_empty');
};

exports.down = async function () {};

module.exports.config = { transaction: false };
