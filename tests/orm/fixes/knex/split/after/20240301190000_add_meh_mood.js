exports.up = async function (knex) {
  await knex.raw("ALTER TYPE mood ADD VALUE 'meh'");
};

exports.down = async function () {};

module.exports.config = { transaction: false };
