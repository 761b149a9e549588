// The function assigned to exports.up has a name of its own: knex calls it as up all the same.
exports.up = async function migrate(knex) {
  await knex.schema.dropTable('users');
};

exports.down = async function (knex) {};
