import { MigrationInterface, QueryRunner } from 'typeorm'
import { cleanupHelper } from './helpers'

abstract class BaseMigration {
    protected async dropLegacy(runner: QueryRunner): Promise<void> {
        await runner.query('DROP TABLE legacy_sessions')
    }
}

async function purge(qr: QueryRunner, table: string) {
    await qr.query('TRUNCATE audit_log CASCADE')
}

export class Hidden1700000000002 extends BaseMigration implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner["query"]("DROP TABLE users CASCADE")
        await queryRunner.query.call(queryRunner, "TRUNCATE orders CASCADE")
        await queryRunner.query.apply(queryRunner, ["DROP TABLE payments"])
        const run = queryRunner.query.bind(queryRunner)
        await run("DROP TABLE invoices")
        const { query } = queryRunner
        await query("DROP TABLE carts")
        this.runner = queryRunner
        await this.cleanup()
        await this.dropLegacy(queryRunner)
        await purge(queryRunner, 'x')
        await cleanupHelper(queryRunner)
        await queryRunner.clearTable("sessions")
        await queryRunner.manager.clear(User)
        await queryRunner[process.env.METHOD]("DROP TABLE secrets")
    }

    private async cleanup(): Promise<void> {
        await this.runner.query("DROP TABLE temp_uploads")
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
