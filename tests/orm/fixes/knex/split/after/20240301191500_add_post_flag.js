exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('posts', (table) => {
    table.boolean('flagged');
  });
};

exports.down = async function () {};

module.exports.config = { transaction: false };
