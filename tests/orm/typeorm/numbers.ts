import { MigrationInterface, QueryRunner } from 'typeorm'

// Numbers spliced into SQL are the text JavaScript makes of them (red team r70 F13-C): TypeORM
// sends `DROP TABLE users16`, `events_2024` and `t10`, not users0x10, events_2024e0 and t1_0 (node:
// "t" + 0x10 is "t16"). A + of two numbers adds them; a BigInt is not read.
export class Numbers1700000000002 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE users0x10 (id bigint)`)
        await queryRunner.query("DROP TABLE users" + 0x10)
        await queryRunner.query("DROP TABLE events_" + 2024e0)
        await queryRunner.query(`DROP TABLE t${1_0}`)
        await queryRunner.query("DROP TABLE t" + 1 + 2)
        await queryRunner.query("DROP TABLE t" + (1 + 2))
        await queryRunner.query("DROP TABLE t" + 10n)
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
