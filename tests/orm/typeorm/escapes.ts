// The runner stored where code called without it reads it (a module variable, an object, an
// array), `this` holding it when a method is not in the file, code built at run time, and a
// connection the migration opens itself: each an unknown statement at its line. A name the
// function declares keeps the runner where the walker reads it.
import { MigrationInterface, QueryRunner, DataSource } from 'typeorm'
import { Client } from 'pg'

let shared: QueryRunner
const registry: any = {}

export class Escapes1700000000020 implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
        shared = queryRunner
        registry.runner = queryRunner
        registry.all = [queryRunner]
        this.runner = queryRunner
        await this.notInThisFile()
        let later: QueryRunner
        later = queryRunner
        await later.query('DROP TABLE carts')
        eval('1')
        const client = new Client()
        await new DataSource({ type: 'postgres' }).initialize()
        await import(process.env.X)
    }

    async down(queryRunner: QueryRunner): Promise<void> {}
}
