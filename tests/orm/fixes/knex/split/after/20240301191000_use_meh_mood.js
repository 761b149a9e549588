exports.up = async function (knex) {
  await knex.raw("UPDATE users SET mood = 'meh' WHERE id = 1");
};

exports.down = async function () {};
