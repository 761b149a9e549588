exports.up = async function (knex) {
  await knex('sessions').where('expired', true).del();
  await knex('accounts').where({ id: 1 }).update({ plan: 'pro', seats: 3 });
  await knex('audit').insert({ at: 1, who: 'x' });
  await knex('counters').increment('hits', 1);
  await knex.from('logs').whereNull('at').delete();
  await knex('archive').withSchema('old').truncate();
  const rows = await knex('users').select('id');
  await knex(process.env.TABLE).del();
  await knex('x').insert(rows);
  if (await knex.schema.hasTable('x')) {
    await knex.schema.dropTable('x');
  }
  await knex.destroy();
  const key = 'raw';
  await knex[key]('DROP TABLE computed');
};

exports.down = async function () {};
