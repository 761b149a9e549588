'use strict';

function helper(d) {
  return d.runSql('DROP TABLE coupons');
}

exports.up = function (db, callback) {
  db['runSql']('DROP TABLE users', callback);
  db.runSql.call(db, 'TRUNCATE orders CASCADE');
  const run = db.runSql.bind(db);
  run('DROP TABLE carts');
  helper(db);
  return db.someOther('x');
};

exports.down = function (db) {
  return null;
};
