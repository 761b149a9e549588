// Stranger review 87: knex 3.3.0 renderings (pg-columncompiler.js datetime(), tablebuilder.js
// columnTypes and timestamps(), ref.js) and a whereNotIn subquery on a write (unknown).
exports.up = async function (knex) {
  await knex.schema.createTable('invites', (table) => {
    table.bigincrements('id');
    table.bool('used');
    table.varchar('code', 32);
    table.biginteger('n');
    table.timestamp('sentAt', { precision: 3 });
    table.datetime('localAt', false, 0);
    table.timestamps(false, true, true);
  });
  await knex.schema.alterTable('file_uploads', (table) => {
    table.timestamp('uploadDate', { precision: 3, useTz: true }).alter();
  });
  await knex('workspace_plans').update({ updatedAt: knex.ref('createdAt') });
  await knex('file_uploads').whereNotIn('modelId', knex().from('branches').select('id')).update({ modelId: null });
};

exports.down = async function () {};
