exports.up = function (knex) {
  return knex.schema
    .createTable('users', function (table) {
      table.increments();
      table.string('email', 320).notNullable().unique();
      table.timestamp('created_at').defaultTo(knex.fn.now());
      table.integer('org_id').references('id').inTable('orgs').onDelete('CASCADE');
      table.enu('role', ['admin', 'member']).defaultTo('member');
      table.decimal('balance', 12, 2);
      table.index(['org_id', 'email']);
    })
    .raw('CREATE INDEX CONCURRENTLY users_lower_email ON users (lower(email))');
};

exports.down = function (knex) {
  return knex.schema.dropTable('users');
};
