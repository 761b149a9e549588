import { MigrationInterface, QueryRunner } from "typeorm";

export class DropOldIndexesConcurrently1700000000201 implements MigrationInterface {
    transaction = false;

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_user_name"`);
        await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "IDX_post_title"`);
    }

    public async down(): Promise<void> {}
}
