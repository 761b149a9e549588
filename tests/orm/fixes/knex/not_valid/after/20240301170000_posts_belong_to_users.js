exports.up = function (knex) {
  // The schema builder has no NOT VALID option.
  return knex.raw(
    'ALTER TABLE posts ADD CONSTRAINT posts_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID',
  );
};

exports.down = function (knex) {
  return knex.schema.alterTable('posts', (table) => {
    table.dropForeign('user_id');
  });
};
