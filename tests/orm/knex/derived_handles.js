// What knex hands back is knex: an awaited transaction, a transaction's then() callback, the
// function transactionProvider() returns, a helper of the file returning the runner. A connection
// the file opens itself, code built at run time and a driver loaded inside up() are unknown.
const { Pool } = require('pg');
const pool = new Pool();

function same(k) {
  return k;
}

exports.up = async function (knex) {
  const trx = await knex.transaction();
  await trx('users').del();
  await trx.commit();
  await knex.transaction().then((t) => t('orders').where(true).del());
  const provide = knex.transactionProvider();
  const provided = await provide();
  await provided('carts').truncate();
  const again = same(knex);
  await again('coupons').where({}).update({ used: true });
  await pool.query('DELETE FROM sessions');
  eval("knex.raw('DROP TABLE x')");
  const cp = require('child_process');
  setTimeout('1', 0);
};
