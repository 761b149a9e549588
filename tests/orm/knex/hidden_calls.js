const { wipe } = require('../lib/wipe');

async function dropOld(k) {
  await k.schema.dropTable('old_things');
}

exports.up = async function (knex) {
  await knex('users').del();
  await knex('sessions').where('expired', true).del();
  await knex('orders').truncate();
  await knex('accounts').update({ plan: 'free' });
  await knex['raw']('DROP TABLE carts');
  await knex.raw.call(knex, 'TRUNCATE payments CASCADE');
  const qb = knex('invoices');
  await qb.del();
  await dropOld(knex);
  await wipe(knex);
  await knex.transaction(async (trx) => {
    await trx('coupons').truncate();
  });
};

exports.down = async function () {};
