import { MigrationInterface, QueryRunner } from "typeorm";

export class AddPostFlag1700000000615 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "post" ADD "flagged" boolean`);
    }

    public async down(): Promise<void> {}
}
