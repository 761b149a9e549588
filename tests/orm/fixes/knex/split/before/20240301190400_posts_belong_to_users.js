exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw('ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID');
  await knex.schema.alterTable('posts', (table) => {
    table.boolean('edited');
  });
};

exports.down = async function () {};
