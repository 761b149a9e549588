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
  await db.runSql("SELECT count(*) FROM posts WHERE user_id = 1");
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
