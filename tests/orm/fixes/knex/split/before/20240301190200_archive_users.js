exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('users', (table) => {
    table.boolean('archived');
  });
  await knex.raw('ALTER TABLE posts VALIDATE CONSTRAINT posts_score_check');
};

exports.down = async function () {};
