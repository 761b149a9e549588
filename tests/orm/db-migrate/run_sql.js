'use strict';

var dbm;
var type;

exports.setup = function (options, seedLink) {
  dbm = options.dbmigrate;
  type = dbm.dataType;
};

exports.up = function (db, callback) {
  db.runSql('ALTER TABLE orders ADD COLUMN note text', function (err) {
    if (err) return callback(err);
    db.addColumn('orders', 'shipped', { type: 'boolean', notNull: true, defaultValue: false }, callback);
  });
};

exports.down = function (db) {
  return db.removeColumn('orders', 'shipped');
};

exports._meta = { version: 1 };
