import { MigrationInterface, QueryRunner } from "typeorm";

export class ArchiveUsers1700000000602 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD "archived" boolean`);
    }

    public async down(): Promise<void> {}
}
