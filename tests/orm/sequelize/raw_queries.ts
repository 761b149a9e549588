import type { QueryInterface } from 'sequelize';

const TABLE = 'Transactions';

module.exports = {
  async up(queryInterface: QueryInterface) {
    await queryInterface.sequelize.query(`
      CREATE INDEX CONCURRENTLY IF NOT EXISTS "transactions_host"
      ON "${TABLE}" ("HostCollectiveId")
      WHERE "deletedAt" IS NULL
    `);
    await queryInterface.sequelize.query(
      `UPDATE "Collectives" SET "settings" = jsonb_set("settings", '{a}', :value) WHERE "slug" IN (:slugs) AND id::text = :id`,
      { replacements: { value: JSON.stringify(true), slugs: ['a', "b'c"], id: 7 } },
    );
    await queryInterface.sequelize.query('DELETE FROM "Members" WHERE "role" = ? AND "MemberCollectiveId" = ?', {
      replacements: ['FOLLOWER', 12],
    });
    for (const table of ['A', 'B']) {
      await queryInterface.sequelize.query(`ALTER TABLE "${table}" ADD COLUMN "x" INTEGER`);
    }
    await queryInterface.sequelize.query(`SELECT ${columns.join(', ')} FROM "Users"`);
  },

  async down() {},
};
