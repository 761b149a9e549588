import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm'

const TABLE = 'chat_message'
const statusRegex = /['"`]+/g

export class Dynamic1700000000001 implements MigrationInterface {
    transaction = false

    async up(queryRunner: QueryRunner): Promise<void> {
        const tables = await queryRunner.getTables()
        for (const t of tables) {
            await queryRunner.query(`ALTER TABLE ${t.name} ADD COLUMN "x" int`)
        }
        await queryRunner.query(`ALTER TABLE "${TABLE}" ADD COLUMN "y" text`)
        await queryRunner.query(`UPDATE "${TABLE}" SET "y" = '${statusRegex.source}' WHERE id = ${42 + 1}`)
        await queryRunner.query(buildSql())
        if (!(await queryRunner.hasColumn(TABLE, 'z'))) {
            await queryRunner.addColumn(TABLE, new TableColumn({ name: 'z', type: 'varchar', length: '64', isNullable: true }))
        }
        await queryRunner.createIndex(TABLE, new TableIndex({ name: 'IDX_z', columnNames: ['z'], isConcurrent: true }))
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
