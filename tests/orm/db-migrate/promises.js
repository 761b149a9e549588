exports.up = async function (db) {
  await db.runSql(
    'CREATE TABLE audit (' +
      'id serial primary key, ' +
      "kind text not null default 'x'" +
    ')'
  );
  await db.createTable('events', {
    id: { type: 'int', primaryKey: true, autoIncrement: true },
    name: { type: 'string', length: 64, notNull: true },
  });
  await db.addIndex('events', 'events_name_idx', ['name']);
  await db.runSql('UPDATE events SET name = ? WHERE id = ?', ['a', 1]);
  await db.runSql(sqlFromFile);
};

exports.down = async function (db) {
  await db.dropTable('events');
};
