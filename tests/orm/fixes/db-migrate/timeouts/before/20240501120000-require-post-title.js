"use strict";

var dbm;
var type;
var seed;

exports.setup = function (options, seedLink) {
  dbm = options.dbmigrate;
  type = dbm.dataType;
  seed = seedLink;
};

exports.up = function (db, callback) {
  db.runSql("ALTER TABLE posts ALTER COLUMN title SET NOT NULL", callback);
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
