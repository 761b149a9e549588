'use strict';

const dropA = async queryInterface => {
  await queryInterface.sequelize.query('DROP TABLE a');
};
const dropB = async (qi) => {
  await qi.sequelize.query('DROP TABLE b');
};

module.exports = {
  up: (queryInterface) => {
    const results = [];
    results.push(queryInterface.sequelize.query('UPDATE c SET x = 1 WHERE id = 2'));
    return queryInterface.sequelize
      .query('SELECT id FROM d', { type: 'SELECT' })
      .map((row) => queryInterface.sequelize.query('DELETE FROM d WHERE id = :id', { replacements: { id: row.id } }))
      .then(() => dropA(queryInterface))
      .then(() => dropB(queryInterface));
  },
  down: () => {},
};
