// where() forms that keep every row (knex/lib/query/querybuilder.js): where({}) adds no
// condition, where(true) is `1 = 1`, whereRaw('true') is that SQL; an OR-ed one undoes the rest.
// A real condition is rendered as knex renders it. `await knex.transaction()` is a knex of its own.
exports.up = async function (knex) {
  await knex('users').where({}).del();
  await knex('orders').where(true).update({ status: 'void' });
  await knex('carts').whereRaw('true').del();
  await knex('coupons').where('id', 1).orWhere(true).del();
  await knex('sessions').where({ expired: true }).del();
  await knex('tokens').where('id', 1).whereRaw('1=1').del();
  const trx = await knex.transaction();
  await trx('audit').del();
  await trx.commit();
};
