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
  await db.runSql("SET application_name = 'migration'");
  await db.runSql("SET idle_in_transaction_session_timeout = '10s'");
  await db.runSql("SET lock_timeout = '10000ms'");
  await db.addColumn("users", "bio", { type: "text" });
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
