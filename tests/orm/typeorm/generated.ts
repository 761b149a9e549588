import { MigrationInterface, QueryRunner } from 'typeorm'

export class AddUserEmail1700000000000 implements MigrationInterface {
    name = 'AddUserEmail1700000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "user" ADD "email" character varying NOT NULL`)
        // pgfence-ignore: create-index-without-concurrently -- table is tiny
        await queryRunner.query(`CREATE INDEX "IDX_user_email" ON "user" ("email") `)
        await queryRunner.query(
            `ALTER TABLE "post" ADD CONSTRAINT "FK_post_user" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE`
        )
        await queryRunner.query(`UPDATE "user" SET "email" = $1 WHERE "email" IS NULL`, ['none'])
        await queryRunner.query('CREATE TABLE "a" (id int);' + "\n" + 'DROP TABLE "b"')
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_user_email"`)
        await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "email"`)
    }
}
