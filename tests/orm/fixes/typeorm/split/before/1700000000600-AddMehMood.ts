import { MigrationInterface, QueryRunner } from "typeorm";

export class AddMehMood1700000000600 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TYPE "mood" ADD VALUE 'meh'`);
        await queryRunner.query(`UPDATE "user" SET "mood" = 'meh' WHERE "id" = 1`);
    }

    public async down(): Promise<void> {}
}
