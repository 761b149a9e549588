import { MigrationInterface, QueryRunner } from "typeorm";

export class AddFlags1700000000605 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD "flagged" boolean`);
    }

    public async down(): Promise<void> {}
}
