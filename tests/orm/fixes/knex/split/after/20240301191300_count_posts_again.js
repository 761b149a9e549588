exports.up = async function (knex) {
  await knex.raw('SELECT count(*) FROM posts WHERE user_id = 1');
};

exports.down = async function () {};

module.exports.config = { transaction: false };
