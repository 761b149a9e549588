exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.schema.alterTable('users', (table) => {
    table.boolean('archived');
  });
};

exports.down = async function () {};
