// Chaining with --direction both: a file's down part (any convention that has one) changes no
// schema the next file of its set finds. Each case: file 1 creates users and users_email_idx in
// its up part and drops them in its down part; file 2 drops the index, which locks users only
// if the index is still known.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/history.hpp"
#include "analyze/migrations/migration_order.hpp"

using namespace pgfence::analyze;
namespace fs = std::filesystem;

namespace {

const char* k_up = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL); CREATE INDEX users_email_idx ON users (email);";
const char* k_down = "DROP INDEX users_email_idx; DROP TABLE users;";

struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> files;  // relative path, text
};

bool drop_index_locks_users(const std::vector<std::pair<std::string, std::string>>& files, unsigned threads) {
    fs::path dir = fs::temp_directory_path() / ("pgfence_down_parts_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::vector<std::string> paths;
    for (const auto& [name, text] : files) {
        fs::path p = dir / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        paths.push_back(p.string());
    }
    MigrationSets sets = group_migration_sets(paths);
    AnalyzeOptions options;
    options.run_rules = false;
    options.direction = Direction::Both;
    options.threads = threads;
    HistoryChain chain(sets.set_of, nullptr);
    options.chain = &chain;
    Report report = analyze_files(sets.files, options);
    fs::remove_all(dir);
    const FileReport& last = report.files.back();
    INFO("last file: " << last.path << " (" << last.statements.size() << " statements)");
    for (const auto& s : last.statements) {
        for (const auto& l : s.locks) {
            if (l.relation == "users" || l.relation == "public.users") return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("down parts of every convention leave the next file's schema alone", "[history][down]") {
    std::string up = k_up, down = k_down;
    std::vector<Case> cases = {
        {"goose", {{"m/00001_a.sql", "-- +goose Up\n" + up + "\n-- +goose Down\n" + down + "\n"},
                   {"m/00002_b.sql", "-- +goose Up\nDROP INDEX users_email_idx;\n"}}},
        {"goose down first", {{"m/00001_a.sql", "-- +goose Down\n" + down + "\n-- +goose Up\n" + up + "\n"},
                              {"m/00002_b.sql", "-- +goose Up\nDROP INDEX users_email_idx;\n"}}},
        {"dbmate", {{"m/20240101000000_a.sql", "-- migrate:up\n" + up + "\n-- migrate:down\n" + down + "\n"},
                    {"m/20240102000000_b.sql", "-- migrate:up\nDROP INDEX users_email_idx;\n-- migrate:down\n"}}},
        {"golang-migrate", {{"m/1_a.up.sql", up + "\n"}, {"m/1_a.down.sql", down + "\n"},
                            {"m/2_b.up.sql", "DROP INDEX users_email_idx;\n"}}},
        {"diesel", {{"m/2024-01-01-000000_a/up.sql", up + "\n"}, {"m/2024-01-01-000000_a/down.sql", down + "\n"},
                    {"m/2024-01-02-000000_b/up.sql", "DROP INDEX users_email_idx;\n"}}},
        {"knex", {{"m/20240101_a.js", "exports.up = function (knex) { return knex.raw('" + up + "'); };\n"
                                      "exports.down = function (knex) { return knex.raw('" + down + "'); };\n"},
                  {"m/20240102_b.js", "exports.up = function (knex) { return knex.raw('DROP INDEX users_email_idx'); };\n"
                                      "exports.down = function (knex) { };\n"}}},
        {"typeorm", {{"m/1700000000000-A.ts",
                      "import { MigrationInterface, QueryRunner } from 'typeorm'\n"
                      "export class A1700000000000 implements MigrationInterface {\n"
                      "  public async up(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(`" + up + "`) }\n"
                      "  public async down(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(`" + down + "`) }\n"
                      "}\n"},
                     {"m/1700000000001-B.ts",
                      "import { MigrationInterface, QueryRunner } from 'typeorm'\n"
                      "export class B1700000000001 implements MigrationInterface {\n"
                      "  public async up(queryRunner: QueryRunner): Promise<void> { await queryRunner.query(`DROP INDEX users_email_idx`) }\n"
                      "  public async down(queryRunner: QueryRunner): Promise<void> { }\n"
                      "}\n"}}},
        {"sequelize", {{"m/20240101-a.js", "module.exports = {\n"
                                           "  up: async (queryInterface) => { await queryInterface.sequelize.query('" + up + "'); },\n"
                                           "  down: async (queryInterface) => { await queryInterface.sequelize.query('" + down + "'); },\n"
                                           "};\n"},
                       {"m/20240102-b.js", "module.exports = {\n"
                                           "  up: async (queryInterface) => { await queryInterface.sequelize.query('DROP INDEX users_email_idx'); },\n"
                                           "  down: async () => {},\n"
                                           "};\n"}}},
    };
    for (const Case& c : cases) {
        for (unsigned threads : {1u, 3u}) {
            INFO(c.name << ", threads " << threads);
            CHECK(drop_index_locks_users(c.files, threads));
        }
    }
}
