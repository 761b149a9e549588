exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw("ALTER TABLE users ADD CONSTRAINT users_email_not_empty CHECK (email <> '')");
  await knex.raw('ALTER DOMAIN rating ADD CONSTRAINT rating_positive CHECK (VALUE > 0)');
};

exports.down = async function () {};
