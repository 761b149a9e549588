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
  await db.runSql("ALTER TYPE mood ADD VALUE 'meh'");
  await db.runSql("UPDATE users SET mood = 'meh' WHERE id = 1");
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
