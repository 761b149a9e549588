import { MigrationInterface, QueryRunner } from "typeorm";

export class RebuildAndArchiveConcurrently1700000000301 implements MigrationInterface {
    transaction = false;

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`REINDEX INDEX CONCURRENTLY "IDX_post_title"`);
        await queryRunner.query(`ALTER TABLE "events" DETACH PARTITION "events_2023" CONCURRENTLY`);
    }

    public async down(): Promise<void> {}
}
