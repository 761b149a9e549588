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
  // users_email_idx and posts_score_idx are built CONCURRENTLY by the deploy job, outside
  // db-migrate, which runs every migration in a transaction.
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
