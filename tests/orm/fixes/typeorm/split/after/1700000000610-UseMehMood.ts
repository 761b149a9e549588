import { MigrationInterface, QueryRunner } from "typeorm";

export class UseMehMood1700000000610 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`UPDATE "user" SET "mood" = 'meh' WHERE "id" = 1`);
    }

    public async down(): Promise<void> {}
}
