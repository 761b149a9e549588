// A composite foreign key: references() given the referenced columns as an array, the table by
// inTable() or on() (knex lib/schema/tablebuilder.js). alga-psa writes its tenant keys so.
exports.up = async function (knex) {
  await knex.schema.createTable('prices', (table) => {
    table.uuid('tenant').notNullable();
    table.uuid('product_id').notNullable();
    table.foreign(['tenant', 'product_id']).references(['tenant', 'product_id']).inTable('products').onDelete('CASCADE');
    table.foreign(['tenant']).references(['tenant']).on('tenants');
  });
};

exports.down = function (knex) {
  return knex.schema.dropTable('prices');
};
