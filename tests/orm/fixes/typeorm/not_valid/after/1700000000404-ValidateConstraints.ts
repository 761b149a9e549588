import { MigrationInterface, QueryRunner } from "typeorm";

// Validates the constraints the four migrations before it add NOT VALID, in a transaction of its
// own (migrationsTransactionMode "each"): reads and writes go on while it scans.
export class ValidateConstraints1700000000404 implements MigrationInterface {
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`SET lock_timeout = '2s'`);
        await queryRunner.query(`ALTER TABLE "post" VALIDATE CONSTRAINT "FK_post_user"`);
        await queryRunner.query(`ALTER TABLE "comment" VALIDATE CONSTRAINT "FK_comment"`);
        await queryRunner.query(`ALTER TABLE "user" VALIDATE CONSTRAINT "CHK_user_email"`);
        await queryRunner.query(`ALTER DOMAIN "rating" VALIDATE CONSTRAINT "rating_positive"`);
    }

    public async down(): Promise<void> {}
}
