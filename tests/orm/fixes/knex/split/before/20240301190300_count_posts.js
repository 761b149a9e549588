exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('users', (table) => {
    table.integer('post_count');
  });
  await knex.raw('SELECT count(*) FROM posts WHERE user_id = 1');
};

exports.down = async function () {};
