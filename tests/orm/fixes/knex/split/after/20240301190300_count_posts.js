exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('users', (table) => {
    table.integer('post_count');
  });
};

exports.down = async function () {};
