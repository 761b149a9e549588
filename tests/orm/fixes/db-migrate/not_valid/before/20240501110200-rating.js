"use strict";

var dbm;
var type;
var seed;

exports.setup = function (options, seedLink) {
  dbm = options.dbmigrate;
  type = dbm.dataType;
  seed = seedLink;
};

exports.up = async function (db) {
  await db.runSql("SET lock_timeout = '2s'");
  await db.runSql("ALTER DOMAIN rating ADD CONSTRAINT rating_positive CHECK (VALUE > 0)");
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
