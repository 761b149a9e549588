exports.up = function (knex) {
  return knex.schema.alterTable('posts', (table) => {
    table.foreign('user_id').references('users.id').onDelete('CASCADE');
  });
};

exports.down = function (knex) {
  return knex.schema.alterTable('posts', (table) => {
    table.dropForeign('user_id');
  });
};
