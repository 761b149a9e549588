import { MigrationInterface, QueryRunner } from "typeorm";

export class CountPosts1700000000603 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "user" ADD "postCount" integer`);
        await queryRunner.query(`SELECT count(*) FROM "post" WHERE "authorId" = 1`);
    }

    public async down(): Promise<void> {}
}
