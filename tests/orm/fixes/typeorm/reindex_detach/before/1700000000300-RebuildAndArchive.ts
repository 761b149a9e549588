import { MigrationInterface, QueryRunner } from "typeorm";

export class RebuildAndArchive1700000000300 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`REINDEX INDEX "IDX_post_title"`);
        await queryRunner.query(`ALTER TABLE "events" DETACH PARTITION "events_2023"`);
        await queryRunner.query(`ALTER TABLE "comment" ADD "hidden" boolean`);
    }

    public async down(): Promise<void> {}
}
