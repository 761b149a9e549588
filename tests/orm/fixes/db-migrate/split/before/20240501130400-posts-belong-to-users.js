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
  await db.runSql("ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID");
  await db.runSql("ALTER TABLE posts ADD COLUMN edited boolean");
};

exports.down = function () {
  return null;
};

exports._meta = {
  version: 1,
};
