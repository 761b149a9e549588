import { MigrationInterface, QueryRunner } from "typeorm";

export class CountPosts1700000000603 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD "postCount" integer`);
    }

    public async down(): Promise<void> {}
}
