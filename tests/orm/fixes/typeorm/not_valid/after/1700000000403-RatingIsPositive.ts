import { MigrationInterface, QueryRunner } from "typeorm";

export class RatingIsPositive1700000000403 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER DOMAIN "rating" ADD CONSTRAINT "rating_positive" CHECK (VALUE > 0) NOT VALID`);
    }

    public async down(): Promise<void> {}
}
