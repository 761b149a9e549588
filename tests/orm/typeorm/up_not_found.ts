import { MigrationInterface, QueryRunner } from 'typeorm'

// up() under a computed key: TypeORM calls it, pgfence does not find it where it reads up().
export class Hidden1700000000000 implements MigrationInterface {
    async ["up"](queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query('DROP TABLE users')
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
