exports.up = async function (knex) {
  await knex.raw('SELECT count(*) FROM posts');
};

exports.down = async function () {};

module.exports.config = { transaction: false };
