import { MigrationInterface, QueryRunner } from 'typeorm'

const Q = 'query'

export class Aliases1700000000003 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        const qr = queryRunner
        await qr.query('DROP TABLE a')
        await qr[Q]('DROP TABLE b')
        const { query: q } = queryRunner
        await q('DROP TABLE c')
        const m = queryRunner.manager
        await m.query('DROP TABLE d')
        await m.getRepository(User).delete({ id: 1 })
        const schema = queryRunner.connection.options.schema
        await queryRunner.query(`DROP TABLE e`)
        registry.set('runner', queryRunner)
        const holder = { queryRunner }
        await Promise.all([queryRunner.query('DROP TABLE f'), queryRunner.query('DROP TABLE g')])
        await this.recurse(queryRunner)
        const tables = await queryRunner.getTables()
        await queryRunner.commitTransaction()
    }

    async recurse(r: QueryRunner): Promise<void> {
        await this.recurse(r)
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
