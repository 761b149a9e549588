exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw("ALTER TABLE users ADD CONSTRAINT users_email_not_empty CHECK (email <> '') NOT VALID");
  await knex.raw('ALTER DOMAIN rating ADD CONSTRAINT rating_positive CHECK (VALUE > 0) NOT VALID');
};

exports.down = async function () {};
