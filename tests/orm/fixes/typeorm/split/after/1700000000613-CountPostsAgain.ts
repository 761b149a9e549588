import { MigrationInterface, QueryRunner } from "typeorm";

export class CountPostsAgain1700000000613 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SELECT count(*) FROM "post" WHERE "authorId" = 1`);
    }

    public async down(): Promise<void> {}
}
