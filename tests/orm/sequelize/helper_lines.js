// A helper called twice: its template reads each call's literal argument; its unknown line is
// one statement naming both calls; a conditional of two strings is read as both statements.
async function rebuild(qi, table) {
  await qi.sequelize.query(`ALTER TABLE ${table} ADD COLUMN note text`);
  await qi.someNewApi(table);
}

module.exports = {
  async up(queryInterface) {
    await queryInterface.sequelize.query(process.env.FAST ? 'DROP TABLE users' : 'TRUNCATE users');
    await rebuild(queryInterface, 'orders');
    await rebuild(queryInterface, 'carts');
  },
};
