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
  await db.addColumn("users", "nickname", { type: "string", length: 64 });
  await db.runSql("CREATE INDEX users_email_idx ON users (email)");
  await db.addIndex("posts", "posts_score_idx", ["score"]);
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
