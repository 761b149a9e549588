// An ES module run by umzug: `export default { ... }` whose methods take { context }.
import { DataTypes } from 'sequelize';

export default {
  up: async ({ context: queryInterface }) => {
    await queryInterface.addColumn('users', 'nickname', { type: DataTypes.STRING });
    await queryInterface.addIndex('users', ['nickname']);
  },
  async down({ context: queryInterface }) {
    await queryInterface.removeColumn('users', 'nickname');
  },
};
