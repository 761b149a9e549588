exports.up = async function (knex) {
  await knex.raw("SET lock_timeout = '2s'");
  await knex.raw("ALTER TABLE users ADD CONSTRAINT users_name_not_empty CHECK (name <> '') NOT VALID");
};

exports.down = async function () {};
